package dev.prune.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune.error.PruningException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The evaluator's REST API (the run ledger), as the CLI uses it; every request carries the {@link ApiCredentials}. */
final class RunsClient implements RunFollower.RunSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most characters of an answer that is not JSON quoted in an error message. */
    private static final int QUOTED_BODY_CHARS = 300;
    private final String baseUrl;
    private final ApiCredentials credentials;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RunsClient(String baseUrl, ApiCredentials credentials) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.credentials = credentials;
    }

    static String defaultUrl() {
        return System.getenv().getOrDefault("PRUNING_URL", "http://127.0.0.1:8080");
    }

    /** An answer of 400 or more from the evaluator: its status code and its {@code error} (or the body). */
    static final class EvaluatorException extends PruningException {
        private final int status;
        private final String evaluatorMessage;

        EvaluatorException(String message, int status, String evaluatorMessage) {
            super(message);
            this.status = status;
            this.evaluatorMessage = evaluatorMessage;
        }

        int status() {
            return status;
        }

        /** What the evaluator said (its {@code error} field, or the start of its answer). */
        String evaluatorMessage() {
            return evaluatorMessage;
        }
    }

    String baseUrl() {
        return baseUrl;
    }

    JsonNode runs() {
        return send(request("/runs").GET());
    }

    @Override
    public JsonNode run(String runId) {
        return send(request("/runs/" + segment(runId)).GET());
    }

    JsonNode start(JsonNode body) {
        return send(request("/runs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** DELETE /runs/{id}: the run, now CANCELLED; 404 (unknown run) and 409 (already ended) throw {@link EvaluatorException}. */
    JsonNode cancel(String runId) {
        return send(request("/runs/" + segment(runId)).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        return credentials.addTo(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Accept", "application/json"));
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = parse(response.body());
            int status = response.statusCode();
            if (status >= 400) {
                String message = body != null && body.hasNonNull("error") ? body.get("error").asText()
                        : quoted(response.body());
                if (status == 401 || status == 403) {
                    throw new EvaluatorException(credentials.refusal(baseUrl, status, message), status, message);
                }
                throw new EvaluatorException("the evaluator answered " + status + (message.isEmpty() ? "" : ": " + message),
                        status, message);
            }
            if (body == null) {
                throw new PruningException("the evaluator at " + baseUrl + " answered " + status + " with what is not JSON: "
                        + quoted(response.body()));
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

    /** The answer as JSON: an empty object for an empty answer, null for one that is not JSON. */
    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String quoted(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() <= QUOTED_BODY_CHARS ? text : text.substring(0, QUOTED_BODY_CHARS) + "...";
    }

    /** A run id as one path segment: unreserved characters as they are, everything else percent-encoded. */
    static String segment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
