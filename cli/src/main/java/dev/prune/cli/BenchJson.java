package dev.prune.cli;

import dev.prune.loop.IterationResult;
import dev.prune.measure.ModelMetrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** The bench.json key names, which other tools read. */
final class BenchJson {
    private BenchJson() {
    }

    static Map<String, Object> metrics(ModelMetrics m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("accuracy", m.accuracy());
        json.put("loss", m.loss());
        json.put("params", m.params());
        json.put("conv_flops", m.convFlops());
        json.put("total_flops", m.totalFlops());
        json.put("file_bytes", m.fileBytes());
        json.put("latency_b1_ms", m.latencyB1Ms());
        json.put("latency_b64_ms", m.latencyB64Ms());
        json.put("filters_per_layer", m.filtersPerLayer());
        return json;
    }

    static Map<String, Object> iteration(IterationResult r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("iteration", r.iteration());
        json.put("filters_per_layer", r.filtersPerLayer());
        json.put("removed", r.removed());
        json.put("accuracy", r.accuracy());
        json.put("loss", r.loss());
        json.put("params", r.params());
        json.put("conv_flops", r.convFlops());
        json.put("rank_seconds", r.rankSeconds());
        json.put("rank_images_per_s", r.rankImagesPerSecond());
        json.put("surgery_ms", r.surgeryMillis());
        json.put("finetune_seconds", r.fineTuneSeconds());
        json.put("finetune_images_per_s", r.fineTuneImagesPerSecond());
        return json;
    }
}
