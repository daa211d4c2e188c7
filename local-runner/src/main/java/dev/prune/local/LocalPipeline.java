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
 */
public final class LocalPipeline implements AutoCloseable {
    public static final List<String> SERVICES = List.of("evaluator-service", "ranker-service", "surgeon-service", "trainer-service");

    private final Settings settings;
    private final KafkaBroker broker;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    /**
     * @param projectRoot    where the service modules were built
     * @param workDir        broker data, logs and scratch files go here
     * @param properties     configuration passed to every service (store, datasource, data folders)
     * @param partitions     partitions per topic (more than one, so runs spread)
     */
    public record Settings(Path projectRoot, Path workDir, Map<String, String> properties, int partitions,
                           List<String> jvmOptions, Duration startTimeout) {
        public static Settings defaults(Path projectRoot, Path workDir, Map<String, String> properties) {
            return new Settings(projectRoot, workDir, properties, 4,
                    List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                            // hand freed native memory back to the OS (glibc keeps it otherwise; docs/performance.md)
                            "-XX:+IgnoreUnrecognizedVMOptions", "-XX:TrimNativeHeapInterval=10000"), Duration.ofMinutes(3));
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
        return new ServiceProcess(name, jar, properties, settings.jvmOptions(),
                settings.workDir().resolve("logs").resolve(name + ".log"), port);
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
        return services.get("evaluator-service").baseUrl();
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
