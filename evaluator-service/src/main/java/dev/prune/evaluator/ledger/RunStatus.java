package dev.prune.evaluator.ledger;

/** Where a run stands in the ledger. */
public enum RunStatus {
    /** Asked for over REST; the start-pruning event is on its way. */
    CREATED,
    /** Registered by the evaluator; iterations are being produced. */
    RUNNING,
    /** Stopped by the policy; {@code final_checkpoint} is the result. */
    COMPLETED,
    /** An event of the run could not be processed (see {@code failure_reason}). */
    FAILED,
    /** Cancelled by a user (DELETE /runs/{id}); stages drop its events. */
    CANCELLED;

    public boolean ended() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** The state every stage reads from the store; CREATED runs have no record there yet. */
    public dev.prune.store.RunState storeState() {
        return switch (this) {
            case CREATED, RUNNING -> dev.prune.store.RunState.RUNNING;
            case COMPLETED -> dev.prune.store.RunState.COMPLETED;
            case FAILED -> dev.prune.store.RunState.FAILED;
            case CANCELLED -> dev.prune.store.RunState.CANCELLED;
        };
    }
}
