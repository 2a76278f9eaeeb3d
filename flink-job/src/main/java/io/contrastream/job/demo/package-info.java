/**
 * {@code contrastream demo}: a real Kafka broker inside the process ({@link
 * io.contrastream.job.demo.EmbeddedKafka}, also used by the tests), a synthetic imagery feed with
 * ground truth ({@link io.contrastream.job.demo.ImageryFeed}) and the run around the job ({@link
 * io.contrastream.job.demo.DemoRunner}).
 */
package io.contrastream.job.demo;
