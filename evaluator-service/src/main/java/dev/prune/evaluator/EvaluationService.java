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

import dev.prune.evaluator.ledger.RunRecords;
import dev.prune.evaluator.ledger.RunStatus;
import dev.prune.events.BadEventException;
import dev.prune.events.EventCodec;
import dev.prune.pipeline.CheckpointIO;
import dev.prune.pipeline.StageInputCheck;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointStage;
import dev.prune.store.InvalidCheckpointKeyException;

import dev.prune.evaluator.ledger.IterationEntity;
import dev.prune.events.RunSpec;
import dev.prune.policy.IterationOutcome;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The evaluator service's work on its inputs (the engine's {@code EvaluateStage} measures and decides): measure a checkpoint, record it in the ledger, decide, publish evaluated.
 * A redelivered event is answered from the ledger without measuring again.
 */
@ApplicationScoped
public class EvaluationService {
    private static final Logger LOG = Logger.getLogger(EvaluationService.class);
    static final String STAGE = "evaluate";

    private final EvaluateStage stage;
    private final RunLedger ledger;
    private final RunRecords records;
    private final StageInputCheck check;
    private final EvaluatedPublisher publisher;
    private final StageMetrics metrics;

    public EvaluationService(EvaluateStage stage, RunLedger ledger, RunRecords records, CheckpointIO io, EvaluatedPublisher publisher,
                     StageMetrics metrics) {
        this.stage = stage;
        this.ledger = ledger;
        this.records = records;
        this.check = new StageInputCheck(io);
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /**
     * start-pruning: register the run and evaluate its base network as iteration 0. (The shared event handling runs
     * one event per run at a time, so a duplicate waits and then finds the first's answer in the ledger; across
     * replicas, the ledger's row lock keeps a single answer.)
     */
    public void start(StartPruning event) {
        CheckpointKey base = baseKey(event);
        Admission admission = ledger.registerStart(event.runId(), event.baseCheckpoint(), event.spec());
        if (answered(event, base, admission)) {
            return;
        }
        records.write(event.runId(), RunStatus.RUNNING, null);
        LOG.infof("run %s: measuring base checkpoint %s", event.runId(), event.baseCheckpoint());
        evaluate(event.runId(), 0, event.baseCheckpoint(), event, null, Map.of());
    }

    /** finetuned: evaluate the fine-tuned network of an iteration. */
    public void finetuned(Finetuned event) {
        CheckpointKey tuned = check.ownKey(event, "checkpoint", event.checkpoint(), event.iteration(), Set.of(CheckpointStage.FINETUNED));
        check.inRun(event, "parent_checkpoint", event.parentCheckpoint());
        Admission admission = ledger.admitIteration(event.runId(), event.iteration());
        if (answered(event, tuned, admission)) {
            return;
        }
        LOG.infof("run %s: measuring iteration %d, checkpoint %s", event.runId(), event.iteration(), event.checkpoint());
        evaluate(event.runId(), event.iteration(), event.checkpoint(), event, event.removed(),
                event.stageSeconds() == null ? Map.of() : event.stageSeconds());
    }

    private static CheckpointKey baseKey(StartPruning event) {
        try {
            return CheckpointKey.parse(event.baseCheckpoint());
        } catch (InvalidCheckpointKeyException e) {
            throw new BadEventException(event.runId(), "base_checkpoint of run " + event.runId() + ": " + e.getMessage(), e);
        }
    }

    /** A replay re-emits only once the input is verified, and re-writes the run's store record in case it was lost. */
    private boolean answered(PipelineEvent event, CheckpointKey input, Admission admission) {
        String runId = event.runId();
        if (admission instanceof Admission.Replay replay) {
            check.verified(event, input);
            var run = ledger.run(runId);
            run.ifPresent(records::sync);
            int iteration = EventCodec.decode(replay.evaluatedEvent(), Evaluated.class).iteration();
            if (run.isPresent() && (run.get().status == RunStatus.CANCELLED || run.get().status == RunStatus.FAILED)) {
                LOG.infof("run %s is %s: iteration %d is not published again", runId, run.get().status, iteration);
                return true;
            }
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

    /** CONTINUE or STOP for a measured iteration, from the run's history in the ledger (the policy: PruningDecider). */
    static Evaluated decide(Measurement m, List<IterationEntity> earlier) {
        RunSpec spec = m.spec();
        List<IterationOutcome> history = new ArrayList<>();
        Map<Integer, String> checkpoints = new HashMap<>();
        for (IterationEntity e : earlier) {
            history.add(new IterationOutcome(e.iteration, e.accuracy, e.convFlops,
                    spec.widthRule().removable(RunLedger.filtersPerLayer(e.filtersPerLayer).values())));
            checkpoints.put(e.iteration, e.checkpoint);
        }
        history.add(EvaluateStage.outcome(m.iteration(), m.metrics(), spec));
        checkpoints.put(m.iteration(), m.checkpoint());
        return EvaluateStage.decide(m.runId(), spec, history, checkpoints, m.metrics());
    }

    private void evaluate(String runId, int iteration, String checkpoint, PipelineEvent event,
                          Map<String, int[]> removed, Map<String, Double> stageSeconds) {
        long start = System.nanoTime();
        ModelMetrics measured = metrics.timeStage(STAGE, () -> stage.measure(checkpoint, event.spec()));
        Map<String, Double> seconds = new LinkedHashMap<>(stageSeconds);
        seconds.put(STAGE, (System.nanoTime() - start) / 1e9);

        Recorded recorded = ledger.record(new Measurement(runId, iteration, checkpoint, event.spec(), measured, removed, seconds),
                EvaluationService::decide);
        if (!recorded.replayed()) {
            metrics.runGauges(runId, iteration, measured.accuracy(), measured.params(), measured.convFlops(),
                    measured.filtersPerLayer());
            Evaluated verdict = recorded.event();
            LOG.infof("run %s: iteration %d accuracy %.4f, conv FLOPs %d -> %s (%s)", runId, iteration, measured.accuracy(),
                    measured.convFlops(), verdict.decision(), verdict.reason());
        }
        if (recorded.publish()) {
            if (Evaluated.STOP.equals(recorded.event() == null ? null
                    : recorded.event().decision())) {
                records.write(runId, RunStatus.COMPLETED, recorded.event().reason());
                metrics.removeRunGauges(runId);
            }
            publisher.publish(runId, recorded.evaluatedEvent());
        } else {
            LOG.warnf("run %s has FAILED meanwhile: iteration %d is recorded but not published", runId, iteration);
        }
    }
}
