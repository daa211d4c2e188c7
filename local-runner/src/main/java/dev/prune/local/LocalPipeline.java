package dev.prune.local;

import dev.prune.kafka.KafkaBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline on one machine, no Docker: a real Kafka broker (KRaft) and the four
 * services as separate processes from their packaged jars, sharing one object store and one
 * PostgreSQL. Used by the end-to-end tests and by ./pruning demo.
 *
 * <p>The evaluator's REST API wants a key: {@link #apiKey()} is its operator key (from {@link Settings#apiKey()},
 * random unless given), which a client sends as {@code X-API-Key}.
 */
public final class LocalPipeline implements AutoCloseable {
    public static final String EVALUATOR = "evaluator-service";
    public static final List<String> SERVICES = List.of(EVALUATOR, "ranker-service", "surgeon-service", "trainer-service");

    private final Settings settings;
    private KafkaBroker broker;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    /**
     * @param projectRoot    where the service modules were built
     * @param workDir        broker data, logs and scratch files go here
     * @param properties     configuration passed to every service (store, datasource, data folders)
     * @param partitions     partitions per topic (more than one, so runs spread)
     * @param apiKey         the evaluator's operator key (REST calls send it as {@code X-API-Key}); given to the
     *                       evaluator in its environment ({@value ApiKeys#OPERATOR_KEY_ENV}), not as a -D setting that
     *                       {@code ps} would show. {@code null} makes a fresh random one ({@link ApiKeys#generate()}).
     */
    public record Settings(Path projectRoot, Path workDir, Map<String, String> properties, int partitions,
                           List<String> jvmOptions, Duration startTimeout, String apiKey) {
        public Settings {
            if (apiKey == null) {
                apiKey = ApiKeys.generate();
            } else if (apiKey.isBlank()) {
                throw new IllegalArgumentException("the API key is blank");
            }
        }

        /** As the full constructor, with a fresh random API key. */
        public Settings(Path projectRoot, Path workDir, Map<String, String> properties, int partitions,
                        List<String> jvmOptions, Duration startTimeout) {
            this(projectRoot, workDir, properties, partitions, jvmOptions, startTimeout, null);
        }

        /** Four partitions, small service JVMs, three minutes to start, a fresh random API key. */
        public static Settings defaults(Path projectRoot, Path workDir, Map<String, String> properties) {
            return new Settings(projectRoot, workDir, properties, 4,
                    List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                            // hand freed native memory back to the OS (glibc keeps it otherwise; docs/performance.md)
                            "-XX:+IgnoreUnrecognizedVMOptions", "-XX:TrimNativeHeapInterval=10000"), Duration.ofMinutes(3));
        }

        /** These settings with {@code key} as the evaluator's operator key. */
        public Settings withApiKey(String key) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("the API key is blank");
            }
            return new Settings(projectRoot, workDir, properties, partitions, jvmOptions, startTimeout, key);
        }

        /** The settings without the key itself, so that a log of them does not carry it. */
        @Override
        public String toString() {
            return "Settings[projectRoot=" + projectRoot + ", workDir=" + workDir + ", properties=" + properties
                    + ", partitions=" + partitions + ", jvmOptions=" + jvmOptions + ", startTimeout=" + startTimeout
                    + ", apiKey=(" + apiKey.length() + " characters)]";
        }
    }

    private LocalPipeline(Settings settings, KafkaBroker broker) {
        this.settings = settings;
        this.broker = broker;
    }

    public static LocalPipeline start(Settings settings) {
        KafkaBroker broker = KafkaBroker.builder(settings.workDir().resolve("kafka"))
                .defaultPartitions(settings.partitions()).autoCreateTopics(false).start();
        var pipeline = new LocalPipeline(settings, broker);
        try {
            broker.createTopics(PipelineTopics.all(settings.partitions()));
            for (String name : SERVICES) {
                pipeline.services.put(name, pipeline.newProcess(name, freePort()).start());
            }
            for (ServiceProcess service : pipeline.services.values()) {
                service.awaitReady(settings.startTimeout());
            }
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    private ServiceProcess newProcess(String name, int port) {
        Map<String, String> properties = new HashMap<>(settings.properties());
        properties.put("kafka.bootstrap.servers", broker.bootstrapServers());
        properties.put("pruning.scratch-dir", settings.workDir().resolve("scratch").resolve(name).toString());
        properties.putIfAbsent("org.bytedeco.javacpp.cachedir", settings.projectRoot().resolve(".pruning/javacpp").toString());
        Path jar = settings.projectRoot().resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        return new ServiceProcess(name, jar, properties, settings.jvmOptions(), environmentOf(name, settings),
                settings.workDir().resolve("logs").resolve(name + ".log"), port);
    }

    /** What a service gets in its environment: the evaluator its operator key (secrets never go on a command line). */
    static Map<String, String> environmentOf(String service, Settings settings) {
        return service.equals(EVALUATOR) ? Map.of(ApiKeys.OPERATOR_KEY_ENV, settings.apiKey()) : Map.of();
    }

    public KafkaBroker broker() {
        return broker;
    }

    public ServiceProcess service(String name) {
        return services.get(name);
    }

    /** Process id of the broker and of each service, as they are now (a restarted service has a new one). */
    public Map<String, Long> processIds() {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("kafka-broker", broker.pid());
        services.forEach((name, service) -> {
            if (service.isAlive()) {
                pids.put(name, service.pid());
            }
        });
        return pids;
    }

    public String evaluatorUrl() {
        return services.get(EVALUATOR).baseUrl();
    }

    /**
     * The evaluator's operator key: send it as {@code X-API-Key} on REST calls to {@link #evaluatorUrl()}. The one in
     * the settings, or the random one they made; the same across {@link #killAndRestart} of the evaluator.
     */
    public String apiKey() {
        return settings.apiKey();
    }

    public Settings settings() {
        return settings;
    }

    /** Kills a service (SIGKILL) and starts it again on the same port, as after a crash. */
    public ServiceProcess killAndRestart(String name) {
        ServiceProcess old = services.get(name);
        old.kill();
        int port = Integer.parseInt(old.baseUrl().substring(old.baseUrl().lastIndexOf(':') + 1));
        ServiceProcess fresh = newProcess(name, port).start();
        services.put(name, fresh);
        fresh.awaitReady(settings.startTimeout());
        return fresh;
    }

    /**
     * Kills the broker (SIGKILL), waits {@code down}, and starts it again on the same ports and data, as after a
     * broker crash; the services reconnect on their own.
     */
    public synchronized KafkaBroker killAndRestartBroker(java.time.Duration down) throws InterruptedException {
        int port = broker.port();
        int controllerPort = broker.controllerPort();
        broker.kill();
        Thread.sleep(down.toMillis());
        broker = KafkaBroker.builder(settings.workDir().resolve("kafka")).port(port).controllerPort(controllerPort)
                .defaultPartitions(settings.partitions()).autoCreateTopics(false).start();
        return broker;
    }

    public List<Path> logFiles() {
        List<Path> logs = new ArrayList<>();
        logs.add(broker.logFile());
        services.values().forEach(s -> logs.add(s.logFile()));
        return logs;
    }

    @Override
    public void close() {
        services.values().forEach(ServiceProcess::close);
        broker.close();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
