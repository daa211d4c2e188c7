package dev.prune.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The human summary of a run: status, result against the base, the iteration table; as Markdown or HTML. */
final class ReportSummary {
    private static final List<String> COLUMNS = List.of("iter", "filters per layer", "accuracy", "params", "conv FLOPs",
            "file bytes", "b1 ms", "b64 ms", "rank s", "surgery s", "fine-tune s", "evaluate s", "decision");
    private static final List<String> CHARTS = List.of("accuracy-vs-flops.png", "filters-per-layer.png");

    private final JsonNode run;
    private final List<JsonNode> iterations;
    private final Optional<JsonNode> base;
    private final Optional<JsonNode> result;

    ReportSummary(JsonNode run, List<JsonNode> iterations, Optional<JsonNode> base, Optional<JsonNode> result) {
        this.run = run;
        this.iterations = iterations;
        this.base = base;
        this.result = result;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Run ").append(run.path("run_id").asText()).append("\n\n");
        md.append("Status: **").append(status()).append("** - ").append(reason()).append("\n\n");
        md.append("Result: `").append(run.path("final_checkpoint").asText("-")).append("` (iteration ")
                .append(run.path("best_iteration").asText("-")).append(")\n\n");
        for (String line : comparison()) {
            md.append("- ").append(line).append('\n');
        }
        md.append('\n').append(markdownRow(COLUMNS));
        md.append(markdownRow(COLUMNS.stream().map(c -> "---").toList()));
        rows().forEach(r -> md.append(markdownRow(r)));
        md.append('\n');
        for (String chart : CHARTS) {
            md.append("![").append(chart.replace(".png", "").replace('-', ' ')).append("](").append(chart).append(")\n\n");
        }
        return md.toString();
    }

    String html() {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Run ")
                .append(escape(run.path("run_id").asText())).append("</title><style>body{font-family:sans-serif;margin:2em}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
                        + "td:nth-child(2){text-align:left}</style></head><body>\n");
        h.append("<h1>Run ").append(escape(run.path("run_id").asText())).append("</h1>\n");
        h.append("<p>Status: <b>").append(escape(status())).append("</b> - ").append(escape(reason())).append("</p>\n");
        h.append("<p>Result: <code>").append(escape(run.path("final_checkpoint").asText("-"))).append("</code> (iteration ")
                .append(escape(run.path("best_iteration").asText("-"))).append(")</p>\n<ul>\n");
        for (String line : comparison()) {
            h.append("<li>").append(escape(line)).append("</li>\n");
        }
        h.append("</ul>\n<table>\n<tr>");
        COLUMNS.forEach(c -> h.append("<th>").append(escape(c)).append("</th>"));
        h.append("</tr>\n");
        for (List<String> row : rows()) {
            h.append("<tr>");
            row.forEach(c -> h.append("<td>").append(escape(c)).append("</td>"));
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        for (String chart : CHARTS) {
            h.append("<p><img src=\"").append(chart).append("\" alt=\"").append(chart).append("\"></p>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private String status() {
        return run.path("status").asText();
    }

    private String reason() {
        return run.path(run.hasNonNull("failure_reason") ? "failure_reason" : "stop_reason").asText("in progress");
    }

    /** The result against the base, in the terms a user decides on. */
    private List<String> comparison() {
        List<String> lines = new ArrayList<>();
        if (base.isEmpty() || result.isEmpty()) {
            return lines;
        }
        JsonNode b = base.get();
        JsonNode r = result.get();
        lines.add(String.format("accuracy %.4f -> %.4f (%+.2f points)", b.path("accuracy").asDouble(),
                r.path("accuracy").asDouble(), 100 * (r.path("accuracy").asDouble() - b.path("accuracy").asDouble())));
        lines.add(String.format("conv FLOPs %,d -> %,d (%.2fx fewer)", b.path("conv_flops").asLong(),
                r.path("conv_flops").asLong(), ratio(b, r, "conv_flops")));
        lines.add(String.format("params %,d -> %,d (%.2fx fewer); file %,d -> %,d bytes", b.path("params").asLong(),
                r.path("params").asLong(), ratio(b, r, "params"), b.path("file_bytes").asLong(), r.path("file_bytes").asLong()));
        lines.add(String.format("latency batch 1: %.2f -> %.2f ms (%.2fx); batch 64: %.1f -> %.1f ms (%.2fx)",
                b.path("latency_b1_ms").asDouble(), r.path("latency_b1_ms").asDouble(), ratio(b, r, "latency_b1_ms"),
                b.path("latency_b64_ms").asDouble(), r.path("latency_b64_ms").asDouble(), ratio(b, r, "latency_b64_ms")));
        return lines;
    }

    private static double ratio(JsonNode base, JsonNode result, String key) {
        double denominator = result.path(key).asDouble();
        return denominator == 0 ? Double.NaN : base.path(key).asDouble() / denominator;
    }

    private List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode it : iterations) {
            JsonNode s = it.path("stage_seconds");
            rows.add(List.of(it.path("iteration").asText(), it.path("filters_per_layer").toString(),
                    String.format("%.4f", it.path("accuracy").asDouble()), String.format("%,d", it.path("params").asLong()),
                    String.format("%,d", it.path("conv_flops").asLong()), String.format("%,d", it.path("file_bytes").asLong()),
                    String.format("%.2f", it.path("latency_b1_ms").asDouble()),
                    String.format("%.1f", it.path("latency_b64_ms").asDouble()), seconds(s, "rank"), seconds(s, "surgery"),
                    seconds(s, "finetune"), seconds(s, "evaluate"), it.path("decision").asText()));
        }
        return rows;
    }

    private static String seconds(JsonNode stageSeconds, String stage) {
        return stageSeconds.has(stage) ? String.format("%.2f", stageSeconds.path(stage).asDouble()) : "-";
    }

    private static String markdownRow(List<String> cells) {
        return "| " + String.join(" | ", cells.stream().map(c -> c.replace("|", "/")).toList()) + " |\n";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
