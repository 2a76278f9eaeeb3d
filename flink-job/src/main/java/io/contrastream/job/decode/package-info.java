/** The edge of the job: raw records in, validated pairs or dead letters out. */
package io.contrastream.job.decode;
