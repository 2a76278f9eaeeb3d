/** The {@code contrastream} command line, one class per subcommand. */
package io.contrastream.job.cli;
