package dev.prune.measure;

import java.util.Map;

/** Everything measured about one network: quality, size, cost and speed. Accuracy is a fraction 0..1. */
public record ModelMetrics(double accuracy, double loss, long params, long convFlops, long totalFlops, long fileBytes,
                           double latencyB1Ms, double latencyB64Ms, Map<String, Integer> filtersPerLayer) {

    /** The metrics under the snake_case keys that bench.json, events and reports share. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("accuracy", accuracy);
        json.put("loss", loss);
        json.put("params", params);
        json.put("conv_flops", convFlops);
        json.put("total_flops", totalFlops);
        json.put("file_bytes", fileBytes);
        json.put("latency_b1_ms", latencyB1Ms);
        json.put("latency_b64_ms", latencyB64Ms);
        json.put("filters_per_layer", filtersPerLayer);
        return json;
    }
}
