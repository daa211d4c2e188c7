package dev.prune.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private static Map<String, Object> services;

    @BeforeAll
    static void load() {
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

    @Test
    void dockerComposeAcceptsTheFile() {
        Optional<Path> binary = DeployFiles.onPath("docker-compose");
        assumeTrue(binary.isPresent(), "docker-compose is not installed (Debian: apt-get install --no-install-recommends docker-compose)");
        DeployFiles.Result result = DeployFiles.run(List.of(binary.get().toString(), "-f", "docker-compose.yml", "config", "-q"), 120);
        if (result.exitCode() != 0) {
            fail("docker-compose -f docker-compose.yml config -q exited with " + result.exitCode() + ":\n" + result.output());
        }
        assertFalse(result.output().contains("ERROR"), result.output());
    }
}
