package dev.prune.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Retries work that failed on a transient fault ({@link TransientFaults}) with exponential backoff, bounded by
 * {@code pruning.retry.max-attempts} and {@code pruning.retry.max-duration}; then gives up with
 * {@link RetriesExhaustedException}, whose message says it was a fault that outlasted the budget. Bad input is not
 * retried. While it waits, {@link PipelineHealth} reports the service degraded.
 */
@ApplicationScoped
public class FaultRetry {
    private static final Logger LOG = Logger.getLogger(FaultRetry.class);

    @ConfigProperty(name = "pruning.retry.max-attempts", defaultValue = "10")
    int maxAttempts;
    @ConfigProperty(name = "pruning.retry.initial-backoff", defaultValue = "PT1S")
    Duration initialBackoff;
    @ConfigProperty(name = "pruning.retry.max-backoff", defaultValue = "PT30S")
    Duration maxBackoff;
    @ConfigProperty(name = "pruning.retry.max-duration", defaultValue = "PT3M")
    Duration maxDuration;
    @Inject
    @org.eclipse.microprofile.health.Readiness
    PipelineHealth health;

    /** Thrown when a transient fault outlasted the retry budget. */
    public static final class RetriesExhaustedException extends RuntimeException {
        RetriesExhaustedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public <T> T withRetries(String what, Supplier<T> work) {
        return withRetries(what, work, maxAttempts, maxDuration);
    }

    public <T> T withRetries(String what, Supplier<T> work, int attempts, Duration budget) {
        try {
            return retrying(what, work, attempts, budget);
        } finally {
            health.doneRetrying(what);
        }
    }

    private <T> T retrying(String what, Supplier<T> work, int attempts, Duration budget) {
        long start = System.nanoTime();
        Duration backoff = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                T result = work.get();
                if (attempt > 1) {
                    LOG.infof("%s succeeded on attempt %d", what, attempt);
                }
                return result;
            } catch (RuntimeException e) {
                if (!TransientFaults.isTransient(e)) {
                    throw e;
                }
                Duration spent = Duration.ofNanos(System.nanoTime() - start);
                if (attempt >= attempts || spent.plus(backoff).compareTo(budget) > 0) {
                    throw new RetriesExhaustedException("transient fault outlasted the retry budget (" + attempt
                            + " attempts over " + spent.toSeconds() + " s; pruning.retry.max-attempts=" + attempts
                            + ", max-duration=" + budget + ") while " + what + ": " + e.getMessage(), e);
                }
                LOG.warnf("%s failed on a transient fault (attempt %d of %d), retrying in %d ms: %s", what, attempt, attempts,
                        backoff.toMillis(), e.getMessage());
                health.retrying(what, e);
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }
}
