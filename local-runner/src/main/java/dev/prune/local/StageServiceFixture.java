package dev.prune.local;

import dev.prune.data.FashionMnist;
import dev.prune.kafka.KafkaBroker;
import dev.prune.pipeline.CheckpointIO;
import dev.prune.runtime.Nd4jRuntime;
import dev.prune.store.FolderCheckpointStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a test of one stage service stands on: a real broker with the stage's topics, a folder
 * checkpoint store, a Kafka client, and the packaged service started against them with the
 * settings every stage reads (broker, store, scratch folder, Fashion-MNIST folder). Closing it stops
 * every service it started, the client and the broker.
 */
public final class StageServiceFixture implements AutoCloseable {
    /** How long a service may take to become ready. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final KafkaBroker kafka;
    private final KafkaTestClient topics;
    private final FolderCheckpointStore store;
    private final List<ServiceProcess> started = new ArrayList<>();

    private StageServiceFixture(Path dir, KafkaBroker kafka) {
        this.dir = dir;
        this.kafka = kafka;
        this.topics = new KafkaTestClient(kafka.bootstrapServers());
        this.store = new FolderCheckpointStore(dir.resolve("store"));
    }

    /** Starts a broker under {@code dir} with these topics (name -> partitions) and a folder store beside it. */
    public static StageServiceFixture start(Path dir, Map<String, Integer> topicPartitions) {
        KafkaBroker kafka = KafkaBroker.builder(dir.resolve("kafka")).start();
        try {
            kafka.createTopics(topicPartitions);
            return new StageServiceFixture(dir, kafka);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public KafkaTestClient topics() {
        return topics;
    }

    public FolderCheckpointStore store() {
        return store;
    }

    /** Checkpoint reading and writing on the store, for the test's own inputs (ND4J configured as the services do). */
    public CheckpointIO io() {
        Nd4jRuntime.configure();
        return new CheckpointIO(store, dir.resolve("scratch"));
    }

    /**
     * Starts the packaged {@code service} (its jar from failsafe's service.jar property) on the broker and store,
     * its log in target/it-logs/{@code logName}; {@code settings} are added to (or override) the common ones.
     */
    public ServiceProcess startService(String service, String logName, Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "pruning.store.type", "folder",
                "pruning.store.folder.root", dir.resolve("store").toString(),
                "pruning.scratch-dir", dir.resolve("service-scratch").toString(),
                "pruning.fashion-mnist-dir", FashionMnist.defaultDirectory().toString()));
        all.putAll(settings);
        ServiceProcess process = ServiceProcess.startUnderTest(service, all, Path.of("target", "it-logs", logName), START_TIMEOUT);
        started.add(process);
        return process;
    }

    @Override
    public void close() {
        started.forEach(ServiceProcess::close);
        topics.close();
        kafka.close();
    }
}
