package dev.prune.measure;

import java.util.Map;

/** Everything measured about one network: quality, size, cost and speed. Accuracy is a fraction 0..1. */
public record ModelMetrics(double accuracy, double loss, long params, long convFlops, long totalFlops, long fileBytes,
                           double latencyB1Ms, double latencyB64Ms, Map<String, Integer> filtersPerLayer) {
}
