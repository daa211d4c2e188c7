package dev.prune.surgery;

import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import dev.prune.net.ModelFiles;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.rank.ZeroedFeatureMaps;
import dev.prune.testing.TinyNets;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pruned network computes what the unpruned one computes with the removed channels' feature
 * maps forced to zero, including through BatchNorm and conv -> flatten -> dense.
 */
class SurgeryEquivalenceTest {

    @ParameterizedTest(name = "batchNorm={0}")
    @ValueSource(booleans = {false, true})
    void prunedEqualsZeroedOnVggSmall(boolean batchNorm, @TempDir Path dir) {
        ConvNet model = VggBuilder.build(VggSpec.vggSmall(batchNorm, 11));
        if (batchNorm) {
            TinyNets.randomiseBatchNorm(model, 5);
        }
        PruningPlan plan = randomPlan(model, 0.4, 3);
        INDArray x = TinyNets.randomInput(model, 16, 9);

        ConvNet pruned = FilterSurgeon.prune(model, plan);
        INDArray expected = ZeroedFeatureMaps.output(model, plan.removals(), x);
        INDArray actual = pruned.network().output(x, false);
        assertEquals(0, maxAbsDiff(expected, actual), 1e-5);
        INDArray intact = model.network().output(x, false);
        assertTrue(maxAbsDiff(intact, actual) > 1e-4, "removing 40% of filters must change the outputs");

        Map<String, Integer> expectedFilters = new HashMap<>();
        for (PrunableConv conv : ConvDependencies.of(model)) {
            expectedFilters.put(conv.name(), conv.filters() - plan.removals().getOrDefault(conv.layerIndex(), new int[0]).length);
        }
        for (PrunableConv conv : ConvDependencies.of(pruned)) {
            assertEquals(expectedFilters.get(conv.name()), conv.filters());
        }
        assertTrue(pruned.numParams() < model.numParams());

        Path file = dir.resolve("pruned.zip");
        ModelFiles.save(pruned, file);
        ConvNet reloaded = ModelFiles.load(file);
        assertEquals(0, maxAbsDiff(actual, reloaded.network().output(x, false)), 0);
    }

    @org.junit.jupiter.api.Test
    void denseRowsAreChannelMajorNotChannelLast() {
        // negative control: the NHWC row order gives different outputs, so the test above can tell them apart
        ConvNet model = VggBuilder.build(VggSpec.vggSmall(false, 12));
        PruningPlan plan = new PruningPlan(Map.of(lastConv(model).layerIndex(), new int[]{1, 5, 9, 30}));
        ConvNet pruned = FilterSurgeon.prune(model, plan);
        INDArray x = TinyNets.randomInput(model, 8, 3);
        INDArray right = pruned.network().output(x, false);

        int dense = lastConv(model).consumer().layerIndex();
        int channels = 60, spatial = 49;
        INDArray w = pruned.network().getLayer(dense).getParam("W");
        INDArray channelLast = w.dup();
        for (int c = 0; c < channels; c++) {
            for (int s = 0; s < spatial; s++) {
                channelLast.putRow(s * channels + c, w.getRow(c * spatial + s));
            }
        }
        pruned.network().getLayer(dense).setParam("W", channelLast);
        assertTrue(maxAbsDiff(right, pruned.network().output(x, false)) > 1e-3);
    }

    @org.junit.jupiter.api.Test
    void refusesToEmptyALayerOrRemoveUnknownFilters() {
        ConvNet model = TinyNets.tiny(false, 1);
        int first = ConvDependencies.of(model).get(0).layerIndex();
        var all = new PruningPlan(Map.of(first, new int[]{0, 1, 2, 3}));
        var e = org.junit.jupiter.api.Assertions.assertThrows(TooManyFiltersException.class, () -> FilterSurgeon.prune(model, all));
        assertTrue(e.getMessage().contains("at least one filter"), e.getMessage());
        var outOfRange = new PruningPlan(Map.of(first, new int[]{7}));
        org.junit.jupiter.api.Assertions.assertThrows(TooManyFiltersException.class, () -> FilterSurgeon.prune(model, outOfRange));
        var notConv = new PruningPlan(Map.of(model.numLayers() - 1, new int[]{0}));
        org.junit.jupiter.api.Assertions.assertThrows(TooManyFiltersException.class, () -> FilterSurgeon.prune(model, notConv));
    }

    @org.junit.jupiter.api.Test
    void tinyNetworkWithBatchNormKeepsEquivalenceAcrossTwoCuts() {
        ConvNet model = TinyNets.tiny(true, 3);
        TinyNets.randomiseBatchNorm(model, 4);
        INDArray x = TinyNets.randomInput(model, 4, 2);
        PruningPlan firstCut = randomPlan(model, 0.3, 1);
        ConvNet once = FilterSurgeon.prune(model, firstCut);
        PruningPlan secondCut = randomPlan(once, 0.3, 2);
        ConvNet twice = FilterSurgeon.prune(once, secondCut);
        assertEquals(0, maxAbsDiff(ZeroedFeatureMaps.output(once, secondCut.removals(), x), twice.network().output(x, false)), 1e-5);
    }

    static PrunableConv lastConv(ConvNet model) {
        List<PrunableConv> convs = ConvDependencies.of(model);
        return convs.get(convs.size() - 1);
    }

    static PruningPlan randomPlan(ConvNet model, double fraction, long seed) {
        Random random = new Random(seed);
        Map<Integer, int[]> removals = new HashMap<>();
        for (PrunableConv conv : ConvDependencies.of(model)) {
            int count = Math.max(1, (int) (conv.filters() * fraction));
            removals.put(conv.layerIndex(), random.ints(0, conv.filters()).distinct().limit(count).toArray());
        }
        return new PruningPlan(removals);
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
