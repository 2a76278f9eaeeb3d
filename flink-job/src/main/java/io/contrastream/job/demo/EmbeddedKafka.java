package io.contrastream.job.demo;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker (KRaft, one combined broker and controller) inside this JVM, for the demo:
 * Kafka's own test kit, listening on 127.0.0.1 only, its data in a directory of the caller's.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats and starts a broker whose logs live under {@code dataDir}; waits until ready. */
    public static EmbeddedKafka start(Path dataDir) throws Exception {
        TestKitNodes nodes =
                new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(dataDir)
                        .build();
        KafkaClusterTestKit cluster =
                new KafkaClusterTestKit.Builder(nodes)
                        .setConfigProp(
                                "listeners", "EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0")
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("offsets.topic.num.partitions", "2")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("transaction.state.log.num.partitions", "2")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "false")
                        .build();
        rebindToLoopback(cluster);
        // The test kit's formatter prints to stdout; keep the demo's output to the demo.
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(stdout);
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster);
    }

    /**
     * The kit reserves each listener's port by binding it on all interfaces ({@code new
     * InetSocketAddress(port)} in {@code PreboundSocketFactoryManager}), whatever {@code listeners}
     * says, and offers no option for the address. Each reserved socket is replaced by one on
     * 127.0.0.1, same port, before the servers start and take them. Checked against Kafka 4.2's
     * test kit; a kit without these fields fails here, loudly, rather than listening widely.
     */
    @SuppressWarnings("unchecked")
    private static void rebindToLoopback(KafkaClusterTestKit kit) throws Exception {
        Field managerField = KafkaClusterTestKit.class.getDeclaredField("socketFactoryManager");
        managerField.setAccessible(true);
        PreboundSocketFactoryManager manager = (PreboundSocketFactoryManager) managerField.get(kit);
        Field socketsField = PreboundSocketFactoryManager.class.getDeclaredField("sockets");
        socketsField.setAccessible(true);
        synchronized (manager) {
            Map<Integer, Map<String, ServerSocketChannel>> sockets =
                    (Map<Integer, Map<String, ServerSocketChannel>>) socketsField.get(manager);
            for (Map<String, ServerSocketChannel> byListener : sockets.values()) {
                for (Map.Entry<String, ServerSocketChannel> e : byListener.entrySet()) {
                    int port = ((InetSocketAddress) e.getValue().getLocalAddress()).getPort();
                    e.getValue().close();
                    ServerSocketChannel loopback = ServerSocketChannel.open();
                    loopback.configureBlocking(false); // as Kafka's acceptor needs
                    loopback.socket().setReuseAddress(true);
                    loopback.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    e.setValue(loopback);
                }
            }
        }
    }

    /** The address clients connect to. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * Creates topics with the given partitions, replication 1, and waits (up to 30 s) until every
     * partition has a leader, so that producers and consumers can use them at once. Right after
     * creation the broker may still answer "unknown topic or partition": that is retried.
     */
    public void createTopics(int partitions, List<String> names) throws Exception {
        createTopics(partitions, names, Map.of());
    }

    /** As {@link #createTopics(int, List)}, each topic with the given topic-level configs. */
    public void createTopics(int partitions, List<String> names, Map<String, String> configs)
            throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(
                            names.stream()
                                    .map(
                                            n ->
                                                    new NewTopic(n, partitions, (short) 1)
                                                            .configs(configs))
                                    .toList())
                    .all()
                    .get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!ready(admin, names, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "topics " + names + " have no leaders after 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    private static boolean ready(Admin admin, List<String> names, int partitions)
            throws InterruptedException, ExecutionException {
        try {
            return admin.describeTopics(names).allTopicNames().get().values().stream()
                    .allMatch(
                            d ->
                                    d.partitions().size() == partitions
                                            && d.partitions().stream()
                                                    .allMatch(p -> p.leader() != null));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
