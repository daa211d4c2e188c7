package dev.prune.train;

import dev.prune.data.FashionMnist;
import dev.prune.data.LabeledImages;
import dev.prune.graph.ConvDependencies;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.rank.FeatureMapStatistics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer gathers statistics over the last whole batches that hold the images asked for. */
class TrainerStatisticsTest {
    private static LabeledImages images;

    @BeforeAll
    static void load() {
        images = new FashionMnist().train().subset(0, 300);
    }

    @Test
    void theLastBatchesHoldingTheAskedImagesAreObserved() {
        // 300 images in batches of 64: 64 64 64 64 44; 100 images need the last two batches (64 + 44)
        var trained = Trainer.train(VggBuilder.build(VggSpec.vggSmall(true, 1)), images,
                TrainingSettings.adam(1e-3, 64, 1, 5), 100, r -> { });
        assertEquals(5, trained.report().steps());
        assertEquals(ConvDependencies.of(trained.model()), java.util.List.copyOf(trained.statistics().keySet()));
        for (FeatureMapStatistics stats : trained.statistics().values()) {
            assertEquals(108, stats.examples());
            assertTrue(java.util.Arrays.stream(stats.taylor()).allMatch(v -> Double.isFinite(v) && v >= 0));
            assertTrue(java.util.Arrays.stream(stats.taylor()).sum() > 0);
        }
    }

    @Test
    void moreImagesThanTheTrainingSeesObserveAllOfThemAndNoneObservesNothing() {
        var settings = new TrainingSettings(Optimizer.ADAM, 1e-3, 64, 2, 128, 0, 5);
        var all = Trainer.train(VggBuilder.build(VggSpec.vggSmall(false, 1)), images, settings, 1000, r -> { });
        all.statistics().values().forEach(s -> assertEquals(256, s.examples()));
        var none = Trainer.train(VggBuilder.build(VggSpec.vggSmall(false, 1)), images, settings, r -> { });
        assertTrue(none.statistics().isEmpty());
        // the last batch of an epoch holds 300 - 4 * 64 = 44 images, fewer than the 50 asked for: one batch more
        var partial = Trainer.train(VggBuilder.build(VggSpec.vggSmall(false, 1)), images,
                TrainingSettings.adam(1e-3, 64, 1, 5), 50, r -> { });
        partial.statistics().values().forEach(s -> assertEquals(108, s.examples()));
    }
}
