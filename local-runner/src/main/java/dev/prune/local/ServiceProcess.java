package dev.prune.local;

import dev.prune.process.AllCpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Quarkus service run from its packaged jar in its own JVM, its output in a log file.
 *
 * <p>{@link LocalPipeline} builds these with the constructor and {@link #start()}s them itself; a test of one service
 * uses {@link #startUnderTest} (or the general {@link #launch}), which picks a free port and returns once the service
 * is ready. {@link #status}, {@link #body} and {@link #metric} read its HTTP endpoints.
 */
public final class ServiceProcess implements AutoCloseable {
    /** System property with the path of the packaged jar of the service under test (set by failsafe in its pom). */
    public static final String SERVICE_JAR_PROPERTY = "service.jar";
    /** Lines of log that {@link #logTail()} shows. */
    public static final int DEFAULT_LOG_TAIL_LINES = 60;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final Map<String, String> properties;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;
    private final Path logFile;
    private final int httpPort;
    private Process process;

    public ServiceProcess(String name, Path jar, Map<String, String> properties, List<String> jvmOptions, Path logFile,
                          int httpPort) {
        this(name, jar, properties, jvmOptions, Map.of(), logFile, httpPort);
    }

    /** As the other constructor, with {@code environment} added to the process's environment. */
    public ServiceProcess(String name, Path jar, Map<String, String> properties, List<String> jvmOptions,
                          Map<String, String> environment, Path logFile, int httpPort) {
        this.name = name;
        this.jar = jar;
        this.properties = Map.copyOf(properties);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.environment = Map.copyOf(environment);
        this.logFile = logFile;
        this.httpPort = httpPort;
    }

    /**
     * Starts {@code jar} on a free port with these -D settings, JVM options and environment, its output in a fresh
     * {@code logFile} (an older one is replaced), and waits at most {@code timeout} until /q/health/ready answers 200.
     * If it does not get ready, the process is ended and the failure (with the tail of the log) is thrown.
     */
    public static ServiceProcess launch(String name, Path jar, Map<String, String> properties, List<String> jvmOptions,
                                        Map<String, String> environment, Path logFile, Duration timeout) {
        try {
            Files.deleteIfExists(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + logFile, e);
        }
        var service = new ServiceProcess(name, jar, properties, jvmOptions, environment, logFile, freePort()).start();
        try {
            service.awaitReady(timeout);
        } catch (RuntimeException | Error e) {
            service.close();
            throw e;
        }
        return service;
    }

    /**
     * Starts the packaged jar of the service under test, as its module's integration tests run it: the jar is the one
     * in system property {@value #SERVICE_JAR_PROPERTY} (target/quarkus-app/quarkus-run.jar, set by failsafe after
     * package; DL4J's native libraries want a plain class loader, not dev mode), in a small JVM (-Xmx2g, serial GC,
     * C1 only, OMP_NUM_THREADS=1, JavaCPP's cache from system property javacpp.cachedir when set). See {@link #launch}.
     */
    public static ServiceProcess startUnderTest(String name, Map<String, String> settings, Path logFile, Duration timeout) {
        String jar = System.getProperty(SERVICE_JAR_PROPERTY);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("service jar " + jar + " not found: run the tests through Maven (mvn verify), "
                    + "which packages target/quarkus-app/quarkus-run.jar first");
        }
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx2g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String cache = System.getProperty("javacpp.cachedir");
        if (cache != null) {
            jvmOptions.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        return launch(name, Path.of(jar), settings, jvmOptions, Map.of("OMP_NUM_THREADS", "1"), logFile, timeout);
    }

    public synchronized ServiceProcess start() {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + ": " + jar + " is missing; build it first with ./mvnw -B package -DskipTests");
        }
        List<String> command = command();
        try {
            if (logFile.getParent() != null) {
                Files.createDirectories(logFile.getParent());
            }
            ProcessBuilder builder = new ProcessBuilder(AllCpus.command(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** The command line the process runs (which {@code ps} shows every user: no secrets here; they go in the environment). */
    List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Dquarkus.http.port=" + httpPort);
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    /** What is added to the process's environment. */
    Map<String, String> environment() {
        return environment;
    }

    /** Waits until /q/health/ready answers 200, or fails with the tail of the log. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + " during start-up; log "
                        + logFile + ":\n" + logTail());
            }
            if (status("/q/health/ready") == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s; log " + logFile
                        + ":\n" + logTail());
            }
            pause(250);
        }
    }

    public String name() {
        return name;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Status code of GET {@code path} (e.g. {@code /q/health/live}), or -1 while nothing answers. */
    public int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Body of GET {@code path}. */
    public String body(String path) {
        try {
            return get(path).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value of one Prometheus sample from /q/metrics, e.g. {@code pruning_events_in_total{topic="evaluated"}}; 0 when absent. */
    public double metric(String nameAndLabels) {
        for (String line : body("/q/metrics").split("\n")) {
            int space = line.lastIndexOf(' ');
            if (!line.startsWith("#") && space > 0 && line.substring(0, space).equals(nameAndLabels)) {
                return Double.parseDouble(line.substring(space + 1));
            }
        }
        return 0;
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + name + " for " + path, e);
        }
    }

    /** Ends the process the hard way (SIGKILL), as a crash or an OOM kill would. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(30);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitFor(30)) {
                process.destroyForcibly();
                waitFor(10);
            }
        }
    }

    /** The last {@value #DEFAULT_LOG_TAIL_LINES} lines of the log. */
    public String logTail() {
        return logTail(DEFAULT_LOG_TAIL_LINES);
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Sleeps; an interruption ends the sleep with an {@link IllegalStateException} (the interrupt flag set again). */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
