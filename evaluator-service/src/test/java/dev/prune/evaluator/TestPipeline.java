package dev.prune.evaluator;

import dev.prune.events.EventCodec;
import dev.prune.events.PipelineEvent;
import dev.prune.events.RunSpec;
import dev.prune.net.ConvNet;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.pipeline.CheckpointIO;
import dev.prune.runtime.Nd4jRuntime;
import dev.prune.store.CheckpointKey;
import dev.prune.store.FolderCheckpointStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The other services' side of the test: checkpoints, events in and out, and a look into the ledger. */
final class TestPipeline implements AutoCloseable {
    /** The tiny run of the brief: 256 training, 128 test, 64 ranking, 128 fine-tuning images, 2 iterations. */
    static final RunSpec SPEC = new RunSpec(4, 0.5, 0.05, 2, 1, 1, "taylor", 0, "fashion-mnist", 256, 128, 64,
            "sample", "adam", 1e-3, 64, 1, 128, 0);

    private static ConvNet model;

    private final String bootstrap = System.getProperty(EvaluatorTestResource.BOOTSTRAP);
    private final CheckpointIO io;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean closed;

    TestPipeline(List<String> recordedTopics) {
        Path store = Path.of(System.getProperty(EvaluatorTestResource.STORE));
        io = new CheckpointIO(new FolderCheckpointStore(store), store.resolveSibling("test-scratch"));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "evaluator-it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        consumer.subscribe(recordedTopics);
        poller = new Thread(this::poll, "evaluator-it-recorder");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        try {
            while (!closed) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** Records seen so far on {@code topic} with this key, in arrival order. */
    List<ConsumerRecord<String, String>> records(String topic, String key) {
        return seen.stream().filter(r -> r.topic().equals(topic) && key.equals(r.key())).toList();
    }

    static String runId(String purpose) {
        return "it-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Stores the untrained vgg-small (no BatchNorm, seed 0) as a checkpoint of the run; returns its key prefix. */
    String saveModel(String runId, int iteration, String stage, String parent) {
        CheckpointKey key = new CheckpointKey(runId, iteration, stage);
        io.saveModel(key, model(), parent, "evaluator-it", Map.of());
        return key.prefix();
    }

    private static synchronized ConvNet model() {
        if (model == null) {
            Nd4jRuntime.configure();
            model = VggBuilder.build(VggSpec.vggSmall(false, 0));
        }
        return model;
    }

    void send(String topic, String key, String value, Map<String, String> headers) {
        var record = new ProducerRecord<String, String>(topic, key, value);
        headers.forEach((name, v) -> record.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic + " on " + bootstrap, e);
        }
    }

    void send(String topic, PipelineEvent event) {
        send(topic, event.runId(), EventCodec.encode(event), Map.of());
    }

    /** A single value from the ledger (schema {@link EvaluatorTestResource#SCHEMA}), read with plain JDBC. */
    static Object sql(String query, Object... args) {
        try (Connection connection = DriverManager.getConnection(System.getProperty(EvaluatorTestResource.JDBC_URL),
                "postgres", "");
             PreparedStatement statement = connection.prepareStatement(
                     query.replace("{schema}", EvaluatorTestResource.SCHEMA))) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(query + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            poller.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
