package dev.prune.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Kafka broker's own classpath: the jars of {@code org.apache.kafka:kafka_2.13} with its
 * transitive runtime dependencies at Kafka's own versions, which the build puts into
 * {@code local-kafka/target/kafka-libs} (see {@code local-kafka/broker-libs/pom.xml}).
 *
 * <p>Where it is looked for, first match wins:
 * <ol>
 *   <li>system property {@value #LIBS_PROPERTY} (a folder),</li>
 *   <li>environment variable {@value #LIBS_ENV} (a folder),</li>
 *   <li>{@code <pruning.home>/local-kafka/target/kafka-libs} with system property
 *       {@value #HOME_PROPERTY},</li>
 *   <li>{@code local-kafka/target/kafka-libs} under the first folder containing {@code mvnw},
 *       walking up from {@code user.dir}.</li>
 * </ol>
 */
public final class KafkaLibs {

    public static final String LIBS_PROPERTY = "pruning.kafka.libs";
    public static final String LIBS_ENV = "PRUNING_KAFKA_LIBS";
    public static final String HOME_PROPERTY = "pruning.home";
    /** The folder below the project root where the build puts the broker's jars. */
    public static final String RELATIVE_LIBS = "local-kafka/target/kafka-libs";
    /** Written by the build: the exact jar list (path-separated, relative to the folder). */
    public static final String CLASSPATH_FILE = "classpath.txt";

    private static final String BUILD_HINT =
            "build them with `./mvnw -B -q -pl local-kafka -am install -DskipTests` "
                    + "(or just `./mvnw -B -q -pl local-kafka generate-resources`) from the project root";
    private static final Pattern KAFKA_CORE_JAR = Pattern.compile("kafka_2\\.13-(.+)\\.jar");

    private final Path folder;
    private final List<Path> jars;

    private KafkaLibs(Path folder, List<Path> jars) {
        this.folder = folder;
        this.jars = List.copyOf(jars);
    }

    /** Finds the broker jars in the usual places (see the class comment). */
    public static KafkaLibs locate() {
        List<String> tried = new ArrayList<>();
        String prop = System.getProperty(LIBS_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return in(Path.of(prop), "system property " + LIBS_PROPERTY);
        }
        String env = System.getenv(LIBS_ENV);
        if (env != null && !env.isBlank()) {
            return in(Path.of(env), "environment variable " + LIBS_ENV);
        }
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            Path candidate = Path.of(home).resolve(RELATIVE_LIBS);
            if (Files.isDirectory(candidate)) {
                return in(candidate, "system property " + HOME_PROPERTY);
            }
            tried.add(candidate + " (from " + HOME_PROPERTY + ")");
        }
        Optional<Path> root = projectRoot(Path.of(System.getProperty("user.dir")));
        if (root.isPresent()) {
            Path candidate = root.get().resolve(RELATIVE_LIBS);
            if (Files.isDirectory(candidate)) {
                return in(candidate, "project root " + root.get());
            }
            tried.add(candidate + " (project root found from user.dir)");
        } else {
            tried.add("no folder with mvnw above user.dir " + System.getProperty("user.dir"));
        }
        throw new IllegalStateException("Kafka broker jars not found; looked at: " + String.join("; ", tried)
                + ". Set -D" + LIBS_PROPERTY + "=FOLDER or -D" + HOME_PROPERTY + "=PROJECT_ROOT, or "
                + BUILD_HINT + ".");
    }

    /** The jars in {@code folder}: those named in its classpath.txt, or else every *.jar in it. */
    public static KafkaLibs in(Path folder) {
        return in(folder, "given folder");
    }

    private static KafkaLibs in(Path folder, String source) {
        Path dir = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("Kafka broker jars folder " + dir + " (" + source
                    + ") does not exist; " + BUILD_HINT + ".");
        }
        List<Path> jars = new ArrayList<>();
        Path listing = dir.resolve(CLASSPATH_FILE);
        try {
            if (Files.isRegularFile(listing)) {
                for (String entry : Files.readString(listing).trim().split("[:;\\s]+")) {
                    if (entry.isBlank()) {
                        continue;
                    }
                    Path jar = dir.resolve(entry).normalize();
                    if (!Files.isRegularFile(jar)) {
                        throw new IllegalStateException("Kafka broker jar " + jar + " listed in " + listing
                                + " is missing; " + BUILD_HINT + ".");
                    }
                    jars.add(jar);
                }
            } else {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Kafka broker jars in " + dir, e);
        }
        KafkaLibs libs = new KafkaLibs(dir, jars);
        if (libs.kafkaVersion().isEmpty()) {
            throw new IllegalStateException("no kafka_2.13-*.jar in " + dir + " (" + source + "); " + BUILD_HINT + ".");
        }
        return libs;
    }

    /** Walks up from {@code start} to the first folder containing {@code mvnw}. */
    static Optional<Path> projectRoot(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public Path folder() {
        return folder;
    }

    public List<Path> jars() {
        return jars;
    }

    /** The version of the kafka_2.13 jar, e.g. "4.4.0". */
    public Optional<String> kafkaVersion() {
        return versionOf(KAFKA_CORE_JAR);
    }

    /** The version of the kafka-clients jar the broker runs with (must equal {@link #kafkaVersion()}). */
    public Optional<String> clientsVersion() {
        return versionOf(Pattern.compile("kafka-clients-(.+)\\.jar"));
    }

    private Optional<String> versionOf(Pattern pattern) {
        for (Path jar : jars) {
            Matcher m = pattern.matcher(jar.getFileName().toString());
            if (m.matches()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return jars.size() + " jars of Kafka " + kafkaVersion().orElse("?") + " in " + folder;
    }
}
