package dev.prune.store;

/**
 * A run's state as every stage sees it in the store ({@code runs/{runId}/run.json}), written by the evaluator, which
 * keeps the authoritative ledger. Stages work only for RUNNING runs: they dead-letter events of unknown runs and
 * drop, without emitting, events of runs that have ended.
 */
public enum RunState {
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED;

    public boolean ended() {
        return this != RUNNING;
    }
}
