package dev.prune.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode run() throws IOException {
        return JSON.readTree("""
                {"run_id": "r<1>", "status": "COMPLETED", "stop_reason": "target reached", "final_checkpoint": "runs/r/iter-002/finetuned/",
                 "best_iteration": 1, "spec": {"max_iterations": 2},
                 "iterations": [
                  {"iteration": 0, "accuracy": 0.90, "params": 400, "conv_flops": 1000, "file_bytes": 5000, "latency_b1_ms": 2.0,
                   "latency_b64_ms": 20.0, "filters_per_layer": {"conv1": 32, "conv2": 32}, "stage_seconds": {"evaluate": 1.5}, "decision": "CONTINUE"},
                  {"iteration": 1, "accuracy": 0.91, "params": 200, "conv_flops": 400, "file_bytes": 2600, "latency_b1_ms": 1.0,
                   "latency_b64_ms": 8.0, "filters_per_layer": {"conv1": 20, "conv2": 28},
                   "stage_seconds": {"rank": 3.25, "surgery": 0.05, "finetune": 40.0, "evaluate": 1.5}, "decision": "CONTINUE"},
                  {"iteration": 2, "accuracy": 0.80, "params": 150, "conv_flops": 300, "file_bytes": 2000, "latency_b1_ms": 0.9,
                   "latency_b64_ms": 7.0, "filters_per_layer": {"conv1": 12, "conv2": 20},
                   "stage_seconds": {"rank": 3.0, "surgery": 0.04, "finetune": 41.0, "evaluate": 1.4}, "decision": "STOP"}
                 ]}""");
    }

    private static String text(RunReport report, String name) {
        return new String(report.file(name).orElseThrow().content(), StandardCharsets.UTF_8);
    }

    @Test
    void summaryComparesTheBestIterationWithTheBaseAndListsEveryIteration() throws IOException {
        RunReport report = new RunReport(run());
        String md = text(report, "summary.md");
        assertTrue(md.contains("accuracy 0.9000 -> 0.9100 (+1.00 points)"), md);
        assertTrue(md.contains("conv FLOPs 1,000 -> 400 (2.50x fewer)"), md);
        assertTrue(md.contains("latency batch 1: 2.00 -> 1.00 ms (2.00x); batch 64: 20.0 -> 8.0 ms (2.50x)"), md);
        assertTrue(md.contains("| 1 | {\"conv1\":20,\"conv2\":28} | 0.9100 | 200 | 400 | 2,600 | 1.00 | 8.0 | 3.25 | 0.05 | 40.00 | 1.50 | CONTINUE |"), md);
        assertTrue(md.contains("| 0 | {\"conv1\":32,\"conv2\":32} | 0.9000 | 400 | 1,000 | 5,000 | 2.00 | 20.0 | - | - | - | 1.50 | CONTINUE |"), md);
        assertTrue(md.contains("](accuracy-vs-flops.png)") && md.contains("](filters-per-layer.png)"), md);

        String html = text(report, "summary.html");
        assertTrue(html.contains("<title>Run r&lt;1&gt;</title>"), "run id is escaped: " + html);
        assertEquals(4, html.split("<tr><td>").length, "one row per iteration");
        assertTrue(html.contains("<img src=\"accuracy-vs-flops.png\""), html);

        JsonNode json = JSON.readTree(report.file("report.json").orElseThrow().content());
        assertEquals(0, json.path("base").path("iteration").asInt());
        assertEquals(1, json.path("final").path("iteration").asInt(), "final is the best iteration within budget");
        assertEquals(3, json.path("iterations").size());
        assertEquals("report.json", report.file("report.json").orElseThrow().name());
    }

    @Test
    void chartsArePngImages() throws IOException {
        RunReport report = new RunReport(run());
        for (String name : new String[]{"accuracy-vs-flops.png", "filters-per-layer.png"}) {
            var file = report.file(name).orElseThrow();
            assertEquals("image/png", file.mediaType());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(file.content()));
            assertEquals(800, image.getWidth(), name);
            assertEquals(500, image.getHeight(), name);
        }
    }

    @Test
    void writesEveryFileAndRefusesUnknownNames(@TempDir Path dir) throws IOException {
        RunReport report = new RunReport(run());
        report.write(dir);
        for (String name : RunReport.FILES) {
            assertTrue(Files.size(dir.resolve(name)) > 100, name);
        }
        assertFalse(report.file("../etc/passwd").isPresent());
        assertFalse(report.file("bench.json").isPresent());
    }

    @Test
    void aRunThatFailedBeforeItsFirstMeasurementStillHasAReport(@TempDir Path dir) throws IOException {
        RunReport report = new RunReport(JSON.readTree(
                "{\"run_id\": \"f\", \"status\": \"FAILED\", \"failure_reason\": \"base checkpoint is corrupt\", \"iterations\": []}"));
        report.write(dir);
        assertTrue(Files.readString(dir.resolve("summary.md")).contains("**FAILED** - base checkpoint is corrupt"));
        assertTrue(ImageIO.read(dir.resolve("filters-per-layer.png").toFile()).getWidth() > 0);
    }
}
