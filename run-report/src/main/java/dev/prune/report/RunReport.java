package dev.prune.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A run's report, built from the evaluator's view of the run ({@code GET /runs/{id}}): report.json
 * (the run and its iterations, with bench.json's key names), a summary in Markdown and HTML with the
 * iteration table, and two charts: accuracy against conv FLOPs, and filters left per layer (the seed
 * article's own chart). The CLI writes these files to a folder; the evaluator serves them by name.
 */
public final class RunReport {
    /** Every file of a report, in the order a reader wants them. */
    public static final List<String> FILES = List.of("summary.html", "summary.md", "report.json",
            "accuracy-vs-flops.png", "filters-per-layer.png");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final JsonNode run;
    private final List<JsonNode> iterations = new ArrayList<>();

    public RunReport(JsonNode run) {
        this.run = run;
        run.path("iterations").forEach(iterations::add);
    }

    /** One file of the report (rendered on demand), or empty for a name not in {@link #FILES}. */
    public Optional<ReportFile> file(String name) {
        return Optional.ofNullable(switch (name) {
            case "report.json" -> new ReportFile(name, "application/json", jsonBytes());
            case "summary.md" -> new ReportFile(name, "text/markdown; charset=utf-8", summary().markdown().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            case "summary.html" -> new ReportFile(name, "text/html; charset=utf-8", summary().html().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            case "accuracy-vs-flops.png" -> new ReportFile(name, "image/png", ReportCharts.accuracyVsFlops(iterations));
            case "filters-per-layer.png" -> new ReportFile(name, "image/png", ReportCharts.filtersPerLayer(iterations));
            default -> null;
        });
    }

    /** Writes every file of the report into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : FILES) {
            Files.write(dir.resolve(name), file(name).orElseThrow().content());
        }
    }

    /** report.json: the run, its base, its result (the best iteration within budget) and every iteration. */
    public ObjectNode json() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("run_id", run.path("run_id").asText());
        json.put("status", run.path("status").asText());
        json.put("stop_reason", run.path("stop_reason").asText(null));
        json.put("failure_reason", run.path("failure_reason").asText(null));
        json.put("final_checkpoint", run.path("final_checkpoint").asText(null));
        json.put("best_iteration", run.path("best_iteration").asInt());
        json.set("spec", run.path("spec"));
        base().ifPresent(b -> json.set("base", b));
        result().ifPresent(r -> json.set("final", r));
        json.set("iterations", JSON.valueToTree(iterations));
        return json;
    }

    Optional<JsonNode> base() {
        return iterations.stream().filter(i -> i.path("iteration").asInt() == 0).findFirst();
    }

    /** The best iteration within the accuracy budget, or the last one while the run has no best yet. */
    Optional<JsonNode> result() {
        if (iterations.isEmpty()) {
            return Optional.empty();
        }
        int best = run.path("best_iteration").asInt(iterations.get(iterations.size() - 1).path("iteration").asInt());
        return Optional.of(iterations.stream().filter(i -> i.path("iteration").asInt() == best).findFirst()
                .orElse(iterations.get(iterations.size() - 1)));
    }

    private byte[] jsonBytes() {
        try {
            return JSON.writeValueAsBytes(json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ReportSummary summary() {
        return new ReportSummary(run, iterations, base(), result());
    }

    /** A file of the report: its name, media type and bytes. */
    public record ReportFile(String name, String mediaType, byte[] content) {
    }
}
