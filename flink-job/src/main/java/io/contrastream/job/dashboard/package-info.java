/**
 * The live dashboard: {@link io.contrastream.job.dashboard.DashboardFeed} follows the job's {@code
 * metrics} and {@code alerts} topics (read_committed) into a bounded {@link
 * io.contrastream.job.dashboard.DashboardState}, and {@link
 * io.contrastream.job.dashboard.DashboardServer} serves it on 127.0.0.1 as {@code /api/state} with
 * the page (resources beside this package) that polls it and draws it with uPlot, from its WebJar.
 * {@code contrastream dashboard} runs it for a job on Kafka; {@code contrastream demo} runs it
 * beside the demo.
 */
package io.contrastream.job.dashboard;
