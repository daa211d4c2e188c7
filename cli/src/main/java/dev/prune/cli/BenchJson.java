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
        return m.toJson();
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
        json.put("rank_source", r.rankSource().key());
        json.put("rank_seconds", r.rankSeconds());
        json.put("rank_images_per_s", r.rankImagesPerSecond());
        json.put("surgery_ms", r.surgeryMillis());
        json.put("finetune_seconds", r.fineTuneSeconds());
        json.put("finetune_images_per_s", r.fineTuneImagesPerSecond());
        return json;
    }
}
