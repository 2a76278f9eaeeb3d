package io.contrastream.job.dashboard;

import io.contrastream.job.decode.WireFormat;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.WireCodec;
import io.contrastream.schema.WireFormatException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the job's {@code metrics} and {@code alerts} topics into a {@link DashboardState}, in a
 * background thread: a {@code read_committed} consumer (so the page shows only what the job
 * committed, as every other reader sees it) from the earliest retained offset, decoding with the
 * schemas module's codecs. A record that does not decode is counted and skipped; it never stops the
 * feed. The consumer group is fresh for every feed and commits nothing: a dashboard is a reader,
 * not a member of anyone's group.
 */
public final class DashboardFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DashboardState state;
    private final String metricsTopic;
    private final WireFormat format;
    private final Thread thread;
    private final WireCodec<LossMetrics> metricsAvro = WireCodec.forType(LossMetrics.class);
    private final JsonCodec<LossMetrics> metricsJson = JsonCodec.forType(LossMetrics.class);
    private final WireCodec<ChangeAlert> alertsAvro = WireCodec.forType(ChangeAlert.class);
    private final JsonCodec<ChangeAlert> alertsJson = JsonCodec.forType(ChangeAlert.class);
    private volatile boolean running = true;

    /**
     * Starts following.
     *
     * @param client extra Kafka client settings (SASL, SSL), or empty
     */
    public static DashboardFeed start(
            String bootstrapServers,
            Properties client,
            String metricsTopic,
            String alertsTopic,
            WireFormat format,
            DashboardState state) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "contrastream-dashboard-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(metricsTopic, alertsTopic));
        DashboardFeed feed = new DashboardFeed(consumer, state, metricsTopic, format);
        feed.thread.start();
        return feed;
    }

    private DashboardFeed(
            KafkaConsumer<byte[], byte[]> consumer,
            DashboardState state,
            String metricsTopic,
            WireFormat format) {
        this.consumer = consumer;
        this.state = state;
        this.metricsTopic = metricsTopic;
        this.format = format;
        this.thread = new Thread(this::run, "dashboard-feed");
        thread.setDaemon(true);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    accept(r.topic().equals(metricsTopic), r.value());
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("dashboard feed stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void accept(boolean metrics, byte[] value) {
        try {
            if (metrics) {
                state.add(
                        format == WireFormat.AVRO
                                ? metricsAvro.decode(value)
                                : metricsJson.decode(value));
            } else {
                state.add(
                        format == WireFormat.AVRO
                                ? alertsAvro.decode(value)
                                : alertsJson.decode(value));
            }
        } catch (WireFormatException | RuntimeException e) {
            state.addUnreadable();
            LOG.debug("skipping an output record the dashboard cannot decode: {}", e.toString());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
