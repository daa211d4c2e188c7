package dev.prune.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
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

    /**
     * The command-line main, started as a supervisor would (standard input from /dev/null), prints
     * KAFKA_READY and serves; its broker watches it by pid and does not outlive it even on SIGKILL.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mainPrintsReadyAndItsBrokerDiesWithIt(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx64m",
                "-D" + KafkaLibs.LIBS_PROPERTY + "=" + KafkaLibs.locate().folder(),
                "-cp", System.getProperty("java.class.path"), LocalKafkaMain.class.getName(),
                "--data", dir.resolve("kafka").toString(), "--port", "0", "--topic", TOPIC + ":2");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectError(dir.resolve("main.err").toFile());
        Process main = pb.start();
        try {
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> firstLine(main));
            String line = ready.get(90, TimeUnit.SECONDS);
            assertTrue(line != null && line.matches("KAFKA_READY 127\\.0\\.0\\.1:\\d+"),
                    "stdout: " + line + "; stderr: " + Files.readString(dir.resolve("main.err")));
            String bootstrap = line.substring("KAFKA_READY ".length());
            List<ProcessHandle> brokers = main.toHandle().children().collect(Collectors.toList());
            assertEquals(1, brokers.size(), "one broker JVM under the main");
            ProcessHandle broker = brokers.get(0);
            String brokerCommand = broker.info().commandLine().orElse("");
            assertTrue(brokerCommand.isEmpty()
                            || brokerCommand.contains("-D" + BrokerLauncher.PARENT_PID_PROPERTY + "=" + main.pid()),
                    "the broker is told its parent's pid: " + brokerCommand);

            send(bootstrap, "run-1", "stdin-closed");
            assertEquals(List.of("stdin-closed"), readWithGroup(bootstrap, "ranker", 1));
            assertTrue(main.isAlive() && broker.isAlive(), "main and broker keep running with stdin closed");

            main.destroyForcibly(); // SIGKILL: no shutdown hook runs in the main
            main.waitFor(10, TimeUnit.SECONDS);
            awaitEnd(broker, Duration.ofSeconds(45));
            assertFalse(broker.isAlive(), "the broker outlived its killed parent");
            String log = Files.readString(dir.resolve("kafka").resolve(KafkaBroker.LOG_FILE));
            assertTrue(log.contains("parent process " + main.pid() + " is gone"), "watchdog line in broker.log");
        } finally {
            main.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            main.destroyForcibly();
        }
    }

    /**
     * A supervisor restarts the broker JVM by its own command line (BrokerLauncher server.properties), with
     * no parent pid and standard input from /dev/null: it stays up and serves until SIGTERM, then stops
     * cleanly and frees its port.
     */
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void brokerRestartedBySupervisorWithStdinClosedRunsUntilSignalled(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        int port;
        try (KafkaBroker broker = KafkaBroker.builder(data).start()) {
            port = broker.port();
            broker.createTopics(Map.of(TOPIC, 2));
            send(broker.bootstrapServers(), "run-1", "before-restart");
        }
        String bootstrap = "127.0.0.1:" + port;

        List<String> classpath = KafkaLibs.locate().jars().stream().map(Path::toString).collect(Collectors.toList());
        classpath.add(Path.of(BrokerLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + data.resolve("log4j2.properties").toUri(),
                "-cp", String.join(File.pathSeparator, classpath), BrokerLauncher.class.getName(),
                data.resolve("server.properties").toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectErrorStream(true);
        Path log = dir.resolve("supervised.log");
        pb.redirectOutput(log.toFile());
        Process supervised = pb.start();
        try {
            awaitPort(supervised, port, Duration.ofSeconds(90), log);
            assertEquals(List.of("before-restart"), readWithGroup(bootstrap, "ranker", 1));
            send(bootstrap, "run-1", "after-restart");
            assertEquals(List.of("after-restart"), readWithGroup(bootstrap, "ranker", 1));
            // the stdin watchdog used to stop it at once; now only a signal does
            assertFalse(supervised.waitFor(3, TimeUnit.SECONDS), "the broker exited by itself: " + Files.readString(log));
            assertFalse(Files.readString(log).contains("parent process"), "no parent watchdog without a parent pid");

            supervised.destroy(); // SIGTERM: Kafka's clean shutdown
            assertTrue(supervised.waitFor(60, TimeUnit.SECONDS), "SIGTERM stops the broker");
            String text = Files.readString(log);
            assertTrue(text.contains("[BrokerServer id=1] shut down completed"),
                    "clean shutdown in the log:\n" + KafkaBroker.tail(log, 0));
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            }
        } finally {
            supervised.destroyForcibly();
        }
    }

    /** A broker whose parent is gone before it starts does not start at all (and so is never orphaned). */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void brokerWhoseParentIsGoneAlreadyExits(@TempDir Path dir) throws Exception {
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gone.waitFor();
        List<String> classpath = KafkaLibs.locate().jars().stream().map(Path::toString).collect(Collectors.toList());
        classpath.add(Path.of(BrokerLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-D" + BrokerLauncher.PARENT_PID_PROPERTY + "=" + gone.pid(),
                "-cp", String.join(File.pathSeparator, classpath), BrokerLauncher.class.getName(),
                dir.resolve("server.properties").toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("out.log").toFile());
        Process broker = pb.start();
        assertTrue(broker.waitFor(30, TimeUnit.SECONDS), "exits at once");
        assertEquals(1, broker.exitValue());
        assertTrue(Files.readString(dir.resolve("out.log")).contains("is gone already"), Files.readString(dir.resolve("out.log")));
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

    private static void awaitEnd(ProcessHandle process, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (process.isAlive() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
    }

    /** Waits until a broker started by hand answers on the port (an admin client sees its node). */
    private static void awaitPort(Process process, int port, Duration timeout, Path log) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        Properties p = new Properties();
        p.put("bootstrap.servers", "127.0.0.1:" + port);
        p.put("default.api.timeout.ms", 5000);
        p.put("request.timeout.ms", 5000);
        try (Admin admin = Admin.create(p)) {
            while (true) {
                if (!process.isAlive()) {
                    fail("the broker exited with " + process.exitValue() + ":\n" + KafkaBroker.tail(log, 0));
                }
                if (Instant.now().isAfter(deadline)) {
                    fail("the broker did not answer on port " + port + ":\n" + KafkaBroker.tail(log, 0));
                }
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    Thread.sleep(200);
                }
            }
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
        send(broker.bootstrapServers(), key, value);
    }

    private static void send(String bootstrap, String key, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(TOPIC, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static Properties consumerProperties(KafkaBroker broker) {
        return consumerProperties(broker.bootstrapServers());
    }

    private static Properties consumerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    /** Reads {@code count} records as consumer group {@code group} and commits them. */
    private static List<String> readWithGroup(KafkaBroker broker, String group, int count) {
        return readWithGroup(broker.bootstrapServers(), group, count);
    }

    private static List<String> readWithGroup(String bootstrap, String group, int count) {
        Properties p = consumerProperties(bootstrap);
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
