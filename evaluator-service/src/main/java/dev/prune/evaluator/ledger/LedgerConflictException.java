package dev.prune.evaluator.ledger;

import dev.prune.error.PruningException;

/** The ledger cannot take an event in its current state (missing earlier iterations, a run id in use, ...). */
public class LedgerConflictException extends PruningException {
    public LedgerConflictException(String message) {
        super(message);
    }
}
