package dev.prune.surgery;

import dev.prune.error.PruningException;
import dev.prune.rank.FilterRanking;
import dev.prune.rank.LayerRanks;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/** Picks the lowest-ranked filters of all layers together, never emptying a layer. */
public final class FilterSelector {
    /** Ordered as {@link FilterRanking#ascending()} orders filters: by score, then by layer. */
    private static final Comparator<Block> CHEAPEST_FIRST =
            Comparator.comparingDouble(Block::cost).thenComparingInt(block -> block.layer().layerIndex());

    private FilterSelector() {
    }

    /**
     * @param count          filters to remove in this cut
     * @param minPerLayer    filters every layer keeps at least (1 = never the last one)
     */
    public static PruningPlan lowest(FilterRanking ranking, int count, int minPerLayer) {
        return lowest(ranking, count, WidthRule.unrounded(minPerLayer));
    }

    /**
     * Removes the cheapest blocks of filters, where a layer's next block is the lowest-ranked filters
     * {@link WidthRule#nextBlock} allows and its cost the mean of their scores, until at least
     * {@code count} filters are gone. With round_to 1 every block is one filter and this is the plain
     * lowest-first order of {@link FilterRanking#ascending()}, ties included.
     *
     * @param count filters to remove in this cut; with round_to > 1 the last block may take a few more
     */
    public static PruningPlan lowest(FilterRanking ranking, int count, WidthRule rule) {
        if (count <= 0) {
            throw new PruningException("filters to remove must be positive, got " + count);
        }
        List<LayerQueue> layers = ranking.layers().stream().map(LayerQueue::new).toList();
        int removable = rule.removable(layers.stream().map(LayerQueue::width).toList());
        if (count > removable) {
            throw new TooManyFiltersException("cannot remove " + count + " filters: only " + removable + " can go while "
                    + rule.describe() + "; ask for fewer" + (rule.roundTo() > 1 ? " or a smaller round_to" : ""));
        }
        int taken = 0;
        while (taken < count) {
            Block cheapest = layers.stream().flatMap(layer -> layer.nextBlock(rule).stream()).min(CHEAPEST_FIRST).orElseThrow();
            taken += cheapest.layer().take(cheapest.size());
        }
        Map<Integer, int[]> removals = new HashMap<>();
        for (LayerQueue layer : layers) {
            if (layer.taken() > 0) {
                removals.put(layer.layerIndex(), layer.takenFilters());
            }
        }
        return new PruningPlan(removals);
    }

    /** The filters a layer gives next, taken together. */
    private record Block(LayerQueue layer, int size, double cost) {
    }

    /** One layer's filters, lowest score first (ties by filter), of which the first {@code taken} are chosen. */
    private static final class LayerQueue {
        private final int layerIndex;
        private final double[] scores;
        private final int[] order;
        private int taken;

        LayerQueue(LayerRanks ranks) {
            this.layerIndex = ranks.layerIndex();
            this.scores = ranks.scores();
            this.order = IntStream.range(0, scores.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(k -> scores[k]).thenComparingInt(k -> k))
                    .mapToInt(Integer::intValue).toArray();
        }

        int layerIndex() {
            return layerIndex;
        }

        int width() {
            return order.length - taken;
        }

        int taken() {
            return taken;
        }

        int[] takenFilters() {
            return Arrays.copyOf(order, taken);
        }

        /** The next block the rule allows, priced at the mean score of its filters; empty when the layer is at its floor. */
        Optional<Block> nextBlock(WidthRule rule) {
            int size = rule.nextBlock(width());
            if (size == 0) {
                return Optional.empty();
            }
            // summed from the first filter so that a one-filter block costs exactly that filter's score
            double sum = scores[order[taken]];
            for (int i = taken + 1; i < taken + size; i++) {
                sum += scores[order[i]];
            }
            return Optional.of(new Block(this, size, sum / size));
        }

        int take(int block) {
            taken += block;
            return block;
        }
    }
}
