/**
 * Files as the job's input and output, for {@code contrastream replay}: {@link
 * io.contrastream.job.io.file.NumberedLines} reads a JSON-lines file of pair events as raw records
 * numbered by line, and {@link io.contrastream.job.io.file.JsonLinesSink} writes each output as one
 * JSON-lines file.
 */
package io.contrastream.job.io.file;
