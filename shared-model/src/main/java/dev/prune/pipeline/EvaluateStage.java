package dev.prune.pipeline;

import dev.prune.events.Evaluated;
import dev.prune.events.PipelineEvent;
import dev.prune.events.RunSpec;
import dev.prune.measure.MeasureSettings;
import dev.prune.measure.ModelMeter;
import dev.prune.measure.ModelMetrics;
import dev.prune.net.ConvNet;
import dev.prune.policy.Decision;
import dev.prune.policy.IterationOutcome;
import dev.prune.policy.PruningDecider;

import java.util.List;
import java.util.Map;

/** Measures a checkpoint on held-out data and turns the run's history into the next decision. */
public final class EvaluateStage {
    private final CheckpointIO io;
    private final DataCatalog data;
    private final MeasureSettings settings;

    public EvaluateStage(CheckpointIO io, DataCatalog data, MeasureSettings settings) {
        this.io = io;
        this.data = data;
        this.settings = settings;
    }

    public ModelMetrics measure(String checkpoint, RunSpec spec) {
        ConvNet model = io.loadModel(checkpoint);
        return new ModelMeter(data.forRun(spec, model.input()).test(), settings).measure(model);
    }

    /** What the policy can still remove from a model with these filters. */
    public static int removableFilters(ModelMetrics metrics, RunSpec spec) {
        return spec.widthRule().removable(metrics.filtersPerLayer().values());
    }

    public static IterationOutcome outcome(int iteration, ModelMetrics metrics, RunSpec spec) {
        return new IterationOutcome(iteration, metrics.accuracy(), metrics.convFlops(), removableFilters(metrics, spec));
    }

    /**
     * @param history       outcomes of iterations 0..n, the current one last
     * @param checkpoints   checkpoint of each iteration, by iteration
     */
    public static Evaluated decide(String runId, RunSpec spec, List<IterationOutcome> history, Map<Integer, String> checkpoints,
                                   ModelMetrics current) {
        Decision decision = PruningDecider.decide(spec.policy(), history);
        int iteration = history.get(history.size() - 1).iteration();
        return new Evaluated(PipelineEvent.CURRENT_VERSION, runId, iteration, checkpoints.get(iteration),
                decision.action().name(), decision.reason(), decision.bestIteration(), checkpoints.get(decision.bestIteration()),
                current.toJson(), spec);
    }
}
