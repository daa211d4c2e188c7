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
import dev.prune.store.CheckpointKey;
import dev.prune.store.FolderCheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stages chained by hand on real Fashion-MNIST (a small slice): what the services do over Kafka. */
class PipelineStagesTest {

    @Test
    void twoIterationsWithLineageAndNoRecomputation(@TempDir Path dir) {
        var store = new FolderCheckpointStore(dir.resolve("store"));
        var io = new CheckpointIO(store, dir.resolve("scratch"));
        var data = new DataCatalog(null);
        RunSpec spec = new RunSpec(8, 0.9, 0.5, 2, 1, "taylor", 0, "fashion-mnist", 512, 256, 128,
                "adam", 1e-3, 64, 1, 256, 3);
        String run = "run-stages";

        Trained trained = new TrainStage(io, data).handle(new TrainRequested(1, run, "vgg-small", false, 1, spec), r -> { });
        var evaluate = new EvaluateStage(io, data, MeasureSettings.quick());
        ModelMetrics base = evaluate.measure(trained.checkpoint(), spec);
        List<IterationOutcome> history = new ArrayList<>(List.of(EvaluateStage.outcome(0, base, spec)));
        Map<Integer, String> checkpoints = new HashMap<>(Map.of(0, trained.checkpoint()));
        Evaluated verdict = EvaluateStage.decide(run, spec, history, checkpoints, base);
        assertTrue(verdict.isContinue(), verdict.reason());

        var ranker = new RankStage(io, data);
        var surgeon = new SurgeryStage(io);
        var trainer = new FineTuneStage(io, data);
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

            ModelMetrics metrics = evaluate.measure(tuned.checkpoint(), spec);
            history.add(EvaluateStage.outcome(iteration, metrics, spec));
            checkpoints.put(iteration, tuned.checkpoint());
            verdict = EvaluateStage.decide(run, spec, history, checkpoints, metrics);
            assertEquals(192 - 8 * iteration, metrics.filtersPerLayer().values().stream().mapToInt(Integer::intValue).sum());
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

    private static <T extends PipelineEvent> T roundTrip(T event, Class<T> type) {
        return EventCodec.decode(EventCodec.encode(event), type);
    }
}
