package dev.prune.evaluator.ledger;

import dev.prune.error.PruningException;

/** An event names a run the ledger has never registered. */
public class UnknownRunException extends PruningException {
    public UnknownRunException(String runId, String what) {
        super(what + " for run '" + runId + "', which the evaluator's ledger does not know: a run starts with a "
                + "start-pruning event (POST /runs); check the run id, or whether the ledger's database was reset");
    }
}
