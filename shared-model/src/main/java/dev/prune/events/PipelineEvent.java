package dev.prune.events;

/** Common to every event: a schema version and the run it belongs to (also the Kafka key). */
public interface PipelineEvent {
    int CURRENT_VERSION = 1;

    int version();

    String runId();

    /** The run's settings, carried by every event. */
    RunSpec spec();

    /** Deterministic id: the same input always yields the same output id (idempotent stages). */
    String eventId();
}
