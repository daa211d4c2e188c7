package dev.prune.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.prune.deploy.DeployFiles.at;
import static dev.prune.deploy.DeployFiles.environment;
import static dev.prune.deploy.DeployFiles.list;
import static dev.prune.deploy.DeployFiles.map;
import static dev.prune.deploy.DeployFiles.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** docker-compose.yml: the infrastructure, the four services and how they are wired. */
class DockerComposeTest {
    /** The example .env that lists every variable the file requires. */
    private static final String ENV_EXAMPLE = "deploy/compose.env.example";
    /** {@code ${VAR:?message}}: a variable without default that docker-compose refuses to do without. */
    private static final Pattern REQUIRED_VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*):?\\?[^}]*}");
    /** A services' JAAS line: SCRAM, its user, the password from a required variable. */
    private static final Pattern SCRAM_JAAS = Pattern.compile("org\\.apache\\.kafka\\.common\\.security\\.scram\\.ScramLoginModule"
            + " required username=\"([^\"]+)\" password=\"\\$\\{([A-Z0-9_]+):\\?[^}]*}\";");
    /** A line of kafka-init's ACL table: user, operation, resource type, name. */
    private static final Pattern ACL_LINE = Pattern.compile("(?m)^\\s*([a-z][a-z0-9-]*)\\s+(Read|Write|Describe|All|Alter|Create"
            + "|Delete|DescribeConfigs|AlterConfigs|IdempotentWrite|ClusterAction)\\s+(topic|group|cluster|transactional-id)\\s+(\\S+)\\s*$");

    private static String text;
    private static Map<String, Object> services;

    @BeforeAll
    static void load() {
        text = DeployFiles.read(DeployFiles.file("docker-compose.yml"));
        Map<String, Object> compose = DeployFiles.yamlMap(DeployFiles.file("docker-compose.yml"));
        services = map(compose.get("services"), "services");
    }

    private static Map<String, Object> service(String name) {
        Object s = services.get(name);
        assertNotNull(s, "docker-compose.yml has no service '" + name + "' (it has " + services.keySet() + ")");
        return map(s, "service " + name);
    }

    @Test
    void everyServiceIsThere() {
        List<String> expected = new ArrayList<>(List.of("kafka", "kafka-init", "postgres", "minio", "minio-init",
                "prometheus", "grafana"));
        expected.addAll(DeployFiles.SERVICES.keySet());
        for (String name : expected) {
            service(name);
        }
    }

    @Test
    void servicesTalkToKafkaAndStoreCheckpointsInMinio() {
        for (String name : DeployFiles.SERVICES.keySet()) {
            Map<String, String> env = environment(service(name).get("environment"), name + ".environment");
            for (String key : List.of("KAFKA_BOOTSTRAP_SERVERS", "PRUNING_STORE_TYPE", "PRUNING_STORE_S3_ENDPOINT",
                    "PRUNING_STORE_S3_BUCKET", "PRUNING_STORE_S3_ACCESS_KEY", "PRUNING_STORE_S3_SECRET_KEY")) {
                String value = env.get(key);
                assertTrue(value != null && !value.isBlank(), name + " has no " + key + " (environment: " + env.keySet() + ")");
            }
            assertEquals("s3", env.get("PRUNING_STORE_TYPE"), name + ": PRUNING_STORE_TYPE");
            assertTrue(env.get("PRUNING_STORE_S3_ENDPOINT").contains("minio:9000"),
                    name + ": PRUNING_STORE_S3_ENDPOINT should be MinIO, is " + env.get("PRUNING_STORE_S3_ENDPOINT"));
            assertTrue(env.get("KAFKA_BOOTSTRAP_SERVERS").startsWith("kafka:"),
                    name + ": KAFKA_BOOTSTRAP_SERVERS should be the kafka service, is " + env.get("KAFKA_BOOTSTRAP_SERVERS"));
            assertEquals(String.valueOf(DeployFiles.SERVICES.get(name)), env.get("QUARKUS_HTTP_PORT"), name + ": QUARKUS_HTTP_PORT");
        }
    }

    @Test
    void evaluatorHasItsLedger() {
        Map<String, String> env = environment(service("evaluator-service").get("environment"), "evaluator environment");
        assertTrue(env.getOrDefault("QUARKUS_DATASOURCE_JDBC_URL", "").startsWith("jdbc:postgresql://postgres:5432/test"),
                "evaluator: QUARKUS_DATASOURCE_JDBC_URL should point at the postgres service, is "
                        + env.get("QUARKUS_DATASOURCE_JDBC_URL"));
        assertTrue(env.containsKey("QUARKUS_DATASOURCE_USERNAME"), "evaluator: QUARKUS_DATASOURCE_USERNAME");
        assertTrue(env.containsKey("QUARKUS_DATASOURCE_PASSWORD"), "evaluator: QUARKUS_DATASOURCE_PASSWORD");
        assertEquals("service_healthy", string(service("evaluator-service"), "depends_on", "postgres", "condition"),
                "the evaluator waits for a healthy postgres");
        Map<String, String> pg = environment(service("postgres").get("environment"), "postgres environment");
        assertEquals("test", pg.get("POSTGRES_DB"));
        assertEquals("postgres", pg.get("POSTGRES_USER"));
    }

    @Test
    void servicePortsArePublished() {
        DeployFiles.SERVICES.forEach((name, port) -> {
            Object ports = service(name).get("ports");
            assertNotNull(ports, name + " publishes no port");
            boolean published = false;
            for (Object p : list(ports, name + ".ports")) {
                if (p instanceof Map<?, ?> m) {
                    published |= String.valueOf(port).equals(String.valueOf(m.get("target")))
                            && String.valueOf(port).equals(String.valueOf(m.get("published")));
                } else {
                    String spec = String.valueOf(p).replaceFirst("/tcp$", "");
                    published |= spec.equals(port + ":" + port) || spec.endsWith(":" + port + ":" + port);
                }
            }
            assertTrue(published, name + " should publish " + port + ":" + port + ", has " + ports);
        });
    }

    @Test
    void servicesAreBuiltFromTheirDockerfiles() {
        for (String name : DeployFiles.SERVICES.keySet()) {
            Map<String, Object> build = map(service(name).get("build"), name + ".build");
            assertEquals(name, String.valueOf(build.get("context")).replaceFirst("^\\./", ""), name + ": build context");
            assertEquals("src/main/docker/Dockerfile.jvm", build.get("dockerfile"), name + ": dockerfile");
            Path dockerfile = DeployFiles.file(name + "/src/main/docker/Dockerfile.jvm");
            String text = DeployFiles.read(dockerfile);
            for (String needed : List.of("FROM registry.access.redhat.com/ubi9/openjdk-17-runtime",
                    "target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                    "target/quarkus-app/quarkus/", "JAVA_OPTS_APPEND", "-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp", "ENV DNNL_PRIMITIVE_CACHE_CAPACITY=128", "ENV OMP_PROC_BIND=true",
                    "EXPOSE " + DeployFiles.SERVICES.get(name))) {
                assertTrue(text.contains(needed), dockerfile + " lacks '" + needed + "'");
            }
        }
    }

    @Test
    void imageReadersGetFashionMnist() {
        for (String name : DeployFiles.IMAGE_READERS) {
            Map<String, String> env = environment(service(name).get("environment"), name + ".environment");
            assertEquals("/data/fashion-mnist", env.get("PRUNING_FASHION_MNIST_DIR"), name + ": PRUNING_FASHION_MNIST_DIR");
            Object volumes = service(name).get("volumes");
            assertNotNull(volumes, name + " mounts no volume");
            boolean mounted = list(volumes, name + ".volumes").stream().anyMatch(v -> v instanceof Map<?, ?> m
                    ? "/data/fashion-mnist".equals(m.get("target"))
                    : String.valueOf(v).matches(".*:/data/fashion-mnist(:ro)?"));
            assertTrue(mounted, name + " should mount the data at /data/fashion-mnist, has " + volumes);
        }
    }

    @Test
    void startsInOrderWithHealthchecks() {
        for (String name : List.of("kafka", "postgres", "minio", "prometheus", "grafana")) {
            assertNotNull(service(name).get("healthcheck"), name + " has no healthcheck");
        }
        for (String name : DeployFiles.SERVICES.keySet()) {
            Map<String, Object> s = service(name);
            assertNotNull(at(s, "healthcheck", "test"), name + " has no healthcheck");
            assertTrue(String.valueOf(at(s, "healthcheck", "test")).contains("/q/health"), name + ": healthcheck on /q/health");
            assertEquals("service_completed_successfully", string(s, "depends_on", "kafka-init", "condition"),
                    name + " waits for the topics");
            assertEquals("service_completed_successfully", string(s, "depends_on", "minio-init", "condition"),
                    name + " waits for the bucket");
        }
        assertEquals("service_healthy", string(service("kafka-init"), "depends_on", "kafka", "condition"));
        assertEquals("service_healthy", string(service("minio-init"), "depends_on", "minio", "condition"));
    }

    @Test
    void kafkaIsKraftAndTopicsAreCreatedWithTheirDeadLetterTopics() {
        Map<String, String> env = environment(service("kafka").get("environment"), "kafka.environment");
        assertTrue(string(service("kafka"), "image").startsWith("apache/kafka:"), "the official apache/kafka image");
        assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
        for (String key : List.of("KAFKA_NODE_ID", "KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS",
                "KAFKA_CONTROLLER_QUORUM_VOTERS", "KAFKA_CONTROLLER_LISTENER_NAMES")) {
            assertTrue(env.containsKey(key), "kafka: " + key);
        }
        String init = String.valueOf(service("kafka-init").get("command")) + service("kafka-init").get("entrypoint");
        assertTrue(init.contains("kafka-topics.sh"), "kafka-init runs kafka-topics.sh");
        assertTrue(init.contains("--partitions " + DeployFiles.PARTITIONS), "kafka-init: " + DeployFiles.PARTITIONS + " partitions");
        assertTrue(init.contains(".dlq"), "kafka-init creates the dead-letter topics");
        for (String topic : DeployFiles.TOPICS) {
            assertTrue(init.contains(topic), "kafka-init does not create " + topic);
        }
        String minioInit = String.valueOf(service("minio-init").get("command")) + service("minio-init").get("entrypoint");
        assertTrue(minioInit.contains("mc mb"), "minio-init creates the bucket with mc mb");
    }

    @Test
    void monitoringMountsTheDeployFiles() {
        String prometheus = String.valueOf(service("prometheus").get("volumes"));
        assertTrue(prometheus.contains("deploy/prometheus/prometheus.yml"), "prometheus mounts deploy/prometheus/prometheus.yml");
        String grafana = String.valueOf(service("grafana").get("volumes"));
        assertTrue(grafana.contains("deploy/grafana/provisioning:/etc/grafana/provisioning"), "grafana provisioning mount");
        assertTrue(grafana.contains("deploy/grafana/dashboards:"), "grafana dashboards mount");
        for (String name : services.keySet()) {
            Object volumes = map(services.get(name), name).get("volumes");
            if (volumes == null) {
                continue;
            }
            for (Object v : list(volumes, name + ".volumes")) {
                String source = v instanceof Map<?, ?> m ? String.valueOf(m.get("source")) : String.valueOf(v).split(":")[0];
                if (source.startsWith("./")) {
                    assertTrue(Files.exists(DeployFiles.root().resolve(source)), name + " mounts " + source + ", which is missing");
                }
            }
        }
    }


    // ---- Kafka: authentication and ACLs ----

    private static Map<String, String> kafkaEnv() {
        return environment(service("kafka").get("environment"), "kafka.environment");
    }

    /** Listener name -> host:port it is advertised at. */
    private static Map<String, String> advertisedListeners() {
        Map<String, String> result = new LinkedHashMap<>();
        for (String l : kafkaEnv().getOrDefault("KAFKA_ADVERTISED_LISTENERS", "").split(",")) {
            int sep = l.indexOf("://");
            if (sep > 0) {
                result.put(l.substring(0, sep).strip(), l.substring(sep + 3).strip());
            }
        }
        return result;
    }

    /** What the kafka image makes of KAFKA_LISTENER_NAME_<NAME>_SASL_ENABLED_MECHANISMS, else the broker-wide one. */
    private static String mechanisms(String listener) {
        Map<String, String> env = kafkaEnv();
        return env.getOrDefault("KAFKA_LISTENER_NAME_" + listener.toUpperCase() + "_SASL_ENABLED_MECHANISMS",
                env.getOrDefault("KAFKA_SASL_ENABLED_MECHANISMS", "GSSAPI"));
    }

    private static String initScript() {
        return String.valueOf(service("kafka-init").get("entrypoint")) + "\n" + service("kafka-init").get("command");
    }

    @Test
    void kafkaAuthenticatesEveryListenerAndAuthorisesWithAcls() {
        Map<String, String> env = kafkaEnv();
        String map = env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP");
        assertNotNull(map, "kafka: KAFKA_LISTENER_SECURITY_PROTOCOL_MAP");
        for (String entry : map.split(",")) {
            String[] parts = entry.strip().split(":");
            assertTrue(parts.length == 2 && parts[1].startsWith("SASL_"),
                    "kafka: every listener authenticates with SASL, but " + entry.strip() + " (" + map + ")");
        }
        assertEquals("org.apache.kafka.metadata.authorizer.StandardAuthorizer", env.get("KAFKA_AUTHORIZER_CLASS_NAME"),
                "kafka: ACLs through KRaft's StandardAuthorizer");
        assertEquals("false", env.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"), "kafka: nothing allowed without an ACL");
        assertEquals("User:admin", env.get("KAFKA_SUPER_USERS"), "kafka: the only super user is admin");
        // the image drops a KAFKA_* value holding '=' (docker/resources/utility: NAME=VALUE split in two): a JAAS
        // config or any other such value would silently be missing from server.properties
        env.forEach((k, v) -> assertFalse(k.startsWith("KAFKA_") && !k.equals("KAFKA_OPTS") && v != null && v.contains("="),
                "kafka: " + k + " holds '=', which the apache/kafka image drops: " + v));
        assertTrue(env.getOrDefault("KAFKA_OPTS", "").contains("-Djava.security.auth.login.config="),
                "kafka: the broker's JAAS file in KAFKA_OPTS");
        String command = String.valueOf(service("kafka").get("command"));
        assertTrue(command.contains("KafkaServer") && command.contains("ScramLoginModule") && command.contains("exec /etc/kafka/docker/run"),
                "kafka: its command writes the JAAS file (KafkaServer, ScramLoginModule) and runs the image's start script");
        // PLAIN knows admin alone (user_<name>="..." entries of the PlainLoginModule)
        Matcher plainUsers = Pattern.compile("user_([A-Za-z0-9_-]+)=").matcher(command);
        Set<String> plain = new TreeSet<>();
        while (plainUsers.find()) {
            plain.add(plainUsers.group(1));
        }
        assertEquals(Set.of("admin"), plain, "kafka: SASL PLAIN lets in admin only");

        // the services' listener and the host's one: SCRAM-SHA-512 only
        Map<String, String> advertised = advertisedListeners();
        Set<String> serviceListeners = new TreeSet<>();
        for (String name : DeployFiles.SERVICES.keySet()) {
            String bootstrap = environment(service(name).get("environment"), name + ".environment").get("KAFKA_BOOTSTRAP_SERVERS");
            String listener = advertised.entrySet().stream().filter(e -> e.getValue().equals(bootstrap)).map(Map.Entry::getKey)
                    .findFirst().orElseThrow(() -> new AssertionError(name + ": KAFKA_BOOTSTRAP_SERVERS " + bootstrap
                            + " is no advertised listener of kafka " + advertised));
            serviceListeners.add(listener);
        }
        for (Object port : list(service("kafka").get("ports"), "kafka.ports")) {
            String published = String.valueOf(port).replaceFirst(".*:", "");
            advertised.forEach((listener, address) -> {
                if (address.endsWith(":" + published)) {
                    serviceListeners.add(listener);
                }
            });
        }
        for (String listener : serviceListeners) {
            assertEquals("SCRAM-SHA-512", mechanisms(listener), "kafka: listener " + listener + " (services, host) takes SCRAM-SHA-512 only");
        }
    }

    @Test
    void everyServiceLogsInToKafkaAsItsOwnScramUser() {
        Map<String, String> init = environment(service("kafka-init").get("environment"), "kafka-init.environment");
        String script = initScript();
        Matcher loop = Pattern.compile("for user in ([a-z0-9 -]+); do\\s+var=\"KAFKA_\\$\\$\\{user\\^\\^}_PASSWORD\"").matcher(script);
        assertTrue(loop.find(), "kafka-init creates the SCRAM users in a loop 'for user in ...; do var=\"KAFKA_$${user^^}_PASSWORD\"'");
        Set<String> scramUsers = Set.of(loop.group(1).strip().split("\\s+"));
        assertTrue(script.contains("kafka-configs.sh") && script.contains("--entity-type users")
                && script.contains("SCRAM-SHA-512=[iterations=8192,password=$${!var}]"), "kafka-init: kafka-configs.sh --add-config SCRAM-SHA-512");
        for (String name : DeployFiles.SERVICES.keySet()) {
            String user = DeployFiles.KAFKA_USERS.get(name);
            Map<String, String> env = environment(service(name).get("environment"), name + ".environment");
            assertEquals("SASL_PLAINTEXT", env.get("KAFKA_SECURITY_PROTOCOL"), name + ": KAFKA_SECURITY_PROTOCOL");
            assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"), name + ": KAFKA_SASL_MECHANISM");
            String jaas = env.get("KAFKA_SASL_JAAS_CONFIG");
            Matcher m = SCRAM_JAAS.matcher(jaas == null ? "" : jaas);
            assertTrue(m.matches(), name + ": KAFKA_SASL_JAAS_CONFIG should be a ScramLoginModule line with the password from a"
                    + " required variable, is " + jaas);
            assertEquals(user, m.group(1), name + ": its own Kafka user");
            String variable = m.group(2);
            assertEquals("KAFKA_" + user.toUpperCase() + "_PASSWORD", variable, name + ": the password variable kafka-init uses for " + user);
            assertTrue(scramUsers.contains(user), "kafka-init does not create the SCRAM user " + user + " (creates " + scramUsers + ")");
            String passed = init.getOrDefault(variable, "");
            assertTrue(passed.startsWith("${" + variable + ":?"), "kafka-init gets " + variable + " from the same required variable, has " + passed);
        }
    }

    @Test
    void kafkaAclsAreExactlyWhatEachServiceConsumesAndProduces() {
        String script = initScript();
        Map<String, Set<String>> table = new TreeMap<>();
        Matcher m = ACL_LINE.matcher(script.replace("\\n", "\n"));
        while (m.find()) {
            table.computeIfAbsent(m.group(1), u -> new TreeSet<>()).add(m.group(2) + " " + m.group(3) + " " + m.group(4));
        }
        assertEquals(new TreeSet<>(DeployFiles.KAFKA_USERS.values()), table.keySet(), "kafka-init's ACL table has a block per service user");
        for (String name : DeployFiles.SERVICES.keySet()) {
            String user = DeployFiles.KAFKA_USERS.get(name);
            assertEquals(DeployFiles.kafkaAccess(name).acls(), table.get(user), "kafka-init's ACLs of " + user
                    + " should be what " + name + "/src/main/resources/application.properties consumes (Read topic, Read group)"
                    + " and produces (Write topic, its dead-letter topics too)");
        }
        for (String needed : List.of("kafka-acls.sh", "--add --allow-principal", "--remove --force", "--resource-pattern-type literal")) {
            assertTrue(script.contains(needed), "kafka-init's ACL step lacks '" + needed + "'");
        }
    }

    @Test
    void noSecretLiteralsAndKafkaAndApiSecretsAreRequired() {
        for (String name : services.keySet()) {
            Map<String, String> env = environment(map(services.get(name), name).get("environment"), name + ".environment");
            env.forEach((key, value) -> {
                if (DeployFiles.secretName(key)) {
                    assertTrue(value != null && value.contains("${"), name + ": " + key + " must come from the environment (${...}), is a literal");
                }
                boolean kafkaOrApi = key.startsWith("KAFKA_") || key.startsWith("PRUNING_KAFKA_") || key.startsWith("PRUNING_AUTH_");
                if (kafkaOrApi && DeployFiles.secretName(key)) {
                    Matcher vars = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(:?[-?])?").matcher(value);
                    while (vars.find()) {
                        assertTrue(vars.group(2) != null && vars.group(2).endsWith("?"), name + ": " + key + " takes ${" + vars.group(1)
                                + "} with a default; Kafka passwords and API keys must be required (${VAR:?message})");
                    }
                }
            });
        }
        // a JAAS password is always a variable, never written out
        Matcher literal = Pattern.compile("(password|user_[a-z]+)=\"(?!\\$)").matcher(text);
        assertFalse(literal.find(), "docker-compose.yml has a literal JAAS password near: "
                + (literal.find(0) ? text.substring(literal.start(), Math.min(text.length(), literal.start() + 40)) : ""));
    }

    @Test
    void evaluatorApiKeysComeFromTheEnvironment() {
        Map<String, String> env = environment(service("evaluator-service").get("environment"), "evaluator environment");
        for (String key : List.of("PRUNING_AUTH_OPERATOR_KEY", "PRUNING_AUTH_VIEWER_KEY")) {
            String value = env.get(key);
            assertTrue(value != null && value.matches("\\$\\{[A-Z0-9_]+:\\?[^}]+}"),
                    "evaluator: " + key + " must be a required variable (${VAR:?message}), is " + value);
        }
    }

    @Test
    void theEnvExampleListsEveryRequiredVariableAndHoldsNoValue() {
        Set<String> required = requiredVariables();
        assertFalse(required.isEmpty(), "docker-compose.yml requires no variable");
        Map<String, String> example = new LinkedHashMap<>();
        for (String line : DeployFiles.read(DeployFiles.file(ENV_EXAMPLE)).split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            assertTrue(eq > 0, ENV_EXAMPLE + ": not NAME=value: " + l);
            example.put(l.substring(0, eq), l.substring(eq + 1));
        }
        assertEquals(required, new TreeSet<>(example.keySet()), ENV_EXAMPLE + " should list every ${VAR:?} of docker-compose.yml");
        example.forEach((k, v) -> assertEquals("", v, ENV_EXAMPLE + ": " + k + " must be left empty (no secret in Git)"));
    }

    private static Set<String> requiredVariables() {
        Set<String> required = new TreeSet<>();
        Matcher m = REQUIRED_VAR.matcher(text);
        while (m.find()) {
            required.add(m.group(1));
        }
        return required;
    }

    @Test
    void dockerComposeAcceptsTheFile() throws IOException {
        Optional<Path> binary = DeployFiles.onPath("docker-compose");
        assumeTrue(binary.isPresent(), "docker-compose is not installed (Debian: apt-get install --no-install-recommends docker-compose)");
        Set<String> required = requiredVariables();
        Path filled = Files.createTempFile("compose", ".env");
        Path empty = Files.createTempFile("compose-empty", ".env");
        try {
            SecureRandom random = new SecureRandom();
            StringBuilder env = new StringBuilder();
            for (String name : required) {
                byte[] bytes = new byte[16];
                random.nextBytes(bytes);
                env.append(name).append('=').append(HexFormat.of().formatHex(bytes)).append('\n');
            }
            Files.writeString(filled, env, StandardCharsets.UTF_8);
            // the variables come from the env file only, whatever this shell or a .env beside the file holds
            DeployFiles.Result result = DeployFiles.run(List.of(binary.get().toString(), "--env-file", filled.toString(),
                    "-f", "docker-compose.yml", "config", "-q"), 120, Map.of(), required);
            if (result.exitCode() != 0) {
                fail("docker-compose -f docker-compose.yml config -q exited with " + result.exitCode() + ":\n" + result.output());
            }
            assertFalse(result.output().contains("ERROR"), result.output());

            // without them it refuses to start: no Kafka password or API key has a default
            DeployFiles.Result refused = DeployFiles.run(List.of(binary.get().toString(), "--env-file", empty.toString(),
                    "-f", "docker-compose.yml", "config", "-q"), 120, Map.of(), required);
            assertTrue(refused.exitCode() != 0, "docker-compose config passed without " + required);
            assertTrue(required.stream().anyMatch(refused.output()::contains), "the refusal names a missing variable:\n" + refused.output());
        } finally {
            Files.deleteIfExists(filled);
            Files.deleteIfExists(empty);
        }
    }
}
