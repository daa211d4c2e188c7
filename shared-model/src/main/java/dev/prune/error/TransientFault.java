package dev.prune.error;

/**
 * Marks an exception caused by something briefly away (store, database, broker) rather than by bad input: the
 * services retry the event with backoff before they dead-letter it.
 */
public interface TransientFault {
}
