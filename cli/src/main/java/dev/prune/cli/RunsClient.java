package dev.prune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune.error.PruningException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The evaluator's REST API (the run ledger), as the CLI uses it. */
final class RunsClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RunsClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    static String defaultUrl() {
        return System.getenv().getOrDefault("PRUNING_URL", "http://127.0.0.1:8080");
    }

    JsonNode runs() {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/runs")).GET());
    }

    JsonNode run(String runId) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/runs/" + runId)).GET());
    }

    JsonNode start(JsonNode body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                String message = body.hasNonNull("error") ? body.get("error").asText() : response.body();
                throw new PruningException("the evaluator answered " + response.statusCode() + ": " + message);
            }
            return body;
        } catch (ConnectException e) {
            throw new PruningException("cannot reach the evaluator at " + baseUrl + ": is it running? "
                    + "Start the pipeline (./pruning demo) or give --url / PRUNING_URL", e);
        } catch (IOException e) {
            throw new PruningException("talking to the evaluator at " + baseUrl + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PruningException("interrupted", e);
        }
    }
}
