package dev.prune.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** The evaluator's REST API, as the tests read the run ledger. */
final class Ledger {
    static final ObjectMapper JSON = new ObjectMapper();
    private final String url;
    private final String apiKey;
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param apiKey the evaluator's operator key, sent as X-API-Key */
    Ledger(String url, String apiKey) {
        this.url = url;
        this.apiKey = apiKey;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).header("X-API-Key", apiKey);
    }

    HttpResponse<String> cancel(String runId) throws Exception {
        return http.send(request("/runs/" + runId).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A spec small enough for tests: tiny data slices, two iterations at most. */
    static ObjectNode tinySpec(int maxIterations) {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("filters_per_iteration", 16);
        spec.put("target_flops_reduction", 0.9);
        spec.put("accuracy_budget", 0.5);
        spec.put("max_iterations", maxIterations);
        spec.put("train_images", 512);
        spec.put("test_images", 256);
        spec.put("rank_images", 128);
        spec.put("finetune_images", 256);
        return spec;
    }

    HttpResponse<String> start(String runId, String base, ObjectNode spec) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("run_id", runId);
        body.put("base_checkpoint", base);
        body.set("spec", spec);
        return http.send(request("/runs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode run(String runId) throws Exception {
        var response = http.send(request("/runs/" + runId).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }

    JsonNode await(String runId, Predicate<JsonNode> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = run(runId);
            if (condition.test(last)) {
                return last;
            }
            if ("FAILED".equals(last.path("status").asText()) && !condition.test(last)) {
                throw new AssertionError("run " + runId + " FAILED: " + last.path("failure_reason").asText());
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("run " + runId + " did not reach the expected state in " + timeout + "; last: " + last);
    }

    static boolean completed(JsonNode run) {
        return "COMPLETED".equals(run.path("status").asText());
    }
}
