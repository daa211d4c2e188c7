package dev.prune.pipeline;

import dev.prune.events.EventCodec;
import dev.prune.events.Evaluated;
import dev.prune.events.FiltersPruned;
import dev.prune.events.Finetuned;
import dev.prune.events.PipelineEvent;
import dev.prune.events.RanksComputed;
import dev.prune.events.RunSpec;
import dev.prune.measure.MeasureSettings;
import dev.prune.measure.ModelMetrics;
import dev.prune.policy.IterationOutcome;
import dev.prune.rank.FilterRanking;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointStage;
import dev.prune.train.Trainer;
import dev.prune.store.FolderCheckpointStore;
import dev.prune.events.BadEventException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

            FiltersPruned pruned = surgeon.handle(roundTrip(ranks, RanksComputed.class)).orElseThrow();
            assertEquals(8, pruned.removed().values().stream().mapToInt(f -> f.length).sum());
            assertEquals(pruned.removed().keySet(), surgeon.handle(ranks).orElseThrow().removed().keySet());
            Finetuned tuned = trainer.handle(roundTrip(pruned, FiltersPruned.class), r -> { }).orElseThrow();
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
        Finetuned tuned = new FineTuneStage(io, run.data).handle(surgeon.handle(first).orElseThrow(), r -> { }).orElseThrow();
        var tunedManifest = store.manifest(CheckpointKey.parse(tuned.checkpoint())).orElseThrow();
        FilterRanking fromFineTuning = new FineTuneRankings(io).of(tunedManifest).orElseThrow();
        var artifact = store.manifest(new CheckpointKey(run.id, 1, CheckpointKey.FINETUNE_RANKING_STAGE)).orElseThrow();
        assertEquals(tuned.checkpoint(), artifact.parent(), "an artifact of its own, of the fine-tuned model");
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
        FiltersPruned cut = surgeon.handle(second).orElseThrow();
        assertEquals(8, cut.removed().values().stream().mapToInt(f -> f.length).sum());
    }

    @Test
    void everyEventIsCheckedBeforeWorkOrReEmitAndARunThatEndedGetsNoOutput(@TempDir Path dir) {
        var run = new Run(dir, "run-checked", new RunSpec(8, 0.9, 0.5, 3, 1, 1, "taylor", 0, "fashion-mnist", 256, 128, 64,
                "sample", "adam", 1e-3, 64, 1, 128, 5));
        var ranker = new RankStage(run.io, run.data);
        var surgeon = new SurgeryStage(run.io);
        Evaluated verdict = run.start(false);
        RanksComputed ranks = ranker.handle(verdict, n -> { }).orElseThrow();

        // an unknown run: refused before anything is written under its prefix
        Evaluated stranger = new Evaluated(1, "run-unknown", 0, "runs/run-unknown/iter-000/base/", Evaluated.CONTINUE, "x", 0,
                "runs/run-unknown/iter-000/base/", Map.of(), run.spec);
        var unknown = assertThrows(BadEventException.class, () -> ranker.handle(stranger, n -> { }));
        assertTrue(unknown.getMessage().contains("not known"), unknown.getMessage());
        assertEquals(List.of(), run.store.list("run-unknown"));

        // keys outside the run, of another iteration, or climbing out with '..': dead-lettered, also on the re-emit path
        for (String bad : List.of("runs/other-run/iter-000/base/", "runs/run-checked/iter-002/ranked/",
                "runs/../iter-001/ranked/", "runs/run-checked/iter-001/pruned/")) {
            RanksComputed crafted = new RanksComputed(1, run.id, 1, ranks.modelCheckpoint(), bad, Map.of(), run.spec);
            assertThrows(BadEventException.class, () -> surgeon.handle(crafted), bad);
        }
        FiltersPruned pruned = surgeon.handle(ranks).orElseThrow();
        RanksComputed otherModel = new RanksComputed(1, run.id, 1, "runs/other-run/iter-000/base/", ranks.ranksCheckpoint(),
                Map.of(), run.spec);
        assertThrows(BadEventException.class, () -> surgeon.handle(otherModel), "re-emit checks the input too");

        // a missing input checkpoint is refused on the re-emit path as on the computing one
        Evaluated missing = new Evaluated(1, run.id, 1, "runs/run-checked/iter-001/finetuned/", Evaluated.CONTINUE, "x", 1,
                "runs/run-checked/iter-001/finetuned/", Map.of(), run.spec);
        // (bad input either way, never a transient fault: dead-lettered at once)
        var refused = assertThrows(dev.prune.error.PruningException.class, () -> ranker.handle(missing, n -> { }));
        assertFalse(refused instanceof dev.prune.error.TransientFault);
        assertTrue(refused.getMessage().contains("runs/run-checked/iter-001/finetuned/"), refused.getMessage());

        // a cancelled run: the stage drops the event and emits nothing, even where its output is stored
        run.store.putRunRecord(new dev.prune.store.RunRecord(run.id, dev.prune.store.RunState.CANCELLED, "user", "now"));
        assertTrue(surgeon.handle(ranks).isEmpty());
        assertTrue(new FineTuneStage(run.io, run.data).handle(pruned, r -> { }).isEmpty());
        assertTrue(run.store.manifest(new CheckpointKey(run.id, 1, "finetuned")).isEmpty(), "no work for a cancelled run");
    }

    @Test
    void aDuplicateThatLosesTheRaceTakesTheStoredOutputAsItsAnswer(@TempDir Path dir) {
        var run = new Run(dir, "run-race", new RunSpec(8, 0.9, 0.5, 3, 1, 1, "taylor", 0, "fashion-mnist", 256, 128, 64,
                "sample", "adam", 1e-3, 64, 1, 128, 5));
        Evaluated verdict = run.start(false);
        RanksComputed ranks = new RankStage(run.io, run.data).handle(verdict, n -> { }).orElseThrow();
        FiltersPruned pruned = new SurgeryStage(run.io).handle(ranks).orElseThrow();
        // the original finished first with a different result (training is not bit-reproducible)
        var key = new CheckpointKey(run.id, 1, "finetuned");
        var first = run.io.saveModel(key, run.io.loadModel(pruned.checkpoint()), pruned.checkpoint(), "original",
                Map.of("finetune_seconds", 1.0, "finetune_images_per_s", 1.0));
        var duplicate = run.io.saveModel(key, dev.prune.net.VggBuilder.build(dev.prune.net.VggSpec.vggSmall(false, 99)),
                pruned.checkpoint(), "duplicate", Map.of());
        assertEquals(first.sha256(), duplicate.sha256(), "first writer wins");
        assertEquals("original", run.store.manifest(key).orElseThrow().producer());
        Finetuned out = new FineTuneStage(run.io, run.data).handle(pruned, r -> { }).orElseThrow();
        assertEquals(key.prefix(), out.checkpoint());
    }

    /** A run's store, its base network (trained here, as a user brings one) and the evaluator's ledger of it. */
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
            // what the evaluator writes when it registers a run: stages work only for runs known and RUNNING
            store.putRunRecord(new dev.prune.store.RunRecord(id, dev.prune.store.RunState.RUNNING, null, "now"));
        }

        /** Trains the base network and returns the evaluator's verdict on it. */
        Evaluated start(boolean batchNorm) {
            var fresh = VggBuilder.build(VggSpec.named("vgg-small", batchNorm, spec.seed()));
            var trained = Trainer.train(fresh, data.forRun(spec, fresh.input()).train(),
                    spec.trainingSettings().withEpochs(1).withMaxImages(0), r -> { });
            var key = new CheckpointKey(id, 0, CheckpointStage.BASE);
            io.saveModel(key, trained.model(), null, "test", Map.of());
            return evaluate(0, key.prefix());
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
