package dev.prune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's report: report.json (the run and its iterations, with bench.json's key names),
 * summary.md with the iteration table, and two charts: accuracy against conv FLOPs, and
 * filters left per layer (the seed article's own chart).
 */
final class RunReport {
    private final JsonNode run;

    RunReport(JsonNode run) {
        this.run = run;
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("report.json").toFile(), json());
        accuracyVsFlops(dir.resolve("accuracy-vs-flops.png"));
        filtersPerLayer(dir.resolve("filters-per-layer.png"));
        Files.writeString(dir.resolve("summary.md"), summary());
    }

    private Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run_id", run.path("run_id").asText());
        json.put("status", run.path("status").asText());
        json.put("stop_reason", run.path("stop_reason").asText(null));
        json.put("failure_reason", run.path("failure_reason").asText(null));
        json.put("final_checkpoint", run.path("final_checkpoint").asText(null));
        json.put("best_iteration", run.path("best_iteration").asInt());
        json.put("spec", run.path("spec"));
        List<JsonNode> iterations = iterations();
        if (!iterations.isEmpty()) {
            json.put("base", iterations.get(0));
            JsonNode best = iterations.stream().filter(i -> i.path("iteration").asInt() == run.path("best_iteration").asInt())
                    .findFirst().orElse(iterations.get(iterations.size() - 1));
            json.put("final", best);
        }
        json.put("iterations", iterations);
        return json;
    }

    private List<JsonNode> iterations() {
        List<JsonNode> list = new ArrayList<>();
        run.path("iterations").forEach(list::add);
        return list;
    }

    private void accuracyVsFlops(Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("Accuracy vs conv FLOPs")
                .xAxisTitle("conv FLOPs (millions of multiply-adds)").yAxisTitle("test accuracy").build();
        List<Double> flops = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>();
        for (JsonNode it : iterations()) {
            flops.add(it.path("conv_flops").asDouble() / 1e6);
            accuracy.add(it.path("accuracy").asDouble());
        }
        if (!flops.isEmpty()) {
            chart.addSeries("iterations (right = base)", flops, accuracy).setMarker(SeriesMarkers.CIRCLE);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private void filtersPerLayer(Path file) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(800).height(500).title("Filters left per layer")
                .xAxisTitle("conv layer").yAxisTitle("filters").build();
        List<JsonNode> iterations = iterations();
        if (!iterations.isEmpty()) {
            for (JsonNode it : List.of(iterations.get(0), iterations.get(iterations.size() - 1))) {
                List<String> layers = new ArrayList<>();
                List<Integer> filters = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> f = it.path("filters_per_layer").fields(); f.hasNext(); ) {
                    var entry = f.next();
                    layers.add(entry.getKey());
                    filters.add(entry.getValue().asInt());
                }
                chart.addSeries("iteration " + it.path("iteration").asInt(), layers, filters);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private String summary() {
        StringBuilder md = new StringBuilder();
        md.append("# Run ").append(run.path("run_id").asText()).append("\n\n");
        md.append("Status: **").append(run.path("status").asText()).append("** - ")
                .append(run.path(run.hasNonNull("failure_reason") ? "failure_reason" : "stop_reason").asText()).append("\n\n");
        md.append("Result: `").append(run.path("final_checkpoint").asText("-")).append("` (iteration ")
                .append(run.path("best_iteration").asInt()).append(")\n\n");
        md.append("| iter | filters per layer | accuracy | params | conv FLOPs | file bytes | b1 ms | b64 ms | rank s | surgery s | fine-tune s | decision |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode it : iterations()) {
            JsonNode s = it.path("stage_seconds");
            md.append(String.format("| %d | %s | %.4f | %,d | %,d | %,d | %.2f | %.1f | %.1f | %.2f | %.1f | %s |%n",
                    it.path("iteration").asInt(), it.path("filters_per_layer").toString().replace("|", "/"),
                    it.path("accuracy").asDouble(), it.path("params").asLong(), it.path("conv_flops").asLong(),
                    it.path("file_bytes").asLong(), it.path("latency_b1_ms").asDouble(), it.path("latency_b64_ms").asDouble(),
                    s.path("rank").asDouble(), s.path("surgery").asDouble(), s.path("finetune").asDouble(),
                    it.path("decision").asText()));
        }
        md.append("\n![accuracy vs conv FLOPs](accuracy-vs-flops.png)\n\n![filters per layer](filters-per-layer.png)\n");
        return md.toString();
    }
}
