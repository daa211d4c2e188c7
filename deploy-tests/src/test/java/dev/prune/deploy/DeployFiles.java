package dev.prune.deploy;

import dev.prune.events.PipelineTopic;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's deploy files and what the tests need to read them: YAML, properties, tools on the PATH. */
final class DeployFiles {
    /** The four services, with their HTTP ports. */
    static final Map<String, Integer> SERVICES = Map.of(
            "evaluator-service", 8080, "ranker-service", 8081, "surgeon-service", 8082, "trainer-service", 8083);
    /** The services that read Fashion-MNIST. */
    static final Set<String> IMAGE_READERS = Set.of("evaluator-service", "ranker-service", "trainer-service");
    /** The event topics, from the pipeline's one definition; each has a dead-letter topic {@code <topic>.dlq}. */
    static final List<String> TOPICS = PipelineTopic.names();
    /** Every dead-letter topic, from the same definition. */
    static final List<String> DEAD_LETTER_TOPICS = PipelineTopic.deadLetterTopics();
    static final int PARTITIONS = 4;

    private DeployFiles() {
    }

    static Path root() {
        String configured = System.getProperty("deploy.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath()
                    + "; set -Ddeploy.root=<repository root>");
        }
        return dir;
    }

    static Path file(String relative) {
        Path path = root().resolve(relative);
        if (!Files.exists(path)) {
            throw new AssertionError(relative + " is missing (looked at " + path + ")");
        }
        return path;
    }

    static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Yaml yaml() {
        // SafeConstructor: plain maps, lists and scalars; resolves anchors, aliases and << merge keys
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yamlMap(Path path) {
        Object loaded = yaml().load(read(path));
        if (!(loaded instanceof Map)) {
            throw new AssertionError(root().relativize(path) + " is not a YAML mapping");
        }
        return (Map<String, Object>) loaded;
    }

    /** Every non-empty document of a (multi-document) YAML text. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocuments(String text, String where) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(text)) {
            if (doc == null) {
                continue;
            }
            if (!(doc instanceof Map)) {
                throw new AssertionError(where + ": a YAML document is not a mapping: " + doc);
            }
            docs.add((Map<String, Object>) doc);
        }
        return docs;
    }

    // ---- navigating parsed YAML / JSON-like trees ----

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String what) {
        if (!(node instanceof Map)) {
            throw new AssertionError(what + " is not a mapping: " + node);
        }
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, String what) {
        if (!(node instanceof List)) {
            throw new AssertionError(what + " is not a list: " + node);
        }
        return (List<Object>) node;
    }

    /** The value at a dotted path of mapping keys, or null. */
    static Object at(Object node, String... keys) {
        Object current = node;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    static String string(Object node, String... keys) {
        Object value = at(node, keys);
        return value == null ? null : String.valueOf(value);
    }

    /** A compose service's environment, whether written as a mapping or as a list of NAME=value. */
    static Map<String, String> environment(Object env, String what) {
        Map<String, String> result = new LinkedHashMap<>();
        if (env == null) {
            return result;
        }
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else {
            for (Object item : list(env, what)) {
                String s = String.valueOf(item);
                int eq = s.indexOf('=');
                result.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return result;
    }

    // ---- the services' own configuration ----

    /** A service's application.properties, if the module has one yet. */
    static Optional<Properties> applicationProperties(String service) {
        Path path = root().resolve(service).resolve("src/main/resources/application.properties");
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(properties);
    }

    /** A (consumer group, topic) pair a service reads. */
    record GroupTopic(String group, String topic) {
        @Override
        public String toString() {
            return "group " + group + " on " + topic;
        }
    }

    private static final Pattern INCOMING = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.connector");

    /**
     * The (group, topic) pairs a service consumes that are not dead-letter topics: from its
     * application.properties when the module exists, else {@code fallback} (the agreed design).
     */
    static Set<GroupTopic> consumedTopics(String service, Set<GroupTopic> fallback) {
        Optional<Properties> props = applicationProperties(service);
        if (props.isEmpty()) {
            return fallback;
        }
        Properties p = props.get();
        Set<GroupTopic> result = new LinkedHashSet<>();
        for (String name : p.stringPropertyNames()) {
            Matcher m = INCOMING.matcher(name);
            if (!m.matches() || !"smallrye-kafka".equals(p.getProperty(name).strip())) {
                continue;
            }
            String channel = m.group(1);
            String prefix = "mp.messaging.incoming." + channel + ".";
            if (Boolean.parseBoolean(p.getProperty(prefix + "pattern", "false").strip())) {
                continue; // a topic pattern: nothing to compare with
            }
            String group = p.getProperty(prefix + "group.id",
                    p.getProperty("kafka.group.id", p.getProperty("quarkus.application.name", service))).strip();
            String topics = p.getProperty(prefix + "topics");
            List<String> names = topics != null ? List.of(topics.split(","))
                    : List.of(p.getProperty(prefix + "topic", channel));
            for (String topic : names) {
                String t = topic.strip();
                if (!t.isEmpty() && !t.endsWith(".dlq")) {
                    result.add(new GroupTopic(group, t));
                }
            }
        }
        return result.isEmpty() ? fallback : result;
    }

    // ---- what each service does on Kafka (the ACLs it needs) ----

    /** The Kafka user (SCRAM user, Strimzi KafkaUser, ACL principal) of each service. */
    static final Map<String, String> KAFKA_USERS = Map.of("evaluator-service", "evaluator", "ranker-service", "ranker",
            "surgeon-service", "surgeon", "trainer-service", "trainer");

    /** The topics a service reads and writes, and its consumer groups: exactly the ACLs it needs. */
    record KafkaAccess(Set<String> readTopics, Set<String> writeTopics, Set<String> groups) {
        /** "Read topic X", "Write topic Y", "Read group G", sorted: comparable with a set of ACLs. */
        Set<String> acls() {
            Set<String> acls = new java.util.TreeSet<>();
            readTopics.forEach(t -> acls.add("Read topic " + t));
            writeTopics.forEach(t -> acls.add("Write topic " + t));
            groups.forEach(g -> acls.add("Read group " + g));
            return acls;
        }
    }

    private static final Pattern CHANNEL = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.connector");

    /**
     * What a service consumes and produces on Kafka, read from its application.properties: every
     * {@code smallrye-kafka} channel's {@code topic(s)} (default: the channel's name), the incoming ones'
     * {@code group.id}, and the {@code dead-letter-queue.topic} of those with {@code failure-strategy=dead-letter-queue}
     * (SmallRye's default {@code dead-letter-topic-<channel>}), channel attributes falling back to
     * {@code mp.messaging.connector.smallrye-kafka.*}.
     */
    static KafkaAccess kafkaAccess(String service) {
        Properties p = applicationProperties(service)
                .orElseThrow(() -> new AssertionError(service + " has no src/main/resources/application.properties"));
        Set<String> read = new java.util.TreeSet<>();
        Set<String> write = new java.util.TreeSet<>();
        Set<String> groups = new java.util.TreeSet<>();
        for (String name : new java.util.TreeSet<>(p.stringPropertyNames())) {
            Matcher m = CHANNEL.matcher(name);
            if (!m.matches() || !"smallrye-kafka".equals(p.getProperty(name).strip())) {
                continue;
            }
            boolean incoming = m.group(1).equals("incoming");
            String channel = m.group(2);
            String where = service + " channel " + m.group(1) + "." + channel;
            if (incoming) {
                if (Boolean.parseBoolean(attribute(p, m.group(1), channel, "pattern", "false", where))) {
                    throw new AssertionError(where + " subscribes to a topic pattern: its ACLs cannot be derived");
                }
                String topics = attribute(p, "incoming", channel, "topics", null, where);
                List<String> names = topics != null ? List.of(topics.split(","))
                        : List.of(attribute(p, "incoming", channel, "topic", channel, where));
                names.stream().map(String::strip).filter(t -> !t.isEmpty()).forEach(read::add);
                groups.add(attribute(p, "incoming", channel, "group.id",
                        p.getProperty("kafka.group.id", p.getProperty("quarkus.application.name", service)), where).strip());
                if ("dead-letter-queue".equals(attribute(p, "incoming", channel, "failure-strategy", "fail", where).strip())) {
                    write.add(attribute(p, "incoming", channel, "dead-letter-queue.topic", "dead-letter-topic-" + channel, where).strip());
                }
            } else {
                write.add(attribute(p, "outgoing", channel, "topic", channel, where).strip());
            }
        }
        if (read.isEmpty() && write.isEmpty()) {
            throw new AssertionError(service + " has no smallrye-kafka channel in its application.properties");
        }
        return new KafkaAccess(read, write, groups);
    }

    private static String attribute(Properties p, String direction, String channel, String key, String fallback, String where) {
        String value = p.getProperty("mp.messaging." + direction + "." + channel + "." + key,
                p.getProperty("mp.messaging.connector.smallrye-kafka." + key, fallback));
        if (value != null && value.contains("${")) {
            throw new AssertionError(where + ": " + key + " is an expression (" + value + "); its ACLs cannot be derived");
        }
        return value;
    }

    /**
     * Names of environment variables and config keys that hold secrets: a password, secret, token, credential,
     * JAAS config, or a key ({@code ..._KEY}, {@code ...-key}; not a {@code PUBLICKEY_LOCATION}).
     */
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(password|secret|token|credential|jaas).*|(?i).*[_.-]key([_.-].*)?");

    static boolean secretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    // ---- external tools ----

    /** An executable of that name on the PATH. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A finished command: its exit code, standard output and standard error. */
    record Result(int exitCode, String stdout, String stderr) {
        String output() {
            return stdout + (stderr.isEmpty() ? "" : "\n[stderr]\n" + stderr);
        }
    }

    /** Runs a command in the repository root. */
    static Result run(List<String> command, long timeoutSeconds) {
        return run(command, timeoutSeconds, Map.of(), Set.of());
    }

    /** Runs a command in the repository root, with these variables set and those removed from its environment. */
    static Result run(List<String> command, long timeoutSeconds, Map<String, String> setEnv, Set<String> removeEnv) {
        try {
            Path out = Files.createTempFile("deploy-tests", ".out");
            Path err = Files.createTempFile("deploy-tests", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(root().toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                removeEnv.forEach(builder.environment()::remove);
                builder.environment().putAll(setEnv);
                Process process = builder.start();
                process.getOutputStream().close();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
