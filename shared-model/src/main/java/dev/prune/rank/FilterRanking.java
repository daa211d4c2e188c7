package dev.prune.rank;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scores of every filter of every conv layer under one criterion, comparable across layers.
 *
 * @param examples how many images the scores were computed on (0 for data-free criteria)
 */
public record FilterRanking(String criterion, long examples, List<LayerRanks> layers) {

    /** All filters of all layers, lowest score (first to prune) first; ties broken by layer then filter. */
    public List<RankedFilter> ascending() {
        List<RankedFilter> all = new ArrayList<>();
        for (LayerRanks layer : layers) {
            for (int k = 0; k < layer.scores().length; k++) {
                all.add(new RankedFilter(layer.layer(), layer.layerIndex(), k, layer.scores()[k]));
            }
        }
        all.sort(Comparator.comparingDouble(RankedFilter::score)
                .thenComparingInt(RankedFilter::layerIndex).thenComparingInt(RankedFilter::filter));
        return all;
    }

    /** The scores of all layers, concatenated in layer order. */
    public double[] flattened() {
        return layers.stream().flatMapToDouble(l -> java.util.Arrays.stream(l.scores())).toArray();
    }
}
