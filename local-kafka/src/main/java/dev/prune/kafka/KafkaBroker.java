package dev.prune.kafka;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real single-node Apache Kafka broker (broker and KRaft controller in one process) running
 * in its own JVM, started from Kafka's own jars (see {@link KafkaLibs}).
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.builder(Path.of(".pruning/kafka")).port(9092).start()) {
 *     kafka.createTopics(Map.of("start-pruning", 4));
 *     String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:9092"
 * }
 * }</pre>
 *
 * <p>Layout of the data folder: {@code server.properties} and {@code log4j2.properties} (written
 * at every start), {@code broker.log} (everything the broker JVM prints, appended across
 * restarts) and {@code kafka-data/} (Kafka's log.dirs, with {@code meta.properties} once
 * formatted). The storage is formatted once; a later start on the same folder reuses the data,
 * topics and committed offsets.
 *
 * <p>The broker process is stopped by {@link #close()}, by a shutdown hook of this JVM, and, if
 * this JVM dies without running hooks, by the broker itself, which watches this JVM's process id
 * (see {@link BrokerLauncher}); its standard input is closed and never read.
 */
public final class KafkaBroker implements AutoCloseable {

    /** The file, inside the data folder, that receives the broker JVM's output. */
    public static final String LOG_FILE = "broker.log";
    /** Kafka's log.dirs (and metadata log) inside the data folder. */
    public static final String KAFKA_DATA = "kafka-data";

    /**
     * JVM options of the broker besides -Xmx: a small initial heap and the serial collector keep
     * its resident memory near 280 MB; C1 only (TieredStopAtLevel=1) starts it about a third
     * faster and leaves the cores to the training jobs, at some cost in peak throughput that a
     * local broker carrying events (not weights) does not feel.
     */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xms32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static final String HOST = "127.0.0.1";
    private static final int LOG_TAIL_LINES = 40;

    private final Builder config;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final int controllerPort;
    private final Process process;
    private final Thread shutdownHook;
    private final boolean formatted;
    private final Duration startupTime;
    private volatile boolean closed;

    private KafkaBroker(Builder config, Path dataDir, int port, int controllerPort, Process process,
            Thread shutdownHook, boolean formatted, Duration startupTime) {
        this.config = config;
        this.dataDir = dataDir;
        this.logFile = dataDir.resolve(LOG_FILE);
        this.port = port;
        this.controllerPort = controllerPort;
        this.process = process;
        this.shutdownHook = shutdownHook;
        this.formatted = formatted;
        this.startupTime = startupTime;
    }

    /** Starts a broker with the defaults (free ports, 4 partitions, auto-created topics) in {@code dataDir}. */
    public static KafkaBroker start(Path dataDir) {
        return builder(dataDir).start();
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** "127.0.0.1:PORT" of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The file that receives the broker's log (and anything else its JVM prints). */
    public Path logFile() {
        return logFile;
    }

    /** Process id of the broker JVM. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** True when this start formatted the storage (first start on this data folder). */
    public boolean formattedStorage() {
        return formatted;
    }

    /** Time from {@link Builder#start()} until the broker answered (including formatting). */
    public Duration startupTime() {
        return startupTime;
    }

    /** Waits until the broker process has ended; returns its exit code. */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /**
     * Creates the topics that do not exist yet, each with the given number of partitions and one
     * replica, and waits until every partition has a leader. Topics that already exist are left
     * as they are (also their partition count), so calling this again is harmless.
     */
    public void createTopics(Map<String, Integer> partitionsByName) {
        if (partitionsByName.isEmpty()) {
            return;
        }
        List<NewTopic> topics = partitionsByName.entrySet().stream()
                .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                .collect(Collectors.toList());
        try (Admin admin = admin(Duration.ofSeconds(30))) {
            for (Map.Entry<String, ? extends org.apache.kafka.common.KafkaFuture<Void>> result
                    : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey() + " on "
                                + bootstrapServers() + ": " + e.getCause(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, partitionsByName.keySet(), Instant.now().plusSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("creating topics " + partitionsByName.keySet() + " on "
                    + bootstrapServers() + " timed out; see " + logFile, e);
        }
    }

    private void awaitLeaders(Admin admin, java.util.Set<String> names, Instant deadline) throws InterruptedException {
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                boolean allLed = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (allLed) {
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e; // e.g. UnknownTopicOrPartition while metadata propagates
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("topics " + names + " have no leader yet on " + bootstrapServers()
                + " (last error: " + last + "); see " + logFile);
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        return admin(Duration.ofSeconds(30));
    }

    private Admin admin(Duration apiTimeout) {
        return adminFor(bootstrapServers(), apiTimeout);
    }

    private static Admin adminFor(String bootstrap, Duration apiTimeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-admin");
        int api = (int) apiTimeout.toMillis();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, api);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(api, 15_000));
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return Admin.create(p);
    }

    /** Stops the broker cleanly (SIGTERM, then SIGKILL after the shutdown timeout). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeShutdownHook();
        stop(process, config.shutdownTimeout);
    }

    /** Kills the broker at once (SIGKILL), as a crash would; for tests. The data folder stays. */
    public void kill() {
        closed = true;
        removeShutdownHook();
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
    }

    private static void stop(Process process, Duration timeout) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", pid " + process.pid() + ", data " + dataDir + "]";
    }

    /** Settings of a broker; {@link #start()} launches it. */
    public static final class Builder {
        private final Path dataDir;
        private int port;
        private int controllerPort;
        private int defaultPartitions = 4;
        private boolean autoCreateTopics = true;
        private String heap = "512m";
        private final List<String> jvmOptions = new ArrayList<>(DEFAULT_JVM_OPTIONS);
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(120);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private KafkaLibs libs;

        private Builder(Path dataDir) {
            this.dataDir = dataDir.toAbsolutePath().normalize();
        }

        /** Port of the PLAINTEXT (client) listener on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** Port of the CONTROLLER listener on 127.0.0.1; 0 (default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /** num.partitions for auto-created topics (default 4). */
        public Builder defaultPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
            }
            this.defaultPartitions = partitions;
            return this;
        }

        /** auto.create.topics.enable (default true). */
        public Builder autoCreateTopics(boolean enabled) {
            this.autoCreateTopics = enabled;
            return this;
        }

        /** Maximum heap of the broker JVM, as for -Xmx (default "512m"). */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        /** Replaces the extra JVM options of the broker (default {@link KafkaBroker#DEFAULT_JVM_OPTIONS}). */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions.clear();
            this.jvmOptions.addAll(options);
            return this;
        }

        /** Sets (or overrides) one line of server.properties. */
        public Builder brokerProperty(String key, String value) {
            this.brokerProperties.put(key, value);
            return this;
        }

        /** How long to wait for the broker to answer (default 120 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** How long {@link KafkaBroker#close()} waits for a clean stop before killing (default 30 s). */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        /** The broker's jars; by default {@link KafkaLibs#locate()}. */
        public Builder kafkaLibs(KafkaLibs libs) {
            this.libs = libs;
            return this;
        }

        /**
         * Formats the storage if this data folder has none yet, starts the broker JVM and waits
         * until it answers. Throws {@link IllegalStateException} with the tail of the broker's
         * log when it exits or does not answer within the start timeout.
         */
        public KafkaBroker start() {
            KafkaLibs kafkaLibs = libs != null ? libs : KafkaLibs.locate();
            boolean freePorts = port == 0 || controllerPort == 0;
            int attempts = freePorts ? 3 : 1;
            for (int attempt = 1; ; attempt++) {
                try {
                    return startOnce(kafkaLibs);
                } catch (PortClashException e) {
                    if (attempt >= attempts) {
                        throw e;
                    }
                    // a free port was taken between choosing and binding it: choose again
                }
            }
        }

        private KafkaBroker startOnce(KafkaLibs kafkaLibs) {
            long t0 = System.nanoTime();
            Instant deadline = Instant.now().plus(startTimeout);
            int[] ports = choosePorts(port, controllerPort);
            int clientPort = ports[0];
            int ctrlPort = ports[1];
            Path logFile = dataDir.resolve(LOG_FILE);
            Path kafkaData = dataDir.resolve(KAFKA_DATA);
            Path serverProperties = dataDir.resolve("server.properties");
            Path log4jProperties = dataDir.resolve("log4j2.properties");
            long logStart;
            try {
                Files.createDirectories(kafkaData);
                Files.writeString(serverProperties, serverProperties(kafkaData, clientPort, ctrlPort));
                Files.writeString(log4jProperties, LOG4J2_PROPERTIES);
                Files.writeString(logFile, "\n==== local-kafka: starting Kafka " + kafkaLibs.kafkaVersion().orElse("?")
                        + " on " + HOST + ":" + clientPort + " (controller " + ctrlPort + ") at " + Instant.now()
                        + " ====\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                logStart = Files.size(logFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare Kafka data folder " + dataDir, e);
            }

            boolean format = !Files.exists(kafkaData.resolve("meta.properties"));
            if (format) {
                format(kafkaLibs, serverProperties, log4jProperties, logFile, logStart, deadline);
            }

            List<String> command = javaCommand(kafkaLibs, log4jProperties, heap, true);
            command.add(serverProperties.toString());
            Process process = launch(command, logFile);
            Thread hook = new Thread(() -> stop(process, shutdownTimeout), "local-kafka-shutdown-" + clientPort);
            Runtime.getRuntime().addShutdownHook(hook);
            boolean ready = false;
            try {
                awaitReady(process, clientPort, deadline, logFile, logStart);
                ready = true;
            } finally {
                if (!ready) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException ignored) {
                        // shutting down
                    }
                    stop(process, Duration.ofSeconds(10));
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            return new KafkaBroker(this, dataDir, clientPort, ctrlPort, process, hook, format, took);
        }

        private void format(KafkaLibs kafkaLibs, Path serverProperties, Path log4jProperties, Path logFile,
                long logStart, Instant deadline) {
            List<String> command = javaCommand(kafkaLibs, log4jProperties, "256m", false);
            command.addAll(List.of("kafka.tools.StorageTool", "format", "--ignore-formatted",
                    "--cluster-id=" + newClusterId(), "--config", serverProperties.toString()));
            Process formatter = launch(command, logFile);
            try {
                long waitMs = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
                if (!formatter.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
                    formatter.destroyForcibly();
                    throw failure("formatting the Kafka storage in " + dataDir + " did not finish within "
                            + startTimeout.toSeconds() + " s", logFile, logStart);
                }
            } catch (InterruptedException e) {
                formatter.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while formatting the Kafka storage", e);
            }
            if (formatter.exitValue() != 0) {
                throw failure("formatting the Kafka storage in " + dataDir + " failed (exit code "
                        + formatter.exitValue() + ")", logFile, logStart);
            }
        }

        private void awaitReady(Process process, int clientPort, Instant deadline, Path logFile, long logStart) {
            Admin admin = null;
            Exception last = null;
            try {
                while (true) {
                    if (!process.isAlive()) {
                        String tail = tail(logFile, logStart);
                        String message = "the Kafka broker exited with code " + process.exitValue()
                                + " during start-up";
                        if (tail.contains("Address already in use")) {
                            throw new PortClashException(message + " (a port is in use)", logFile, tail);
                        }
                        throw failure(message, logFile, tail);
                    }
                    if (Instant.now().isAfter(deadline)) {
                        throw failure("the Kafka broker did not answer on " + HOST + ":" + clientPort + " within "
                                + startTimeout.toSeconds() + " s (last error: " + last + ")", logFile,
                                tail(logFile, logStart));
                    }
                    if (admin == null) {
                        if (accepts(clientPort)) {
                            admin = adminFor(HOST + ":" + clientPort, Duration.ofSeconds(5));
                        } else {
                            Thread.sleep(100);
                            continue;
                        }
                    }
                    try {
                        java.util.Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                        if (!nodes.isEmpty()) {
                            return;
                        }
                    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                        last = e;
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
            } finally {
                if (admin != null) {
                    admin.close(Duration.ofSeconds(2));
                }
            }
        }

        private List<String> javaCommand(KafkaLibs kafkaLibs, Path log4jProperties, String maxHeap,
                boolean broker) {
            List<String> classpath = kafkaLibs.jars().stream().map(Path::toString).collect(Collectors.toList());
            String launcher = broker ? launcherLocation() : null;
            if (launcher != null) {
                classpath.add(launcher);
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + maxHeap);
            command.addAll(jvmOptions);
            command.add("-Djava.awt.headless=true");
            command.add("-XX:+ExitOnOutOfMemoryError");
            command.add("-Dlog4j2.configurationFile=" + log4jProperties.toUri());
            command.add("-Dkafka.logs.dir=" + dataDir);
            command.add("-cp");
            command.add(String.join(File.pathSeparator, classpath));
            if (broker) {
                if (launcher != null) {
                    // BrokerLauncher stops the broker when this JVM ends (even on SIGKILL)
                    command.addAll(BrokerLauncher.parentOptions());
                }
                command.add(launcher != null ? BrokerLauncher.class.getName() : "kafka.Kafka");
            }
            return command;
        }

        private String serverProperties(Path kafkaData, int clientPort, int ctrlPort) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@" + HOST + ":" + ctrlPort);
            p.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + ctrlPort);
            p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("log.dirs", kafkaData.toString());
            p.put("num.partitions", Integer.toString(defaultPartitions));
            p.put("default.replication.factor", "1");
            p.put("min.insync.replicas", "1");
            p.put("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
            // one broker: every internal topic has one replica
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "8");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("transaction.state.log.num.partitions", "8");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            // small thread pools: this shares a couple of cores with training jobs
            p.put("num.network.threads", "2");
            p.put("num.io.threads", "2");
            p.put("background.threads", "2");
            p.put("log.cleaner.threads", "1");
            p.put("num.recovery.threads.per.data.dir", "1");
            p.put("num.replica.fetchers", "1");
            // a new consumer group starts at once instead of after 3 s
            p.put("group.initial.rebalance.delay.ms", "0");
            p.putAll(brokerProperties);
            StringBuilder text = new StringBuilder("# written by local-kafka (dev.prune.kafka.KafkaBroker) at every start\n");
            p.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
            return text.toString();
        }

        private IllegalStateException failure(String what, Path logFile, long logStart) {
            return failure(what, logFile, tail(logFile, logStart));
        }

        private static IllegalStateException failure(String what, Path logFile, String tail) {
            return new IllegalStateException(what + "; broker log: " + logFile + "\n---- last lines of "
                    + logFile.getFileName() + " ----\n" + tail + "\n---- end of " + logFile.getFileName() + " ----");
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            return port;
        }
    }

    /** A start-up failure because a port was taken; retried when the ports were chosen here. */
    private static final class PortClashException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortClashException(String what, Path logFile, String tail) {
            super(Builder.failure(what, logFile, tail).getMessage());
        }
    }

    private static Process launch(List<String> command, Path logFile) {
        ProcessBuilder pb = new ProcessBuilder(dev.prune.process.AllCpus.command(command));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // nothing reads stdin (BrokerLauncher watches this JVM by its pid): a pipe closed at once
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            Process process = pb.start();
            process.getOutputStream().close();
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    /** Chooses free ports where 0 was asked; checks that given ports are free. */
    private static int[] choosePorts(int clientPort, int ctrlPort) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int a = clientPort == 0 ? hold(held) : checkFree(clientPort, "client");
            int b = ctrlPort == 0 ? hold(held) : checkFree(ctrlPort, "controller");
            if (a == b) {
                throw new IllegalArgumentException("client and controller port are the same: " + a);
            }
            return new int[] {a, b};
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
    }

    private static int hold(List<ServerSocket> held) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            held.add(s);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    private static int checkFree(int port, String which) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("the Kafka " + which + " port " + HOST + ":" + port
                    + " is in use (another broker still running?): " + e.getMessage(), e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The jar or folder holding {@link BrokerLauncher}, or null when it cannot be told. */
    private static String launcherLocation() {
        try {
            CodeSource source = BrokerLauncher.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
                return null;
            }
            Path path = Path.of(source.getLocation().toURI());
            return Files.exists(path) ? path.toString() : null;
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /**
     * A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, never starting with
     * '-' (which the storage tool would read as an option), like Kafka's Uuid.randomUuid().
     */
    static String newClusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            ByteBuffer bytes = ByteBuffer.allocate(16);
            bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    /** The last lines written to the log since {@code from}. */
    static String tail(Path logFile, long from) {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            long start = Math.max(from, length - 16_384);
            if (start >= length) {
                return "(nothing logged)";
            }
            byte[] buffer = new byte[(int) (length - start)];
            file.seek(start);
            file.readFully(buffer);
            String[] lines = new String(buffer, StandardCharsets.UTF_8).split("\r?\n");
            int first = Math.max(0, lines.length - LOG_TAIL_LINES);
            return String.join("\n", java.util.Arrays.asList(lines).subList(first, lines.length));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static final String LOG4J2_PROPERTIES = String.join("\n",
            "# written by local-kafka at every start: everything to stdout, which goes to broker.log",
            "status = warn",
            "shutdownHook = disable",
            "appender.out.type = Console",
            "appender.out.name = STDOUT",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.out.ref = STDOUT",
            "logger.request.name = kafka.request.logger",
            "logger.request.level = WARN",
            "logger.state.name = state.change.logger",
            "logger.state.level = WARN",
            "logger.cleaner.name = kafka.log.LogCleaner",
            "logger.cleaner.level = WARN",
            "logger.authorizer.name = kafka.authorizer.logger",
            "logger.authorizer.level = WARN",
            "logger.metadata.name = org.apache.kafka.image.loader",
            "logger.metadata.level = WARN",
            "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
            "logger.config.level = WARN",
            "");
}
