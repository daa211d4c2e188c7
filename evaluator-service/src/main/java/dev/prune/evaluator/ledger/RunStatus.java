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
    FAILED
}
