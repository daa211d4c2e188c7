package dev.prune.loop;

import dev.prune.data.LabeledImages;
import dev.prune.graph.ConvDependencies;
import dev.prune.graph.PrunableConv;
import dev.prune.measure.AccuracyEvaluator;
import dev.prune.measure.ModelCost;
import dev.prune.measure.ModelMeter;
import dev.prune.net.ConvNet;
import dev.prune.rank.FeatureMapStatistics;
import dev.prune.rank.FilterRanker;
import dev.prune.rank.FilterRanking;
import dev.prune.rank.RankSource;
import dev.prune.runtime.Nd4jRuntime;
import dev.prune.surgery.FilterSelector;
import dev.prune.surgery.FilterSurgeon;
import dev.prune.surgery.PruningPlan;
import dev.prune.train.Trainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rank, cut, fine-tune, measure, repeated: the whole algorithm in one process (the benchmark's loop). */
public final class PruningLoop {
    private final LabeledImages train;
    private final LabeledImages test;
    private final LoopSettings settings;
    private final LoopListener listener;

    public PruningLoop(LabeledImages train, LabeledImages test, LoopSettings settings, LoopListener listener) {
        this.train = train;
        this.test = test;
        this.settings = settings;
        this.listener = listener;
    }

    public record Result(ConvNet finalModel, List<IterationResult> iterations) {
    }

    public Result run(ConvNet base) {
        ConvNet model = base;
        List<IterationResult> results = new ArrayList<>();
        LabeledImages rankData = train.shuffled(settings.fineTune().seed() + 7919).take(Math.min(settings.rankImages(), train.size()));
        Map<PrunableConv, FeatureMapStatistics> fromFineTuning = Map.of();
        for (int iteration = 1; iteration <= settings.iterations(); iteration++) {
            final int it = iteration;
            long t0 = System.nanoTime();
            FilterRanking ranking;
            RankSource source = fromFineTuning.isEmpty() ? RankSource.SAMPLE : RankSource.FINETUNE;
            if (source == RankSource.SAMPLE) {
                listener.stage(it, "rank", rankData.size() + " images");
                ranking = FilterRanker.rank(model, rankData.iterator(settings.rankBatchSize(), false, 0),
                        rankData.size(), settings.ranking(), seen -> { });
            } else {
                listener.stage(it, "rank", "from the fine-tuning's last steps");
                ranking = FilterRanker.rank(model, fromFineTuning, settings.ranking());
            }
            double rankSeconds = (System.nanoTime() - t0) / 1e9;

            listener.stage(it, "surgery", settings.filtersPerIteration() + " filters");
            PruningPlan plan = FilterSelector.lowest(ranking, settings.filtersPerIteration(), settings.widths());
            long t1 = System.nanoTime();
            ConvNet pruned = FilterSurgeon.prune(model, plan);
            double surgeryMillis = (System.nanoTime() - t1) / 1e6;

            listener.stage(it, "fine-tune", "");
            var tuned = Trainer.train(pruned, train, settings.fineTune().withSeedOffset(iteration), settings.fineTuneStatisticsImages(),
                    report -> listener.stage(it, "fine-tune", String.format("step %d, loss %.4f", report.steps(), report.finalLoss())));
            model = tuned.model();
            fromFineTuning = tuned.statistics();

            listener.stage(it, "evaluate", test.size() + " images");
            var quality = AccuracyEvaluator.evaluate(model, test, settings.measure().evalBatchSize());
            var cost = ModelCost.of(model);
            var result = new IterationResult(iteration, ModelMeter.filtersPerLayer(model), removedByName(model, plan),
                    quality.accuracy(), quality.loss(), cost.params(), cost.convFlops(),
                    source, rankSeconds, source == RankSource.SAMPLE ? rankData.size() / rankSeconds : 0, surgeryMillis,
                    tuned.report().seconds(), tuned.report().imagesPerSecond());
            results.add(result);
            listener.iterationDone(result);
            Nd4jRuntime.releaseGarbage();
        }
        return new Result(model, results);
    }

    private static Map<String, int[]> removedByName(ConvNet model, PruningPlan plan) {
        Map<String, int[]> removed = new LinkedHashMap<>();
        for (var conv : ConvDependencies.of(model)) {
            int[] filters = plan.removals().get(conv.layerIndex());
            if (filters != null) {
                removed.put(conv.name(), filters);
            }
        }
        return removed;
    }
}
