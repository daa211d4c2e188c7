package dev.prune.kafka;

import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.Optional;

/**
 * Main class of the broker JVM: runs {@code kafka.Kafka.main(args)} and, when it was started by a parent
 * JVM, beside it a watchdog that shuts the broker down when that parent process ends.
 *
 * <p>The parent is named by its process id in the system property {@value #PARENT_PID_PROPERTY} (and,
 * optionally, its start time in epoch milliseconds in {@value #PARENT_START_PROPERTY}, so that a reused
 * pid is not taken for the parent). {@link KafkaBroker} sets both. The watchdog waits on
 * {@code ProcessHandle.of(pid).onExit()}: when the parent goes away for any reason (even SIGKILL, which
 * runs no shutdown hook of its own) this calls {@code System.exit(0)}, which runs Kafka's own shutdown hook
 * (a clean shutdown). So no broker is left orphaned, holding its ports, its data-dir lock and half a
 * gigabyte of memory. For a process that is not its parent any more (the parent died and the broker was
 * re-parented) the JDK polls every few seconds, so the broker stops within about 5 s of its parent.
 *
 * <p>Without {@value #PARENT_PID_PROPERTY} (a supervisor such as systemd or a shell script restarting
 * the broker by its command line) there is no watchdog: the broker runs until it is signalled (SIGTERM or
 * Ctrl-C: Kafka's clean shutdown). Standard input is never read, so the broker does not care whether it
 * is open, closed or {@code /dev/null}.
 *
 * <p>Uses only the JDK: it runs on the broker's classpath, next to Kafka's own jars, and must
 * not load anything of the parent's (e.g. the client-side kafka-clients).
 */
public final class BrokerLauncher {

    /** System property: process id of the parent whose end stops the broker. */
    public static final String PARENT_PID_PROPERTY = "pruning.kafka.parent-pid";
    /** System property: the parent's start time (epoch milliseconds), to tell it from a process reusing its pid. */
    public static final String PARENT_START_PROPERTY = "pruning.kafka.parent-start-ms";

    /** Seconds the broker gets to shut down after its parent died before the JVM is halted. */
    static final long ORPHAN_SHUTDOWN_SECONDS = 30;

    private BrokerLauncher() {
    }

    public static void main(String[] args) throws Throwable {
        Optional<Long> parentPid = parentPid();
        if (parentPid.isPresent()) {
            watchParent(parentPid.get(), parentStart());
        }
        try {
            Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The JVM options that make a broker stop with the current process. */
    static java.util.List<String> parentOptions() {
        ProcessHandle self = ProcessHandle.current();
        java.util.List<String> options = new java.util.ArrayList<>();
        options.add("-D" + PARENT_PID_PROPERTY + "=" + self.pid());
        self.info().startInstant().ifPresent(start -> options.add("-D" + PARENT_START_PROPERTY + "=" + start.toEpochMilli()));
        return options;
    }

    private static Optional<Long> parentPid() {
        String value = System.getProperty(PARENT_PID_PROPERTY);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PARENT_PID_PROPERTY + " is not a process id: " + value, e);
        }
    }

    private static Optional<Instant> parentStart() {
        String value = System.getProperty(PARENT_START_PROPERTY);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(value.strip())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PARENT_START_PROPERTY + " is not a time in epoch milliseconds: " + value, e);
        }
    }

    private static void watchParent(long pid, Optional<Instant> expectedStart) {
        Optional<ProcessHandle> parent = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> sameStart(p, expectedStart));
        if (parent.isEmpty()) {
            System.err.println("local-kafka: parent process " + pid + " is gone already; not starting the broker");
            Runtime.getRuntime().halt(1);
            return;
        }
        System.err.println("local-kafka: the broker stops when its parent process " + pid + " ends");
        parent.get().onExit().thenRun(() -> {
            System.err.println("local-kafka: parent process " + pid + " is gone; shutting the broker down");
            Thread halter = new Thread(() -> {
                try {
                    Thread.sleep(ORPHAN_SHUTDOWN_SECONDS * 1000);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                System.err.println("local-kafka: broker did not stop within " + ORPHAN_SHUTDOWN_SECONDS + " s; halting");
                Runtime.getRuntime().halt(1);
            }, "local-kafka-halter");
            halter.setDaemon(true);
            halter.start();
            // System.exit blocks until the shutdown hooks have run: not on the JDK's process-reaper thread
            Thread exit = new Thread(() -> System.exit(0), "local-kafka-parent-gone");
            exit.setDaemon(true);
            exit.start();
        });
    }

    /** True unless both start times are known and differ by more than a second (a reused pid). */
    private static boolean sameStart(ProcessHandle process, Optional<Instant> expected) {
        if (expected.isEmpty()) {
            return true;
        }
        Optional<Instant> actual = process.info().startInstant();
        return actual.isEmpty() || Math.abs(actual.get().toEpochMilli() - expected.get().toEpochMilli()) <= 1000;
    }
}
