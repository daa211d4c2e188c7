package dev.prune.evaluator;

import dev.prune.evaluator.ledger.RunLedger;
import dev.prune.evaluator.ledger.RunLedger.Admission;
import dev.prune.evaluator.ledger.RunLedger.Measurement;
import dev.prune.evaluator.ledger.RunLedger.Recorded;
import dev.prune.evaluator.messaging.EvaluatedPublisher;
import dev.prune.events.Evaluated;
import dev.prune.events.Finetuned;
import dev.prune.events.PipelineEvent;
import dev.prune.events.StartPruning;
import dev.prune.measure.ModelMetrics;
import dev.prune.pipeline.EvaluateStage;
import dev.prune.service.StageMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The evaluator's one job: measure a checkpoint, record it in the ledger, decide, publish evaluated.
 * A redelivered event is answered from the ledger without measuring again.
 */
@ApplicationScoped
public class Evaluator {
    private static final Logger LOG = Logger.getLogger(Evaluator.class);
    static final String STAGE = "evaluate";

    private final EvaluateStage stage;
    private final RunLedger ledger;
    private final EvaluatedPublisher publisher;
    private final StageMetrics metrics;
    private final Map<String, Object> inFlight = new ConcurrentHashMap<>();

    public Evaluator(EvaluateStage stage, RunLedger ledger, EvaluatedPublisher publisher, StageMetrics metrics) {
        this.stage = stage;
        this.ledger = ledger;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** start-pruning: register the run and evaluate its base network as iteration 0. */
    public void start(StartPruning event) {
        oneAtATime(event.runId(), 0, () -> {
            Admission admission = ledger.registerStart(event.runId(), event.baseCheckpoint(), event.spec());
            if (answered(event.runId(), 0, admission)) {
                return;
            }
            LOG.infof("run %s: measuring base checkpoint %s", event.runId(), event.baseCheckpoint());
            evaluate(event.runId(), 0, event.baseCheckpoint(), event, null, Map.of());
        });
    }

    /** finetuned: evaluate the fine-tuned network of an iteration. */
    public void finetuned(Finetuned event) {
        oneAtATime(event.runId(), event.iteration(), () -> {
            Admission admission = ledger.admitIteration(event.runId(), event.iteration());
            if (answered(event.runId(), event.iteration(), admission)) {
                return;
            }
            LOG.infof("run %s: measuring iteration %d, checkpoint %s", event.runId(), event.iteration(), event.checkpoint());
            evaluate(event.runId(), event.iteration(), event.checkpoint(), event, event.removed(),
                    event.stageSeconds() == null ? Map.of() : event.stageSeconds());
        });
    }

    /**
     * Two deliveries of the same (run, iteration) being handled at once (records are processed out of order
     * on the worker pool) wait for each other, so the second finds the first's answer in the ledger instead of
     * measuring again. Across replicas, the ledger's row lock keeps a single answer.
     */
    private void oneAtATime(String runId, int iteration, Runnable work) {
        String key = runId + "/" + iteration;
        Object lock = inFlight.computeIfAbsent(key, k -> new Object());
        try {
            synchronized (lock) {
                work.run();
            }
        } finally {
            inFlight.remove(key, lock);
        }
    }

    private boolean answered(String runId, int iteration, Admission admission) {
        if (admission instanceof Admission.Replay replay) {
            LOG.infof("run %s: iteration %d is already in the ledger; publishing its evaluated event again", runId, iteration);
            publisher.publish(runId, replay.evaluatedEvent());
            return true;
        }
        if (admission instanceof Admission.Skip skip) {
            LOG.warnf("run %s: %s", runId, skip.reason());
            return true;
        }
        return false;
    }

    private void evaluate(String runId, int iteration, String checkpoint, PipelineEvent event,
                          Map<String, int[]> removed, Map<String, Double> stageSeconds) {
        long start = System.nanoTime();
        ModelMetrics measured = metrics.timeStage(STAGE, () -> stage.measure(checkpoint, event.spec()));
        Map<String, Double> seconds = new LinkedHashMap<>(stageSeconds);
        seconds.put(STAGE, (System.nanoTime() - start) / 1e9);

        Recorded recorded = ledger.record(new Measurement(runId, iteration, checkpoint, event.spec(), measured, removed, seconds));
        if (!recorded.replayed()) {
            metrics.runGauges(runId, iteration, measured.accuracy(), measured.params(), measured.convFlops(),
                    measured.filtersPerLayer());
            Evaluated verdict = recorded.event();
            LOG.infof("run %s: iteration %d accuracy %.4f, conv FLOPs %d -> %s (%s)", runId, iteration, measured.accuracy(),
                    measured.convFlops(), verdict.decision(), verdict.reason());
        }
        if (recorded.publish()) {
            publisher.publish(runId, recorded.evaluatedEvent());
        } else {
            LOG.warnf("run %s has FAILED meanwhile: iteration %d is recorded but not published", runId, iteration);
        }
    }
}
