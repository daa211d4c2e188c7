package dev.prune.evaluator.ledger;

import dev.prune.store.CheckpointStore;
import dev.prune.store.RunRecord;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * Mirrors the ledger's run states into the store ({@code runs/{id}/run.json}), where the other stages, which have
 * no database, check that a run is known and RUNNING before they work for it. Written after each ledger change;
 * a failed write is a transient fault that the caller's retry repeats.
 */
@ApplicationScoped
public class RunRecords {
    private final CheckpointStore store;

    public RunRecords(CheckpointStore store) {
        this.store = store;
    }

    public void write(String runId, RunStatus status, String reason) {
        store.putRunRecord(new RunRecord(runId, status.storeState(), reason, Instant.now().toString()));
    }

    /** Writes the state the ledger has for the run now (after a replay, in case the first write was lost). */
    public void sync(RunEntity run) {
        String reason = run.status == RunStatus.FAILED ? run.failureReason : run.stopReason;
        write(run.id, run.status, reason);
    }
}
