package dev.prune.deploy;

import dev.prune.deploy.DeployFiles.GroupTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.prune.deploy.DeployFiles.at;
import static dev.prune.deploy.DeployFiles.list;
import static dev.prune.deploy.DeployFiles.map;
import static dev.prune.deploy.DeployFiles.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * deploy/k8s: the local overlay rendered by {@code kubectl kustomize} when a kubectl with Kustomize v5 is on
 * the PATH, else the base's files parsed directly. Either way: a Deployment per service with its probes,
 * a KEDA ScaledObject per stage on the right consumer groups, a KafkaTopic per topic and dead-letter topic,
 * and every reference (ConfigMap, Secret, claim, scale target) resolving.
 */
class KubernetesManifestsTest {
    private static final String BASE = "deploy/k8s/base";
    private static final String LOCAL = "deploy/k8s/overlays/local";
    /** What the design says each stage consumes; a module's application.properties, once it exists, wins. */
    private static final Map<String, Set<GroupTopic>> DESIGN_GROUPS = Map.of(
            "evaluator-service", Set.of(new GroupTopic("evaluator", "start-pruning"), new GroupTopic("evaluator", "finetuned")),
            "ranker-service", Set.of(new GroupTopic("ranker", "evaluated")),
            "surgeon-service", Set.of(new GroupTopic("surgeon", "ranks-computed")),
            "trainer-service", Set.of(new GroupTopic("trainer", "filters-pruned")));

    private static List<Map<String, Object>> resources;
    private static boolean rendered;
    private static String source;

    @BeforeAll
    static void load() {
        Optional<Path> kubectl = DeployFiles.onPath("kubectl").filter(KubernetesManifestsTest::hasKustomize5);
        if (kubectl.isPresent()) {
            DeployFiles.Result result = DeployFiles.run(List.of(kubectl.get().toString(), "kustomize", LOCAL), 120);
            if (result.exitCode() != 0) {
                fail("kubectl kustomize " + LOCAL + " exited with " + result.exitCode() + ":\n" + result.output());
            }
            resources = DeployFiles.yamlDocuments(result.stdout(), "kubectl kustomize " + LOCAL);
            rendered = true;
            source = "kubectl kustomize " + LOCAL;
        } else {
            resources = new ArrayList<>();
            for (String file : kustomizationResources(BASE)) {
                Path path = DeployFiles.file(BASE + "/" + file);
                resources.addAll(DeployFiles.yamlDocuments(DeployFiles.read(path), path.toString()));
            }
            rendered = false;
            source = BASE + " (files parsed; no kubectl with Kustomize v5 on the PATH)";
        }
        System.out.println("KubernetesManifestsTest: " + resources.size() + " resources from " + source);
    }

    /** kubectl 1.27+ embeds Kustomize v5; older ones (Debian 12's kubernetes-client 1.20) cannot render these files. */
    private static boolean hasKustomize5(Path kubectl) {
        DeployFiles.Result result = DeployFiles.run(List.of(kubectl.toString(), "version", "--client"), 60);
        Matcher m = Pattern.compile("Kustomize Version: v(\\d+)").matcher(result.stdout());
        boolean ok = result.exitCode() == 0 && m.find() && Integer.parseInt(m.group(1)) >= 5;
        if (!ok) {
            System.out.println("KubernetesManifestsTest: " + kubectl + " has no Kustomize v5 ("
                    + result.stdout().strip().replace('\n', ' ') + "); parsing the files instead");
        }
        return ok;
    }

    private static List<String> kustomizationResources(String dir) {
        Map<String, Object> k = DeployFiles.yamlMap(DeployFiles.file(dir + "/kustomization.yaml"));
        return list(k.get("resources"), dir + "/kustomization.yaml resources").stream().map(String::valueOf).toList();
    }

    // ---- lookups ----

    private static Stream<Map<String, Object>> ofKind(String kind) {
        return resources.stream().filter(r -> kind.equals(r.get("kind")));
    }

    private static Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).filter(r -> name.equals(string(r, "metadata", "name"))).findFirst();
    }

    private static Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " '" + name + "' in " + source
                + " (there are: " + ofKind(kind).map(r -> string(r, "metadata", "name")).toList() + ")"));
    }

    private static Map<String, Object> container(Map<String, Object> workload, String name) {
        List<Object> containers = list(at(workload, "spec", "template", "spec", "containers"), name + " containers");
        return containers.stream().map(c -> map(c, name + " container"))
                .filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseGet(() -> map(containers.get(0), name + " container"));
    }

    private static String kafkaName() {
        List<Map<String, Object>> kafkas = ofKind("Kafka").toList();
        assertEquals(1, kafkas.size(), "one Strimzi Kafka resource");
        return string(kafkas.get(0), "metadata", "name");
    }

    // ---- the checks ----

    @Test
    void kustomizationsListExistingFilesAndEveryBaseFile() throws IOException {
        Set<String> listed = new TreeSet<>(kustomizationResources(BASE));
        for (String file : listed) {
            DeployFiles.file(BASE + "/" + file);
        }
        try (Stream<Path> files = Files.list(DeployFiles.file(BASE))) {
            Set<String> yamls = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
                    .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(yamls, listed, BASE + "/kustomization.yaml should list every manifest in the folder");
        }
        Map<String, Object> local = DeployFiles.yamlMap(DeployFiles.file(LOCAL + "/kustomization.yaml"));
        assertTrue(String.valueOf(local.get("resources")).contains("../../base"), "the local overlay builds on the base");
        Set<String> images = list(local.get("images"), "local images").stream()
                .map(i -> string(i, "name")).collect(Collectors.toSet());
        for (String service : DeployFiles.SERVICES.keySet()) {
            assertTrue(images.contains("pruning/" + service), "the local overlay sets the image tag of " + service);
        }
        assertNotNull(local.get("patches"), "the local overlay patches replicas and resources down");
    }

    @Test
    void aDeploymentAndServicePerServiceWithHealthProbes() {
        DeployFiles.SERVICES.forEach((name, port) -> {
            Map<String, Object> deployment = get("Deployment", name);
            Map<String, Object> c = container(deployment, name);
            Map<String, Object> containerPort = list(c.get("ports"), name + " ports").stream().map(p -> map(p, "port"))
                    .filter(p -> String.valueOf(port).equals(string(p, "containerPort"))).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " does not expose container port " + port));
            Set<String> portRefs = new LinkedHashSet<>(List.of(String.valueOf(port)));
            Optional.ofNullable(string(containerPort, "name")).ifPresent(portRefs::add);
            for (String[] probe : new String[][] {{"readinessProbe", "/q/health/ready"}, {"livenessProbe", "/q/health/live"}}) {
                assertEquals(probe[1], string(c, probe[0], "httpGet", "path"), name + ": " + probe[0] + " path");
                assertTrue(portRefs.contains(string(c, probe[0], "httpGet", "port")),
                        name + ": " + probe[0] + " port should be one of " + portRefs + ", is " + string(c, probe[0], "httpGet", "port"));
            }
            long request = bytes(string(c, "resources", "requests", "memory"), name + " memory request");
            long limit = bytes(string(c, "resources", "limits", "memory"), name + " memory limit");
            assertTrue(request >= 1L << 30, name + ": DL4J needs at least 1Gi requested, has " + string(c, "resources", "requests", "memory"));
            assertTrue(limit >= request, name + ": memory limit below the request");
            if (!rendered) {
                assertEquals("1536Mi", string(c, "resources", "requests", "memory"), name + ": base memory request");
                assertEquals("3Gi", string(c, "resources", "limits", "memory"), name + ": base memory limit");
            } else {
                assertTrue(string(c, "image").startsWith("pruning/" + name + ":local"), name + ": local image tag, is " + string(c, "image"));
            }

            Map<String, Object> svc = get("Service", name);
            assertTrue(list(at(svc, "spec", "ports"), name + " service ports").stream()
                    .anyMatch(p -> String.valueOf(port).equals(string(p, "port"))), "Service " + name + " serves port " + port);
            Map<String, Object> selector = map(at(svc, "spec", "selector"), name + " selector");
            Map<String, Object> podLabels = map(at(deployment, "spec", "template", "metadata", "labels"), name + " pod labels");
            selector.forEach((k, v) -> assertEquals(v, podLabels.get(k), "Service " + name + " selects its pods by " + k));
        });
    }

    @Test
    void servicesGetTheirSettings() {
        DeployFiles.SERVICES.keySet().forEach(name -> {
            Map<String, Object> pod = map(at(get("Deployment", name), "spec", "template", "spec"), name + " pod");
            Map<String, Object> c = container(get("Deployment", name), name);
            Map<String, String> env = resolvedEnv(name);
            List<String> needed = new ArrayList<>(List.of("KAFKA_BOOTSTRAP_SERVERS", "PRUNING_STORE_TYPE",
                    "PRUNING_STORE_S3_ENDPOINT", "PRUNING_STORE_S3_BUCKET", "PRUNING_STORE_S3_ACCESS_KEY",
                    "PRUNING_STORE_S3_SECRET_KEY"));
            if (name.equals("evaluator-service")) {
                needed.addAll(List.of("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD"));
            }
            if (DeployFiles.IMAGE_READERS.contains(name)) {
                needed.add("PRUNING_FASHION_MNIST_DIR");
            }
            for (String key : needed) {
                assertTrue(env.containsKey(key), name + " gets no " + key + " (has " + new TreeSet<>(env.keySet()) + ")");
            }
            assertEquals("s3", env.get("PRUNING_STORE_TYPE"), name + ": PRUNING_STORE_TYPE");
            assertTrue(env.get("KAFKA_BOOTSTRAP_SERVERS").startsWith(kafkaName() + "-kafka-bootstrap"),
                    name + ": KAFKA_BOOTSTRAP_SERVERS should be Strimzi's bootstrap Service, is " + env.get("KAFKA_BOOTSTRAP_SERVERS"));
            if (DeployFiles.IMAGE_READERS.contains(name)) {
                String dir = env.get("PRUNING_FASHION_MNIST_DIR");
                boolean mounted = list(c.get("volumeMounts"), name + " volumeMounts").stream()
                        .anyMatch(m -> dir.equals(string(m, "mountPath")));
                assertTrue(mounted, name + " mounts nothing at " + dir);
            }
            assertNotNull(pod.get("volumes"), name + " has no volumes");
        });
    }

    /** The value of an env entry, or where it comes from (and that that exists). */
    private static String valueOf(Map<String, Object> env) {
        if (env.get("value") != null) {
            return String.valueOf(env.get("value"));
        }
        String secret = string(env, "valueFrom", "secretKeyRef", "name");
        if (secret != null) {
            String key = string(env, "valueFrom", "secretKeyRef", "key");
            checkSecretKey(secret, key, "env " + string(env, "name"));
            return "secret:" + secret + "/" + key;
        }
        String cm = string(env, "valueFrom", "configMapKeyRef", "name");
        if (cm != null) {
            String key = string(env, "valueFrom", "configMapKeyRef", "key");
            if (find("ConfigMap", cm).isEmpty() && "true".equals(string(env, "valueFrom", "configMapKeyRef", "optional"))) {
                assertTrue(readme().contains("create configmap " + cm) && readme().contains("--from-literal=" + key + "="),
                        "optional ConfigMap " + cm + " (key " + key + ") is not in the manifests and deploy/README.md does not"
                                + " show how to create it (kubectl create configmap " + cm + " --from-literal=" + key + "=...)");
                return "configmap:" + cm + "/" + key + " (optional)";
            }
            assertTrue(map(at(get("ConfigMap", cm), "data"), cm).containsKey(key), "ConfigMap " + cm + " has no key " + key);
            return "configmap:" + cm + "/" + key;
        }
        return "";
    }

    /** Keys of the Secret Strimzi's user operator writes for a KafkaUser with SCRAM-SHA-512. */
    private static final Set<String> STRIMZI_SCRAM_KEYS = Set.of("password", "sasl.jaas.config");

    /**
     * A Secret key that exists: in a Secret of the manifests, in the Secret Strimzi makes for a KafkaUser of that
     * name, or in a Secret that deploy/README.md tells the user to create (never committed).
     */
    private static void checkSecretKey(String secret, String key, String what) {
        Optional<Map<String, Object>> inManifests = find("Secret", secret);
        if (inManifests.isPresent()) {
            assertTrue(secretData(inManifests.get()).containsKey(key), what + ": Secret " + secret + " has no key " + key);
            return;
        }
        Optional<Map<String, Object>> user = find("KafkaUser", secret);
        if (user.isPresent()) {
            assertEquals("scram-sha-512", string(user.get(), "spec", "authentication", "type"),
                    what + ": KafkaUser " + secret + " has no SCRAM credentials for Strimzi to put in a Secret");
            assertTrue(STRIMZI_SCRAM_KEYS.contains(key), what + ": Strimzi's Secret " + secret + " has keys " + STRIMZI_SCRAM_KEYS + ", not " + key);
            return;
        }
        assertTrue(readme().contains("create secret generic " + secret) && readme().contains("--from-literal=" + key + "="),
                what + ": Secret " + secret + " is neither in the manifests, nor made by Strimzi for a KafkaUser, nor created as"
                        + " deploy/README.md shows (kubectl create secret generic " + secret + " --from-literal=" + key + "=...)");
    }

    private static String readme;

    private static String readme() {
        if (readme == null) {
            readme = DeployFiles.read(DeployFiles.file("deploy/README.md"));
        }
        return readme;
    }

    private static Map<String, Object> secretData(Map<String, Object> secret) {
        Map<String, Object> data = new HashMap<>();
        if (secret.get("data") != null) {
            data.putAll(map(secret.get("data"), "secret data"));
        }
        if (secret.get("stringData") != null) {
            data.putAll(map(secret.get("stringData"), "secret stringData"));
        }
        return data;
    }

    @Test
    void everyReferenceResolves() {
        for (String kind : List.of("Deployment", "StatefulSet", "Job")) {
            ofKind(kind).forEach(w -> {
                String name = kind + " " + string(w, "metadata", "name");
                Object containers = at(w, "spec", "template", "spec", "containers");
                for (Object c : list(containers, name + " containers")) {
                    Object env = map(c, name).get("env");
                    if (env != null) {
                        list(env, name + " env").forEach(e -> valueOf(map(e, name + " env")));
                    }
                    Object envFrom = map(c, name).get("envFrom");
                    if (envFrom != null) {
                        for (Object from : list(envFrom, name + " envFrom")) {
                            Optional.ofNullable(string(from, "configMapRef", "name")).ifPresent(n -> get("ConfigMap", n));
                            Optional.ofNullable(string(from, "secretRef", "name")).ifPresent(n -> get("Secret", n));
                        }
                    }
                }
                Object volumes = at(w, "spec", "template", "spec", "volumes");
                if (volumes != null) {
                    for (Object v : list(volumes, name + " volumes")) {
                        Optional.ofNullable(string(v, "persistentVolumeClaim", "claimName"))
                                .ifPresent(n -> get("PersistentVolumeClaim", n));
                        Optional.ofNullable(string(v, "configMap", "name")).ifPresent(n -> get("ConfigMap", n));
                        Optional.ofNullable(string(v, "secret", "secretName")).ifPresent(n -> get("Secret", n));
                    }
                }
            });
        }
        if (rendered) {
            resources.stream().filter(r -> !List.of("Namespace").contains(r.get("kind")))
                    .forEach(r -> assertEquals("pruning", string(r, "metadata", "namespace"),
                            r.get("kind") + " " + string(r, "metadata", "name") + " is not in namespace pruning"));
        }
    }

    @Test
    void aScaledObjectPerStageOnItsConsumerGroupsLag() {
        String bootstrap = kafkaName() + "-kafka-bootstrap";
        for (String service : DeployFiles.SERVICES.keySet()) {
            List<Map<String, Object>> scaled = ofKind("ScaledObject")
                    .filter(s -> service.equals(string(s, "spec", "scaleTargetRef", "name"))).toList();
            assertEquals(1, scaled.size(), "one KEDA ScaledObject targeting " + service);
            Map<String, Object> so = scaled.get(0);
            get("Deployment", service);
            Object max = at(so, "spec", "maxReplicaCount");
            assertNotNull(max, service + ": maxReplicaCount");
            assertTrue(((Number) max).intValue() <= DeployFiles.PARTITIONS,
                    service + ": more replicas than partitions would idle (maxReplicaCount " + max + ")");
            Set<GroupTopic> triggers = new LinkedHashSet<>();
            for (Object t : list(at(so, "spec", "triggers"), service + " triggers")) {
                if (!"kafka".equals(string(t, "type"))) {
                    continue;
                }
                String group = string(t, "metadata", "consumerGroup");
                String topic = string(t, "metadata", "topic");
                assertNotNull(group, service + ": a kafka trigger without consumerGroup");
                assertTrue(DeployFiles.TOPICS.contains(topic), service + ": trigger on unknown topic " + topic);
                assertNotNull(string(t, "metadata", "lagThreshold"), service + ": kafka trigger without lagThreshold");
                String servers = string(t, "metadata", "bootstrapServers");
                assertTrue(servers != null && servers.startsWith(bootstrap),
                        service + ": trigger bootstrapServers should be " + bootstrap + "..., is " + servers);
                triggers.add(new GroupTopic(group, topic));
            }
            Set<GroupTopic> expected = DeployFiles.consumedTopics(service, DESIGN_GROUPS.get(service));
            assertEquals(new TreeSet<>(expected.stream().map(GroupTopic::toString).toList()),
                    new TreeSet<>(triggers.stream().map(GroupTopic::toString).toList()),
                    service + ": kafka triggers should be the consumer groups and topics it reads");
        }
    }

    @Test
    void kraftKafkaWithATopicPerEventAndDeadLetterTopic() {
        String cluster = kafkaName();
        Map<String, Object> kafka = get("Kafka", cluster);
        assertNotNull(at(kafka, "spec", "entityOperator", "topicOperator"), "Kafka runs the topic operator (KafkaTopic resources)");
        List<Map<String, Object>> pools = ofKind("KafkaNodePool")
                .filter(p -> cluster.equals(string(p, "metadata", "labels", "strimzi.io/cluster"))).toList();
        assertFalse(pools.isEmpty(), "a KafkaNodePool labelled strimzi.io/cluster=" + cluster);
        Set<String> roles = pools.stream().flatMap(p -> list(at(p, "spec", "roles"), "roles").stream())
                .map(String::valueOf).collect(Collectors.toSet());
        assertTrue(roles.containsAll(Set.of("controller", "broker")), "KRaft: pools with controller and broker roles, have " + roles);

        Set<String> expected = new TreeSet<>();
        for (String topic : DeployFiles.TOPICS) {
            expected.add(topic);
            expected.add(topic + ".dlq");
        }
        Set<String> actual = new TreeSet<>();
        ofKind("KafkaTopic").forEach(t -> {
            String name = Optional.ofNullable(string(t, "spec", "topicName")).orElse(string(t, "metadata", "name"));
            assertTrue(actual.add(name), "topic " + name + " defined twice");
            assertEquals(String.valueOf(DeployFiles.PARTITIONS), string(t, "spec", "partitions"), name + ": partitions");
            assertEquals(cluster, string(t, "metadata", "labels", "strimzi.io/cluster"), name + ": strimzi.io/cluster label");
            int replicas = Integer.parseInt(string(t, "spec", "replicas"));
            int pool = pools.stream().mapToInt(p -> Integer.parseInt(string(p, "spec", "replicas"))).sum();
            assertTrue(replicas <= pool, name + ": replication " + replicas + " above the " + pool + " brokers");
        });
        assertEquals(expected, actual, "a KafkaTopic per event topic and per dead-letter topic");
    }

    @Test
    void infrastructureAndNoRealSecrets() {
        get("StatefulSet", "postgres");
        get("Service", "postgres");
        get("Deployment", "minio");
        get("Service", "minio");
        Map<String, Object> job = get("Job", "minio-create-bucket");
        assertTrue(String.valueOf(at(job, "spec", "template", "spec", "containers")).contains("mc mb"), "the Job creates the bucket");
        List<Map<String, Object>> secrets = ofKind("Secret").toList();
        assertFalse(secrets.isEmpty(), "a Secret");
        for (Map<String, Object> secret : secrets) {
            secretData(secret).forEach((key, value) -> {
                if (key.contains("secret") || key.contains("password")) {
                    assertEquals("PLACEHOLDER", String.valueOf(value), "Secret " + string(secret, "metadata", "name")
                            + " key " + key + " must hold PLACEHOLDER, never a real secret");
                }
            });
        }
    }

    // ---- Kafka: authentication, a KafkaUser per service, ACLs ----

    /** Every env entry of a service's container with envFrom ConfigMaps and Secrets resolved: name -> value or reference. */
    private static Map<String, String> resolvedEnv(String name) {
        Map<String, Object> c = container(get("Deployment", name), name);
        Map<String, String> env = new HashMap<>();
        Object envFrom = c.get("envFrom");
        if (envFrom != null) {
            for (Object from : list(envFrom, name + " envFrom")) {
                String cm = string(from, "configMapRef", "name");
                String secret = string(from, "secretRef", "name");
                Map<String, Object> data = cm != null ? map(at(get("ConfigMap", cm), "data"), cm + " data")
                        : secretData(get("Secret", secret));
                data.forEach((k, v) -> env.put(k, String.valueOf(v)));
            }
        }
        Object explicit = c.get("env");
        if (explicit != null) {
            for (Object e : list(explicit, name + " env")) {
                env.put(string(e, "name"), valueOf(map(e, "env")));
            }
        }
        return env;
    }

    /** A KafkaUser's ACLs as "Operation type name" (literal patterns only; anything else fails). */
    private static Set<String> acls(Map<String, Object> user) {
        String name = string(user, "metadata", "name");
        assertEquals("simple", string(user, "spec", "authorization", "type"), "KafkaUser " + name + ": authorization simple");
        Set<String> result = new TreeSet<>();
        for (Object acl : list(at(user, "spec", "authorization", "acls"), name + " acls")) {
            String type = string(acl, "resource", "type");
            String resource = string(acl, "resource", "name");
            String where = "KafkaUser " + name + " ACL on " + type + " " + resource;
            assertEquals("literal", Optional.ofNullable(string(acl, "resource", "patternType")).orElse("literal"),
                    where + ": literal names only, no prefix");
            assertFalse(resource == null || resource.contains("*"), where + ": no wildcard");
            assertEquals("allow", Optional.ofNullable(string(acl, "type")).orElse("allow"), where + ": allow rules only");
            assertEquals("*", Optional.ofNullable(string(acl, "host")).orElse("*"), where + ": host");
            List<Object> operations = at(acl, "operations") != null ? list(at(acl, "operations"), where + " operations")
                    : List.of(String.valueOf(at(acl, "operation")));
            for (Object op : operations) {
                assertTrue(result.add(op + " " + type + " " + resource), where + ": " + op + " twice");
            }
        }
        return result;
    }

    private static Map<String, Object> kafkaUser(String name) {
        Map<String, Object> user = get("KafkaUser", name);
        assertEquals(kafkaName(), string(user, "metadata", "labels", "strimzi.io/cluster"),
                "KafkaUser " + name + ": strimzi.io/cluster label (else the user operator ignores it)");
        assertEquals("scram-sha-512", string(user, "spec", "authentication", "type"), "KafkaUser " + name + ": SCRAM-SHA-512");
        return user;
    }

    @Test
    void kafkaListenersAuthenticateAndTheClusterAuthorises() {
        Map<String, Object> kafka = get("Kafka", kafkaName());
        assertEquals("simple", string(kafka, "spec", "kafka", "authorization", "type"), "Kafka: authorization simple (ACLs)");
        assertNotNull(at(kafka, "spec", "entityOperator", "userOperator"), "Kafka runs the user operator (KafkaUser resources)");
        Object superUsers = at(kafka, "spec", "kafka", "authorization", "superUsers");
        assertTrue(superUsers == null || list(superUsers, "superUsers").isEmpty(), "Kafka: no super users besides Strimzi's own, has " + superUsers);
        Map<String, Map<String, Object>> byPort = new HashMap<>();
        for (Object l : list(at(kafka, "spec", "kafka", "listeners"), "Kafka listeners")) {
            String name = string(l, "name");
            String auth = string(l, "authentication", "type");
            assertTrue("scram-sha-512".equals(auth) || "tls".equals(auth),
                    "Kafka listener " + name + " must authenticate (scram-sha-512 or tls), has " + auth);
            byPort.put(string(l, "port"), map(l, name));
        }
        for (String service : DeployFiles.SERVICES.keySet()) {
            Map<String, String> env = resolvedEnv(service);
            String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
            Map<String, Object> listener = byPort.get(bootstrap.replaceFirst(".*:", ""));
            assertNotNull(listener, service + ": no Kafka listener on the port of " + bootstrap);
            assertEquals("scram-sha-512", string(listener, "authentication", "type"), service + ": its listener takes SCRAM-SHA-512");
            boolean tls = Boolean.parseBoolean(string(listener, "tls"));
            assertEquals(tls ? "SASL_SSL" : "SASL_PLAINTEXT", env.get("KAFKA_SECURITY_PROTOCOL"), service + ": KAFKA_SECURITY_PROTOCOL");
            assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"), service + ": KAFKA_SASL_MECHANISM");
        }
    }

    @Test
    void everyServiceLogsInAsItsOwnKafkaUser() {
        for (String service : DeployFiles.SERVICES.keySet()) {
            String user = DeployFiles.KAFKA_USERS.get(service);
            kafkaUser(user);
            assertEquals("secret:" + user + "/sasl.jaas.config", resolvedEnv(service).get("KAFKA_SASL_JAAS_CONFIG"),
                    service + ": KAFKA_SASL_JAAS_CONFIG from the Secret Strimzi makes for KafkaUser " + user);
        }
    }

    @Test
    void kafkaUserAclsAreExactlyWhatEachServiceConsumesAndProduces() {
        Set<String> expectedUsers = new TreeSet<>(DeployFiles.KAFKA_USERS.values());
        expectedUsers.add(KEDA_USER);
        assertEquals(expectedUsers, ofKind("KafkaUser").map(u -> string(u, "metadata", "name")).collect(Collectors.toCollection(TreeSet::new)),
                "a KafkaUser per service and KEDA's");
        for (String service : DeployFiles.SERVICES.keySet()) {
            String user = DeployFiles.KAFKA_USERS.get(service);
            assertEquals(DeployFiles.kafkaAccess(service).acls(), acls(kafkaUser(user)), "KafkaUser " + user + ": its ACLs should be what "
                    + service + "/src/main/resources/application.properties consumes (Read topic, Read group) and produces"
                    + " (Write topic, its dead-letter topics too)");
        }
    }

    private static final String KEDA_USER = "keda";

    @Test
    void kedaReadsTheLagAsADescribeOnlyKafkaUser() {
        Set<String> expected = new TreeSet<>();
        for (Map<String, Object> so : ofKind("ScaledObject").toList()) {
            for (Object t : list(at(so, "spec", "triggers"), "triggers")) {
                if (!"kafka".equals(string(t, "type"))) {
                    continue;
                }
                String where = "ScaledObject " + string(so, "metadata", "name") + " trigger on " + string(t, "metadata", "topic");
                String ref = string(t, "authenticationRef", "name");
                assertNotNull(ref, where + ": no authenticationRef (the listener needs SCRAM)");
                Map<String, Object> auth = get("TriggerAuthentication", ref);
                Map<String, String> params = new HashMap<>();
                for (Object p : list(at(auth, "spec", "secretTargetRef"), ref + " secretTargetRef")) {
                    String secret = string(p, "name");
                    String key = string(p, "key");
                    checkSecretKey(secret, key, "TriggerAuthentication " + ref);
                    String parameter = string(p, "parameter");
                    params.put(parameter, find("Secret", secret).map(s -> String.valueOf(secretData(s).get(key)))
                            .orElse("secret:" + secret + "/" + key));
                }
                assertEquals("scram_sha512", params.get("sasl"), where + ": sasl");
                assertEquals(KEDA_USER, params.get("username"), where + ": username");
                assertEquals("secret:" + KEDA_USER + "/password", params.get("password"), where + ": the password of Strimzi's Secret");
                expected.add("Describe topic " + string(t, "metadata", "topic"));
                expected.add("Describe group " + string(t, "metadata", "consumerGroup"));
            }
        }
        assertEquals(expected, acls(kafkaUser(KEDA_USER)), "KafkaUser keda: DESCRIBE on exactly the triggers' topics and groups");
    }

    @Test
    void evaluatorApiKeysComeFromASecret() {
        Map<String, Object> c = container(get("Deployment", "evaluator-service"), "evaluator-service");
        Set<String> secrets = new TreeSet<>();
        for (String key : List.of("PRUNING_AUTH_OPERATOR_KEY", "PRUNING_AUTH_VIEWER_KEY")) {
            Map<String, Object> env = list(c.get("env"), "evaluator env").stream().map(e -> map(e, "env"))
                    .filter(e -> key.equals(e.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("evaluator-service has no env " + key));
            String secret = string(env, "valueFrom", "secretKeyRef", "name");
            assertNotNull(secret, "evaluator-service: " + key + " must come from a secretKeyRef, is " + env);
            assertFalse("true".equals(string(env, "valueFrom", "secretKeyRef", "optional")), "evaluator-service: " + key + " is required");
            secrets.add(secret);
        }
        for (String secret : secrets) {
            find("Secret", secret).ifPresent(s -> secretData(s).values().forEach(v -> assertEquals("PLACEHOLDER", String.valueOf(v),
                    "Secret " + secret + " in the manifests must hold PLACEHOLDER values only")));
        }
    }

    @Test
    void noSecretLiteralInTheManifests() {
        for (Map<String, Object> r : resources) {
            String what = r.get("kind") + " " + string(r, "metadata", "name");
            Object containers = at(r, "spec", "template", "spec", "containers");
            if (containers != null) {
                for (Object c : list(containers, what + " containers")) {
                    Object env = map(c, what).get("env");
                    if (env == null) {
                        continue;
                    }
                    for (Object e : list(env, what + " env")) {
                        String name = string(e, "name");
                        if (DeployFiles.secretName(name)) {
                            assertNotNull(string(e, "valueFrom", "secretKeyRef", "name"), what + ": env " + name + " must come from a Secret (secretKeyRef)");
                        }
                    }
                }
            }
            if ("ConfigMap".equals(r.get("kind")) && r.get("data") != null) {
                map(r.get("data"), what).keySet().forEach(k -> assertFalse(DeployFiles.secretName(k), what + ": " + k + " belongs in a Secret"));
            }
            String yaml = String.valueOf(r);
            assertFalse(yaml.contains("LoginModule") && !"Secret".equals(r.get("kind")), what + " holds a JAAS config; it comes from a Secret");
        }
        ofKind("Secret").forEach(s -> secretData(s).values().forEach(v -> assertFalse(String.valueOf(v).contains("LoginModule"),
                "Secret " + string(s, "metadata", "name") + " holds a JAAS config: Strimzi writes those")));
    }

    private static long bytes(String quantity, String what) {
        assertNotNull(quantity, what + " is not set");
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT]i?|k)?").matcher(quantity);
        if (!m.matches()) {
            throw new AssertionError(what + ": cannot read quantity " + quantity);
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        double factor = switch (unit) {
            case "" -> 1;
            case "k", "K" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            case "T" -> 1e12;
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            default -> throw new AssertionError(what + ": unit " + unit);
        };
        return (long) (n * factor);
    }
}
