/** Where records come from and go to: sources, sinks, formats and dead letters. */
package io.contrastream.job.io;
