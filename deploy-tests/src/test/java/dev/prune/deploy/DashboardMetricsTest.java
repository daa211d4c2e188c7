package dev.prune.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.prune.deploy.DeployFiles.at;
import static dev.prune.deploy.DeployFiles.list;
import static dev.prune.deploy.DeployFiles.map;
import static dev.prune.deploy.DeployFiles.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboards use only exported metric names (deploy/metrics-allowlist.txt), every allow-listed
 * pruning_* name is registered by dev.prune.service.StageMetrics, and Prometheus / Grafana are wired to
 * each other and to every service.
 */
class DashboardMetricsTest {
    private static final String DASHBOARDS = "deploy/grafana/dashboards";
    private static final String STAGE_METRICS = "service-support/src/main/java/dev/prune/service/StageMetrics.java";
    /** Metric-name tokens: any identifier starting with pruning_ or kafka_ that is not part of a longer one. */
    private static final Pattern METRIC = Pattern.compile("(?<![A-Za-z0-9_:])(?:pruning|kafka)_[A-Za-z0-9_:]*");
    /** What Micrometer's Prometheus registry appends to a meter's name (counters, timers, base unit). */
    private static final List<String> SUFFIXES = List.of("_seconds_count", "_seconds_sum", "_seconds_max",
            "_total", "_count", "_sum", "_max", "_seconds");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Set<String> allowList;
    /** dashboard file -> its PromQL expressions (panel targets and template variable queries) */
    private static final Map<String, List<String>> expressions = new LinkedHashMap<>();
    private static final Map<String, JsonNode> dashboards = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws IOException {
        allowList = new LinkedHashSet<>();
        for (String line : Files.readAllLines(DeployFiles.file("deploy/metrics-allowlist.txt"))) {
            String name = line.replaceFirst("#.*", "").strip();
            if (!name.isEmpty()) {
                assertTrue(name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"), "not a metric name in the allow-list: '" + name + "'");
                assertTrue(allowList.add(name), "listed twice in the allow-list: " + name);
            }
        }
        try (Stream<Path> files = Files.list(DeployFiles.file(DASHBOARDS))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = JSON.readTree(file.toFile());
                dashboards.put(file.getFileName().toString(), dashboard);
                List<String> exprs = new ArrayList<>();
                collect(dashboard.path("panels"), exprs);
                for (JsonNode variable : dashboard.path("templating").path("list")) {
                    JsonNode query = variable.path("query");
                    String text = query.isTextual() ? query.asText() : query.path("query").asText("");
                    if (!text.isEmpty() && "query".equals(variable.path("type").asText())) {
                        exprs.add(text);
                    }
                }
                expressions.put(file.getFileName().toString(), exprs);
            }
        }
    }

    /** Every "expr" under a node (panels, nested rows, targets). */
    private static void collect(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("expr") && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        }
    }

    private static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @Test
    void theDashboardsAreThere() {
        assertTrue(dashboards.containsKey("pipeline-overview.json"), "pipeline-overview.json");
        assertTrue(dashboards.containsKey("run-view.json"), "run-view.json");
        expressions.forEach((file, exprs) -> assertFalse(exprs.isEmpty(), file + " has no PromQL expression"));
    }

    @Test
    void dashboardsUseOnlyAllowListedMetrics() {
        expressions.forEach((file, exprs) -> {
            for (String expr : exprs) {
                Set<String> names = metricNames(expr);
                assertFalse(names.isEmpty(), file + ": no pruning_/kafka_ metric in '" + expr + "'");
                for (String name : names) {
                    assertTrue(allowList.contains(name), file + " uses " + name
                            + ", which deploy/metrics-allowlist.txt does not list (expression: " + expr + ")");
                }
            }
        });
    }

    @Test
    void allowListedPruningMetricsAreRegisteredByStageMetrics() {
        String source = DeployFiles.read(DeployFiles.file(STAGE_METRICS));
        Set<String> registered = new TreeSet<>();
        Matcher m = Pattern.compile("\"(pruning(?:\\.[a-z0-9_]+)+)\"").matcher(source);
        while (m.find()) {
            registered.add(m.group(1).replace('.', '_'));
        }
        assertFalse(registered.isEmpty(), STAGE_METRICS + " registers no pruning.* meter");
        for (String name : allowList) {
            if (!name.startsWith("pruning_")) {
                assertTrue(name.startsWith("kafka_consumer_") || name.startsWith("kafka_producer_"),
                        name + ": allow-listed names are pruning_* (StageMetrics) or the Kafka clients' kafka_consumer_* / kafka_producer_*");
                continue;
            }
            assertTrue(baseNames(name).stream().anyMatch(registered::contains),
                    name + " is allow-listed but StageMetrics registers none of " + baseNames(name) + " (it registers " + registered + ")");
        }
        // and the other way round: every meter StageMetrics registers can be used in a dashboard
        for (String meter : registered) {
            assertTrue(allowList.stream().anyMatch(name -> baseNames(name).contains(meter)),
                    "StageMetrics registers " + meter.replace('_', '.') + " but the allow-list has no name for it");
        }
    }

    /** The Micrometer meter names (dots as underscores) an exported Prometheus name can come from. */
    private static Set<String> baseNames(String exported) {
        Set<String> names = new LinkedHashSet<>(List.of(exported));
        for (String suffix : SUFFIXES) {
            if (exported.endsWith(suffix)) {
                names.add(exported.substring(0, exported.length() - suffix.length()));
            }
        }
        return names;
    }

    @Test
    void runViewIsPerRun() {
        JsonNode runView = dashboards.get("run-view.json");
        boolean hasRun = false;
        for (JsonNode variable : runView.path("templating").path("list")) {
            hasRun |= "run".equals(variable.path("name").asText());
        }
        assertTrue(hasRun, "run-view.json has a 'run' template variable");
        long perRun = expressions.get("run-view.json").stream().filter(e -> e.contains("run=\"$run\"")).count();
        assertTrue(perRun >= 3, "run-view.json filters its per-run panels with run=\"$run\"");
        Set<String> used = new HashSet<>();
        expressions.get("run-view.json").forEach(e -> used.addAll(metricNames(e)));
        for (String needed : List.of("pruning_run_accuracy", "pruning_run_iteration", "pruning_run_conv_flops",
                "pruning_run_params", "pruning_images_per_second")) {
            assertTrue(used.contains(needed), "run-view.json shows " + needed);
        }
        Set<String> overview = new HashSet<>();
        expressions.get("pipeline-overview.json").forEach(e -> overview.addAll(metricNames(e)));
        for (String needed : List.of("pruning_events_in_total", "pruning_events_failed_total", "pruning_stage_seconds_sum",
                "pruning_stage_seconds_count", "kafka_consumer_fetch_manager_records_lag_max")) {
            assertTrue(overview.contains(needed), "pipeline-overview.json shows " + needed);
        }
    }

    @Test
    void dashboardsUseTheProvisionedDatasource() {
        Map<String, Object> provisioning = DeployFiles.yamlMap(DeployFiles.file("deploy/grafana/provisioning/datasources/prometheus.yml"));
        List<Object> sources = list(provisioning.get("datasources"), "datasources");
        assertEquals(1, sources.size(), "one provisioned data source");
        String uid = string(sources.get(0), "uid");
        assertEquals("prometheus", string(sources.get(0), "type"));
        assertEquals("http://prometheus:9090", string(sources.get(0), "url"), "the prometheus service of docker-compose.yml");
        dashboards.forEach((file, dashboard) -> {
            assertFalse(dashboard.path("uid").asText().isEmpty(), file + " has a uid");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : dashboard.path("panels")) {
                assertTrue(ids.add(panel.path("id").asInt()), file + ": panel id " + panel.path("id") + " twice");
                for (JsonNode target : panel.path("targets")) {
                    assertEquals(uid, target.path("datasource").path("uid").asText(), file + ": panel '"
                            + panel.path("title").asText() + "' uses another data source");
                }
            }
        });
        Map<String, Object> providers = DeployFiles.yamlMap(DeployFiles.file("deploy/grafana/provisioning/dashboards/dashboards.yml"));
        String path = string(list(providers.get("providers"), "providers").get(0), "options", "path");
        Map<String, Object> compose = DeployFiles.yamlMap(DeployFiles.file("docker-compose.yml"));
        String grafanaVolumes = String.valueOf(at(compose, "services", "grafana", "volumes"));
        assertTrue(grafanaVolumes.contains("deploy/grafana/dashboards:" + path),
                "docker-compose.yml mounts the dashboards where the provider looks (" + path + ")");
    }

    @Test
    void prometheusScrapesEveryService() {
        Map<String, Object> config = DeployFiles.yamlMap(DeployFiles.file("deploy/prometheus/prometheus.yml"));
        Map<String, String> targets = new LinkedHashMap<>();
        for (Object job : list(config.get("scrape_configs"), "scrape_configs")) {
            String path = string(job, "metrics_path");
            for (Object sc : list(map(job, "job").get("static_configs"), "static_configs")) {
                for (Object target : list(map(sc, "static_config").get("targets"), "targets")) {
                    targets.put(String.valueOf(target), path);
                }
            }
        }
        DeployFiles.SERVICES.forEach((name, port) -> assertEquals("/q/metrics", targets.get(name + ":" + port),
                "prometheus.yml scrapes " + name + ":" + port + " at /q/metrics (targets: " + targets + ")"));
    }
}
