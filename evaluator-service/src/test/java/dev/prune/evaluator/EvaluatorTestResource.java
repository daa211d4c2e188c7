package dev.prune.evaluator;

import dev.prune.events.PipelineTopic;
import dev.prune.kafka.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real parts the packaged service runs against: an Apache Kafka broker in its own JVM (local-kafka)
 * with every pipeline topic and dead-letter topic (3 partitions each), a checkpoint folder in a temp dir,
 * and the PostgreSQL server on 127.0.0.1:5432 (schema {@value #SCHEMA}, so the tests share the database
 * without touching a real ledger). The test JVM finds them through the {@code evaluator.it.*} system properties.
 */
public class EvaluatorTestResource implements QuarkusTestResourceLifecycleManager {
    public static final String SCHEMA = "evaluator_it";
    static final String BOOTSTRAP = "evaluator.it.bootstrap";
    static final String STORE = "evaluator.it.store";
    static final String JDBC_URL = "evaluator.it.jdbc-url";
    static final int PARTITIONS = 3;
    /** The API keys the service under test accepts (X-API-Key). */
    static final String OPERATOR_KEY = "it-operator-key-0123456789abcdef";
    static final String VIEWER_KEY = "it-viewer-key-0123456789abcdef";

    /** Signs the bearer tokens the tests send; its public half is the service's mp.jwt.verify.publickey. */
    static final java.security.KeyPair TOKEN_KEYS = tokenKeys();

    private static java.security.KeyPair tokenKeys() {
        try {
            var generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path root;
    private KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("evaluator-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        broker = KafkaBroker.builder(root.resolve("kafka")).defaultPartitions(PARTITIONS).start();
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String topic : PipelineTopic.names()) {
            topics.put(topic, PARTITIONS);
            topics.put(topic + PipelineTopic.DLQ_SUFFIX, PARTITIONS);
        }
        broker.createTopics(topics);
        Path store = root.resolve("store");
        String jdbcUrl = System.getProperty(JDBC_URL, "jdbc:postgresql://127.0.0.1:5432/test");
        System.setProperty(BOOTSTRAP, broker.bootstrapServers());
        System.setProperty(STORE, store.toString());
        System.setProperty(JDBC_URL, jdbcUrl);

        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", broker.bootstrapServers());
        config.put("pruning.store.type", "folder");
        config.put("pruning.store.folder.root", store.toString());
        config.put("pruning.scratch-dir", root.resolve("scratch").toString());
        config.put("quarkus.datasource.jdbc.url", jdbcUrl);
        config.put("evaluator.db.schema", SCHEMA);
        config.put("pruning.auth.operator-key", OPERATOR_KEY);
        config.put("pruning.auth.viewer-key", VIEWER_KEY);
        config.put("mp.jwt.verify.publickey",
                java.util.Base64.getEncoder().encodeToString(TOKEN_KEYS.getPublic().getEncoded()));
        config.put("pruning.data.folder-root", root.resolve("images").toString());
        // a measurement on 2 cores: keep the latency runs short
        config.put("pruning.measure.latency-warmup", "2");
        config.put("pruning.measure.latency-warmup-seconds", "0");
        config.put("pruning.measure.latency-runs-b1", "5");
        config.put("pruning.measure.latency-runs-b64", "1");
        return config;
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir
            }
        }
    }
}
