package dev.prune.pipeline;

import dev.prune.events.EventCodec;
import dev.prune.events.Evaluated;
import dev.prune.events.FiltersPruned;
import dev.prune.events.Finetuned;
import dev.prune.events.PipelineEvent;
import dev.prune.events.RanksComputed;
import dev.prune.events.RunSpec;
import dev.prune.events.TrainRequested;
import dev.prune.events.Trained;
import dev.prune.measure.MeasureSettings;
import dev.prune.measure.ModelMetrics;
import dev.prune.policy.IterationOutcome;
import dev.prune.rank.FilterRanking;
import dev.prune.store.CheckpointKey;
import dev.prune.store.FolderCheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stages chained by hand on real Fashion-MNIST (a small slice): what the services do over Kafka. */
class PipelineStagesTest {

    @Test
    void twoIterationsWithLineageAndNoRecomputation(@TempDir Path dir) {
        var run = new Run(dir, "run-stages", new RunSpec(8, 0.9, 0.5, 2, 1, 1, "taylor", 0, "fashion-mnist", 512, 256, 128,
                "sample", "adam", 1e-3, 64, 1, 256, 3));
        var store = run.store;
        Evaluated verdict = run.start(false);
        assertTrue(verdict.isContinue(), verdict.reason());

        var ranker = new RankStage(run.io, run.data);
        var surgeon = new SurgeryStage(run.io);
        var trainer = new FineTuneStage(run.io, run.data);
        for (int iteration = 1; iteration <= 2; iteration++) {
            RanksComputed ranks = ranker.handle(roundTrip(verdict, Evaluated.class), n -> { }).orElseThrow();
            assertEquals(iteration, ranks.iteration());
            var firstManifest = store.manifest(CheckpointKey.parse(ranks.ranksCheckpoint())).orElseThrow();
            // a redelivered event yields the same output and computes nothing again
            RanksComputed again = ranker.handle(verdict, n -> { }).orElseThrow();
            assertEquals(ranks.ranksCheckpoint(), again.ranksCheckpoint());
            assertEquals(firstManifest.createdAt(), store.manifest(CheckpointKey.parse(again.ranksCheckpoint())).orElseThrow().createdAt());

            FiltersPruned pruned = surgeon.handle(roundTrip(ranks, RanksComputed.class));
            assertEquals(8, pruned.removed().values().stream().mapToInt(f -> f.length).sum());
            assertEquals(pruned.removed().keySet(), surgeon.handle(ranks).removed().keySet());
            Finetuned tuned = trainer.handle(roundTrip(pruned, FiltersPruned.class), r -> { });
            assertEquals(pruned.checkpoint(), tuned.parentCheckpoint());
            assertTrue(tuned.stageSeconds().keySet().containsAll(List.of("rank", "surgery", "finetune")));

            verdict = run.evaluate(iteration, tuned.checkpoint());
            assertEquals(192 - 8 * iteration, run.lastMetrics.filtersPerLayer().values().stream().mapToInt(Integer::intValue).sum());
        }
        assertEquals(Evaluated.STOP, verdict.decision());
        assertTrue(verdict.reason().contains("iteration cap"), verdict.reason());

        // lineage: finetuned(2) -> pruned(2) -> finetuned(1) -> pruned(1) -> base(0)
        var key = CheckpointKey.parse(verdict.checkpoint());
        List<String> chain = new ArrayList<>();
        while (key != null) {
            var manifest = store.manifest(key).orElseThrow();
            chain.add(manifest.iteration() + "/" + manifest.stage());
            key = manifest.parentKey().orElse(null);
        }
        assertEquals(List.of("2/finetuned", "2/pruned", "1/finetuned", "1/pruned", "0/base"), chain);
    }

    @Test
    void withRankSourceFinetuneTheNextIterationRanksFromTheFineTuningsOwnPasses(@TempDir Path dir) {
        var run = new Run(dir, "run-fused", new RunSpec(8, 0.9, 0.5, 2, 1, 1, "taylor", 0, "fashion-mnist", 512, 256, 100,
                "finetune", "adam", 1e-3, 64, 1, 256, 3));
        var store = run.store;
        var io = run.io;
        var ranker = new RankStage(io, run.data);
        var surgeon = new SurgeryStage(io);

        // iteration 1 follows no fine-tuning: the ranker samples its own images
        RanksComputed first = ranker.handle(run.start(true), n -> { }).orElseThrow();
        var firstRanks = store.manifest(CheckpointKey.parse(first.ranksCheckpoint())).orElseThrow();
        assertEquals("sample", firstRanks.extra().get("rank_source"));
        Finetuned tuned = new FineTuneStage(io, run.data).handle(surgeon.handle(first), r -> { });
        var tunedManifest = store.manifest(CheckpointKey.parse(tuned.checkpoint())).orElseThrow();
        FilterRanking fromFineTuning = FineTuneStage.rankingOf(tunedManifest).orElseThrow();
        assertEquals(128, fromFineTuning.examples(), "the last two batches of 64 hold the 100 images asked for");

        Evaluated verdict = run.evaluate(1, tuned.checkpoint());
        assertTrue(verdict.isContinue(), verdict.reason());

        // iteration 2: no ranking pass, the stored ranking of the fine-tuned checkpoint is used
        RanksComputed second = ranker.handle(roundTrip(verdict, Evaluated.class), n -> { }).orElseThrow();
        var secondRanks = store.manifest(CheckpointKey.parse(second.ranksCheckpoint())).orElseThrow();
        assertEquals("finetune", secondRanks.extra().get("rank_source"));
        assertEquals(tuned.checkpoint(), secondRanks.parentKey().orElseThrow().prefix());
        FilterRanking used = io.loadJson(second.ranksCheckpoint(), FilterRanking.class);
        assertArrayEquals(fromFineTuning.flattened(), used.flattened());
        assertEquals(run.lastMetrics.filtersPerLayer().values().stream().toList(),
                used.layers().stream().map(l -> l.scores().length).toList());
        FiltersPruned cut = surgeon.handle(second);
        assertEquals(8, cut.removed().values().stream().mapToInt(f -> f.length).sum());
    }

    /** A run's store, its base network (trained by the train stage) and the evaluator's ledger of it. */
    private static final class Run {
        final FolderCheckpointStore store;
        final CheckpointIO io;
        final DataCatalog data = new DataCatalog(null);
        final String id;
        final RunSpec spec;
        final EvaluateStage evaluator;
        final List<IterationOutcome> history = new ArrayList<>();
        final Map<Integer, String> checkpoints = new HashMap<>();
        ModelMetrics lastMetrics;

        Run(Path dir, String id, RunSpec spec) {
            this.store = new FolderCheckpointStore(dir.resolve("store"));
            this.io = new CheckpointIO(store, dir.resolve("scratch"));
            this.id = id;
            this.spec = spec;
            this.evaluator = new EvaluateStage(io, data, MeasureSettings.quick());
        }

        /** Trains the base network and returns the evaluator's verdict on it. */
        Evaluated start(boolean batchNorm) {
            Trained trained = new TrainStage(io, data).handle(new TrainRequested(1, id, "vgg-small", batchNorm, 1, spec), r -> { });
            return evaluate(0, trained.checkpoint());
        }

        Evaluated evaluate(int iteration, String checkpoint) {
            lastMetrics = evaluator.measure(checkpoint, spec);
            history.add(EvaluateStage.outcome(iteration, lastMetrics, spec));
            checkpoints.put(iteration, checkpoint);
            return EvaluateStage.decide(id, spec, history, checkpoints, lastMetrics);
        }
    }

    private static <T extends PipelineEvent> T roundTrip(T event, Class<T> type) {
        return EventCodec.decode(EventCodec.encode(event), type);
    }
}
