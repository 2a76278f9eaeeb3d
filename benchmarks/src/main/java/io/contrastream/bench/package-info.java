/** JMH benchmarks of the kernels; figures and the commands that produced them are in the README. */
package io.contrastream.bench;
