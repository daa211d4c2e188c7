package dev.prune.pipeline;

import dev.prune.events.BadEventException;
import dev.prune.events.PipelineEvent;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointManifest;
import dev.prune.store.InvalidCheckpointKeyException;
import dev.prune.store.RunRecord;
import dev.prune.store.RunState;

import java.util.Set;

/**
 * What every stage checks of its input event before any work or any re-emit from a stored output: the run is known
 * and RUNNING (per its record in the store), every checkpoint the event names lies inside that run's own prefix at
 * the iteration and stage the pipeline puts it, and the input checkpoints are present with the right sha256.
 * A violation is bad input ({@link BadEventException}: dead-lettered, the run FAILED); a run that has ended is no
 * error: its events are dropped without output.
 */
public final class StageInputCheck {
    private final CheckpointIO io;

    public StageInputCheck(CheckpointIO io) {
        this.io = io;
    }

    /** True when the run is RUNNING; false when it has ended (the event is dropped); throws when it is unknown. */
    public boolean runIsLive(PipelineEvent event) {
        RunRecord record = io.store().runRecord(event.runId()).orElseThrow(() -> new BadEventException(event.runId(),
                "run " + event.runId() + " is not known to the store (" + io.store().describe() + "): no evaluator "
                        + "registered it, so no stage works for it; start runs with POST /runs or ./pruning start", null));
        return record.state() == RunState.RUNNING;
    }

    /**
     * The checkpoint an event field names, which must be the run's own, at {@code iteration}, with one of
     * {@code stages}.
     */
    public CheckpointKey ownKey(PipelineEvent event, String field, String value, int iteration, Set<String> stages) {
        CheckpointKey key = parse(event, field, value);
        if (!key.runId().equals(event.runId()) || key.iteration() != iteration || !stages.contains(key.stage())) {
            throw new BadEventException(event.runId(), field + " '" + key.prefix() + "' is not a checkpoint of this event: "
                    + "a " + event.getClass().getSimpleName() + " of run " + event.runId() + " at iteration " + iteration
                    + " names runs/" + event.runId() + "/iter-" + String.format("%03d", iteration) + "/" + String.join("|", stages)
                    + "/ there", null);
        }
        return key;
    }

    /** A checkpoint an event field names that must lie inside the event's own run, at any iteration and stage. */
    public CheckpointKey inRun(PipelineEvent event, String field, String value) {
        CheckpointKey key = parse(event, field, value);
        if (!key.runId().equals(event.runId())) {
            throw new BadEventException(event.runId(), field + " '" + key.prefix() + "' lies outside run " + event.runId()
                    + "; an event names only checkpoints under runs/" + event.runId() + "/", null);
        }
        return key;
    }

    private static CheckpointKey parse(PipelineEvent event, String field, String value) {
        try {
            return CheckpointKey.parse(value);
        } catch (InvalidCheckpointKeyException e) {
            throw new BadEventException(event.runId(), field + " of run " + event.runId() + ": " + e.getMessage(), e);
        }
    }

    /** The input checkpoint's manifest, once its payload was fetched and its sha256 verified. */
    public CheckpointManifest verified(PipelineEvent event, CheckpointKey key) {
        try {
            return io.verify(key);
        } catch (dev.prune.store.CheckpointNotFoundException | dev.prune.store.CheckpointCorruptException e) {
            throw new BadEventException(event.runId(), "input checkpoint of run " + event.runId() + ": " + e.getMessage(), e);
        }
    }
}
