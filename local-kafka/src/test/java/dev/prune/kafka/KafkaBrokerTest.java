package dev.prune.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starts real Kafka brokers (own JVMs); about 30 s on 2 cores. */
class KafkaBrokerTest {

    private static final String TOPIC = "start-pruning";

    @Test
    void brokerRunsOnKafkasOwnJarsNotTheBomsClients() throws IOException {
        KafkaLibs libs = KafkaLibs.locate();
        String kafka = libs.kafkaVersion().orElseThrow();
        // the Quarkus BOM pins kafka-clients 4.1.2 for the services; the broker must not get it
        assertEquals(Optional.of(kafka), libs.clientsVersion(), "broker classpath: " + libs.jars());
        String listing = Files.readString(libs.folder().resolve("kafka-libs.txt"));
        assertTrue(listing.contains("org.apache.kafka:kafka-clients:jar:" + kafka + ":"), listing);
        assertTrue(listing.contains("org.apache.logging.log4j:log4j-slf4j-impl:jar:"), "broker logging binding");
        assertTrue(libs.jars().stream().allMatch(Files::isRegularFile));
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void producesConsumesAndKeepsDataOverRestartAndKill(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        int port;
        try (KafkaBroker broker = KafkaBroker.builder(data).start()) {
            report("cold start (format + start)", broker);
            assertTrue(broker.formattedStorage());
            assertTrue(broker.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), broker.bootstrapServers());
            assertTrue(Files.isRegularFile(data.resolve("kafka-data/meta.properties")));
            assertTrue(Files.readString(broker.logFile()).contains("Kafka Server started"));
            port = broker.port();

            broker.createTopics(Map.of(TOPIC, 3));
            broker.createTopics(Map.of(TOPIC, 3)); // idempotent
            assertEquals(3, partitions(broker, TOPIC));

            send(broker, "run-1", "hello");
            assertEquals(List.of("hello"), readWithGroup(broker, "ranker", 1));
        }

        // clean restart on the same data folder and port: data, topic and committed offsets stay
        try (KafkaBroker broker = KafkaBroker.builder(data).port(port).start()) {
            report("warm restart after close()", broker);
            assertFalse(broker.formattedStorage());
            assertEquals(port, broker.port());
            assertEquals(3, partitions(broker, TOPIC));
            assertEquals(List.of("hello"), readAll(broker, 1));
            send(broker, "run-1", "after-restart");
            // the group resumes after its committed offset
            assertEquals(List.of("after-restart"), readWithGroup(broker, "ranker", 1));

            broker.kill();
            assertFalse(broker.isRunning());
        }

        // after a crash (SIGKILL) it starts again, on a new free port, and recovers its log
        try (KafkaBroker broker = KafkaBroker.builder(data).start()) {
            report("restart after kill()", broker);
            assertFalse(broker.formattedStorage());
            assertEquals(List.of("hello", "after-restart"), readAll(broker, 2));
            send(broker, "run-2", "after-kill");
            assertEquals(3, readAll(broker, 3).size());
        }
    }

    @Test
    void clusterIdsAreKafkaUuidsThatTheStorageToolCannotMistakeForOptions() {
        for (int i = 0; i < 2000; i++) {
            String id = KafkaBroker.newClusterId();
            assertTrue(id.matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}"), id);
        }
    }

    @Test
    void refusesAPortInUse(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> KafkaBroker.builder(dir).port(taken.getLocalPort()).start());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFailedStartSaysWhyWithTheLogTail(@TempDir Path dir) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KafkaBroker.builder(dir)
                .brokerProperty("num.io.threads", "not-a-number").startTimeout(Duration.ofSeconds(40)).start());
        String message = e.getMessage();
        assertTrue(message.contains(dir.resolve(KafkaBroker.LOG_FILE).toString()), message);
        assertTrue(message.contains("num.io.threads"), message);
    }

    /** The command-line main prints KAFKA_READY, and its broker does not outlive it even on SIGKILL. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mainPrintsReadyAndItsBrokerDiesWithIt(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx64m",
                "-D" + KafkaLibs.LIBS_PROPERTY + "=" + KafkaLibs.locate().folder(),
                "-cp", System.getProperty("java.class.path"), LocalKafkaMain.class.getName(),
                "--data", dir.resolve("kafka").toString(), "--port", "0", "--topic", "evaluate-model:2");
        pb.redirectError(dir.resolve("main.err").toFile());
        Process main = pb.start();
        try {
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> firstLine(main));
            String line = ready.get(90, TimeUnit.SECONDS);
            assertTrue(line != null && line.matches("KAFKA_READY 127\\.0\\.0\\.1:\\d+"),
                    "stdout: " + line + "; stderr: " + Files.readString(dir.resolve("main.err")));
            List<ProcessHandle> brokers = main.toHandle().children().collect(Collectors.toList());
            assertEquals(1, brokers.size(), "one broker JVM under the main");
            ProcessHandle broker = brokers.get(0);

            main.destroyForcibly(); // SIGKILL: no shutdown hook runs in the main
            main.waitFor(10, TimeUnit.SECONDS);
            Instant deadline = Instant.now().plusSeconds(45);
            while (broker.isAlive() && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertFalse(broker.isAlive(), "the broker outlived its killed parent");
            String log = Files.readString(dir.resolve("kafka").resolve(KafkaBroker.LOG_FILE));
            assertTrue(log.contains("parent process is gone"), "watchdog line in broker.log");
        } finally {
            main.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            main.destroyForcibly();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static String firstLine(Process process) {
        try {
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            return reader.readLine();
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static void report(String what, KafkaBroker broker) {
        System.out.printf("local-kafka %s: %d ms, broker RSS %s MB (pid %d)%n", what,
                broker.startupTime().toMillis(), rssMegabytes(broker.pid()), broker.pid());
    }

    private static String rssMegabytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D+", ""));
                    return Long.toString(kb / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "?";
    }

    private static int partitions(KafkaBroker broker, String topic) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
        }
    }

    private static void send(KafkaBroker broker, String key, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(TOPIC, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static Properties consumerProperties(KafkaBroker broker) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    /** Reads {@code count} records as consumer group {@code group} and commits them. */
    private static List<String> readWithGroup(KafkaBroker broker, String group, int count) {
        Properties p = consumerProperties(broker);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(TOPIC));
            List<String> values = poll(consumer, count);
            consumer.commitSync(Duration.ofSeconds(30));
            return values;
        }
    }

    /** Reads the topic from the beginning without a group; the values in offset order per key. */
    private static List<String> readAll(KafkaBroker broker, int count) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties(broker))) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(TOPIC, info.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return poll(consumer, count);
        }
    }

    private static List<String> poll(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(45);
        while (records.size() < count) {
            if (Instant.now().isAfter(deadline)) {
                fail("got " + records.size() + " of " + count + " records: " + records);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        // records of one key share a partition, so sorting by (key, offset) keeps send order
        records.sort((a, b) -> a.key().equals(b.key()) ? Long.compare(a.offset(), b.offset())
                : a.key().compareTo(b.key()));
        assertNotEquals(0, records.size());
        return records.stream().map(ConsumerRecord::value).collect(Collectors.toList());
    }
}
