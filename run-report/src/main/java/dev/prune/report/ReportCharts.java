package dev.prune.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The report's two charts as PNG bytes (XChart). */
final class ReportCharts {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private ReportCharts() {
    }

    static byte[] accuracyVsFlops(List<JsonNode> iterations) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Accuracy vs conv FLOPs")
                .xAxisTitle("conv FLOPs (millions of multiply-adds)").yAxisTitle("test accuracy").build();
        List<Double> flops = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>();
        for (JsonNode it : iterations) {
            flops.add(it.path("conv_flops").asDouble() / 1e6);
            accuracy.add(it.path("accuracy").asDouble());
        }
        if (!flops.isEmpty()) {
            chart.addSeries("iterations (right = base)", flops, accuracy).setMarker(SeriesMarkers.CIRCLE);
        }
        return png(chart);
    }

    /** Filters per conv layer of the base and of the last iteration. */
    static byte[] filtersPerLayer(List<JsonNode> iterations) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Filters left per layer")
                .xAxisTitle("conv layer").yAxisTitle("filters").build();
        List<JsonNode> shown = iterations.size() <= 1 ? iterations
                : List.of(iterations.get(0), iterations.get(iterations.size() - 1));
        for (JsonNode it : shown) {
            List<String> layers = new ArrayList<>();
            List<Integer> filters = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> f = it.path("filters_per_layer").fields(); f.hasNext(); ) {
                var entry = f.next();
                layers.add(entry.getKey());
                filters.add(entry.getValue().asInt());
            }
            if (!layers.isEmpty()) {
                chart.addSeries("iteration " + it.path("iteration").asInt(), layers, filters);
            }
        }
        if (chart.getSeriesMap().isEmpty()) { // XChart cannot draw a category chart without a series
            return png(new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Filters left per layer: nothing measured yet")
                    .xAxisTitle("conv layer").yAxisTitle("filters").build());
        }
        return png(chart);
    }

    private static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the chart " + chart.getTitle(), e);
        }
    }
}
