package dev.prune.evaluator.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.prune.events.EventCodec;
import dev.prune.events.Evaluated;
import dev.prune.events.RunSpec;
import dev.prune.measure.ModelMetrics;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run ledger in PostgreSQL: every write is one transaction, and every write that depends on a
 * run's state first locks the run's row, so concurrent (redelivered) events of one run are serialised.
 */
@ApplicationScoped
public class RunLedger {

    /** What to do with an incoming event, decided before any expensive measurement. */
    public sealed interface Admission {
        /** Measure and record. */
        record Proceed() implements Admission {
        }

        /** Already recorded: publish this stored evaluated event again, measure nothing. */
        record Replay(String evaluatedEvent) implements Admission {
        }

        /** Nothing to do (e.g. the run has failed or is complete). */
        record Skip(String reason) implements Admission {
        }
    }

    /** The outcome of {@link #record}: the evaluated event (JSON) and whether to publish it. */
    public record Recorded(String evaluatedEvent, Evaluated event, boolean replayed, boolean publish) {
    }

    /** What one iteration measured, ready to be recorded. */
    public record Measurement(String runId, int iteration, String checkpoint, RunSpec spec, ModelMetrics metrics,
                              Map<String, int[]> removed, Map<String, Double> stageSeconds) {
    }

    private final EntityManager em;

    public RunLedger(EntityManager em) {
        this.em = em;
    }

    /** REST: a new run asked for; fails when the id is taken. */
    @Transactional
    public RunEntity createRequested(String runId, String baseCheckpoint, RunSpec spec) {
        if (!insertIfAbsent(runId, RunStatus.CREATED)) {
            throw new LedgerConflictException("run id '" + runId + "' is already in use; choose another or leave run_id out");
        }
        RunEntity run = lock(runId);
        run.baseCheckpoint = baseCheckpoint;
        run.spec = json(spec);
        return run;
    }

    /** REST: the start-pruning event for a just created run could not be published. */
    @Transactional
    public void forgetRequested(String runId) {
        RunEntity.delete("id = ?1 and status = ?2", runId, RunStatus.CREATED);
    }

    /**
     * start-pruning: registers the run (unknown or CREATED -> RUNNING; a FAILED run without iterations is
     * retried) unless its base iteration is already recorded, which is then replayed.
     */
    @Transactional
    public Admission registerStart(String runId, String baseCheckpoint, RunSpec spec) {
        insertIfAbsent(runId, RunStatus.RUNNING);
        RunEntity run = lock(runId);
        Optional<IterationEntity> base = iteration(runId, 0);
        if (base.isPresent()) {
            return new Admission.Replay(base.get().evaluatedEvent);
        }
        if (run.status == RunStatus.COMPLETED || run.status == RunStatus.CANCELLED) {
            return new Admission.Skip("run " + runId + " is " + run.status + "; its start-pruning event is not evaluated");
        }
        run.status = RunStatus.RUNNING;
        run.failureReason = null;
        run.failureTopic = null;
        run.baseCheckpoint = baseCheckpoint;
        run.spec = json(spec);
        run.updatedAt = Instant.now();
        return new Admission.Proceed();
    }

    /** finetuned: whether the iteration is new (measure it), known (replay) or not wanted. */
    @Transactional
    public Admission admitIteration(String runId, int iteration) {
        RunEntity run = RunEntity.findById(runId);
        if (run == null) {
            throw new UnknownRunException(runId, "finetuned event of iteration " + iteration);
        }
        Optional<IterationEntity> known = iteration(runId, iteration);
        if (known.isPresent()) {
            return new Admission.Replay(known.get().evaluatedEvent);
        }
        if (run.status == RunStatus.FAILED) {
            return new Admission.Skip("run " + runId + " has FAILED (" + run.failureReason + "); iteration " + iteration
                    + " is not evaluated");
        }
        if (run.status == RunStatus.COMPLETED || run.status == RunStatus.CANCELLED) {
            return new Admission.Skip("run " + runId + " is " + run.status + "; iteration " + iteration + " is not evaluated");
        }
        return new Admission.Proceed();
    }

    /** The evaluator's decision on a measured iteration, given the iterations the ledger holds before it. */
    @FunctionalInterface
    public interface Decision {
        Evaluated decide(Measurement measured, List<IterationEntity> earlier);
    }

    /**
     * Records a measured iteration with the evaluator's verdict on it and updates the run (STOP: COMPLETED with the
     * verdict's best checkpoint as its result). The verdict is asked for inside the transaction, with the run's row
     * locked, so it sees exactly the history it is recorded after. If the iteration was recorded meanwhile (a
     * concurrent redelivery), returns the stored event instead.
     */
    @Transactional
    public Recorded record(Measurement m, Decision decision) {
        RunEntity run = lock(m.runId());
        if (run == null) {
            throw new UnknownRunException(m.runId(), "iteration " + m.iteration());
        }
        Optional<IterationEntity> known = iteration(m.runId(), m.iteration());
        if (known.isPresent()) {
            return new Recorded(known.get().evaluatedEvent, null, true, true);
        }
        List<IterationEntity> earlier = IterationEntity.list("runId = ?1 and iteration < ?2", Sort.by("iteration"),
                m.runId(), m.iteration());
        for (int i = 0; i < earlier.size() || i < m.iteration(); i++) {
            if (i >= earlier.size() || earlier.get(i).iteration != i) {
                throw new LedgerConflictException("run " + m.runId() + " has iterations " + earlier.stream()
                        .map(e -> e.iteration).toList() + " in the ledger; iteration " + m.iteration()
                        + " needs iterations 0.." + (m.iteration() - 1) + " first");
            }
        }
        Evaluated verdict = decision.decide(m, earlier);
        String event = EventCodec.encode(verdict);

        Instant now = Instant.now();
        IterationEntity row = new IterationEntity();
        row.runId = m.runId();
        row.iteration = m.iteration();
        row.checkpoint = m.checkpoint();
        ModelMetrics metrics = m.metrics();
        row.filtersPerLayer = json(metrics.filtersPerLayer());
        row.removed = m.removed() == null ? null : json(m.removed());
        row.accuracy = metrics.accuracy();
        row.loss = metrics.loss();
        row.params = metrics.params();
        row.convFlops = metrics.convFlops();
        row.totalFlops = metrics.totalFlops();
        row.fileBytes = metrics.fileBytes();
        row.latencyB1Ms = metrics.latencyB1Ms();
        row.latencyB64Ms = metrics.latencyB64Ms();
        row.stageSeconds = json(m.stageSeconds());
        row.decision = verdict.decision();
        row.reason = verdict.reason();
        row.bestIteration = verdict.bestIteration();
        row.evaluatedEvent = event;
        row.createdAt = now;
        row.persist();

        boolean publish = !run.status.ended();
        if (publish) {
            run.bestIteration = verdict.bestIteration();
            if (Evaluated.STOP.equals(verdict.decision())) {
                run.status = RunStatus.COMPLETED;
                run.finalCheckpoint = verdict.bestCheckpoint();
                run.stopReason = verdict.reason();
            } else {
                run.status = RunStatus.RUNNING;
            }
        }
        run.updatedAt = now;
        return new Recorded(event, verdict, false, publish);
    }

    /**
     * Marks a RUNNING (or just CREATED) run FAILED. A run the ledger has never seen, or one that has ended, is left as
     * it is: a dead letter must not create runs or change finished ones.
     *
     * @param specJson the run's spec when the failed event carried one, else null
     * @return whether the run is FAILED by this dead letter (now, or by an earlier attempt to record it)
     */
    @Transactional
    public boolean markFailed(String runId, String reason, String topic, String specJson) {
        RunEntity run = lock(runId);
        if (run != null && run.status == RunStatus.FAILED && reason.equals(run.failureReason)) {
            return true; // recorded by an earlier attempt of this same dead letter
        }
        if (run == null || run.status.ended()) {
            return false;
        }
        run.status = RunStatus.FAILED;
        run.failureReason = reason;
        run.failureTopic = topic;
        if (run.spec == null && specJson != null) {
            run.spec = specJson;
        }
        run.updatedAt = Instant.now();
        return true;
    }

    /**
     * DELETE /runs/{id}: a CREATED or RUNNING run becomes CANCELLED; a CANCELLED one stays so (a repeated DELETE).
     *
     * @throws UnknownRunException     when the ledger has no such run
     * @throws LedgerConflictException when the run has already ended otherwise (COMPLETED, FAILED)
     */
    @Transactional
    public RunEntity cancel(String runId) {
        RunEntity run = lock(runId);
        if (run == null) {
            throw new UnknownRunException(runId, "cancel");
        }
        if (run.status == RunStatus.CANCELLED) {
            return run;
        }
        if (run.status.ended()) {
            throw new LedgerConflictException("run " + runId + " has already ended (" + run.status + "); only CREATED or "
                    + "RUNNING runs can be cancelled");
        }
        run.status = RunStatus.CANCELLED;
        run.stopReason = "cancelled by a user";
        run.updatedAt = Instant.now();
        return run;
    }

    @Transactional
    public List<RunEntity> runs(int limit) {
        return RunEntity.findAll(Sort.descending("createdAt").and("id")).page(0, limit).list();
    }

    @Transactional
    public Optional<RunEntity> run(String runId) {
        return RunEntity.findByIdOptional(runId);
    }

    @Transactional
    public List<IterationEntity> iterations(String runId) {
        return IterationEntity.list("runId", Sort.by("iteration"), runId);
    }

    @Transactional
    public Map<String, Long> iterationCounts(List<String> runIds) {
        Map<String, Long> counts = new HashMap<>();
        if (!runIds.isEmpty()) {
            List<Object[]> rows = em.createQuery("select i.runId, count(i) from IterationEntity i where i.runId in :ids "
                    + "group by i.runId", Object[].class).setParameter("ids", runIds).getResultList();
            for (Object[] row : rows) {
                counts.put((String) row[0], (Long) row[1]);
            }
        }
        return counts;
    }

    private Optional<IterationEntity> iteration(String runId, int iteration) {
        return IterationEntity.find("runId = ?1 and iteration = ?2", runId, iteration).firstResultOptional();
    }

    private RunEntity lock(String runId) {
        return em.find(RunEntity.class, runId, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Inserts a bare run row unless one exists (safe against concurrent inserts); true when inserted. */
    private boolean insertIfAbsent(String runId, RunStatus status) {
        Instant now = Instant.now();
        int inserted = em.createNativeQuery("insert into runs (id, status, created_at, updated_at) values (?1, ?2, ?3, ?3) "
                        + "on conflict (id) do nothing")
                .setParameter(1, runId).setParameter(2, status.name()).setParameter(3, now)
                .executeUpdate();
        return inserted == 1;
    }

    public static Map<String, Integer> filtersPerLayer(String json) {
        try {
            return EventCodec.json().readValue(json, new TypeReference<java.util.LinkedHashMap<String, Integer>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("filters_per_layer in the ledger is not a JSON object: " + json, e);
        }
    }

    static String json(Object value) {
        try {
            return EventCodec.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
