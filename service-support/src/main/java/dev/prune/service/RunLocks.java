package dev.prune.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One event of a run at a time in this process, other runs in parallel. The worker pools take records out of order
 * (several runs at once), so a duplicate arriving while its original is still being processed would otherwise run the
 * same stage twice at once; with the lock it waits and then finds the original's stored output. Fair, so waiting
 * events of one run go in the order they arrived. Across replicas, Kafka gives each run's partition to one member and
 * the store's first-writer-wins commit settles the rare overlap during a rebalance.
 */
@ApplicationScoped
public class RunLocks {
    private final Map<String, Held> locks = new ConcurrentHashMap<>();

    private static final class Held {
        final ReentrantLock lock = new ReentrantLock(true);
        int users;
    }

    public <T> T oneAtATime(String runId, Supplier<T> work) {
        String key = runId == null ? "" : runId;
        Held held = locks.compute(key, (k, h) -> {
            Held current = h == null ? new Held() : h;
            current.users++;
            return current;
        });
        held.lock.lock();
        try {
            return work.get();
        } finally {
            held.lock.unlock();
            locks.computeIfPresent(key, (k, h) -> --h.users == 0 ? null : h);
        }
    }
}
