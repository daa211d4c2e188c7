package dev.prune.kafka;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;

/**
 * Main class of the broker JVM: runs {@code kafka.Kafka.main(args)} and, beside it, a watchdog
 * that shuts the broker down when its parent process dies.
 *
 * <p>{@link KafkaBroker} keeps the child's standard input open as a pipe and never writes to it.
 * When the parent JVM goes away for any reason (even SIGKILL, which runs no shutdown hook) the
 * pipe closes, {@code System.in.read()} returns -1 and this calls {@code System.exit(0)}, which
 * runs Kafka's own shutdown hook (a clean shutdown). So no broker is left orphaned, holding its
 * ports, its data-dir lock and half a gigabyte of memory.
 *
 * <p>Uses only the JDK: it runs on the broker's classpath, next to Kafka's own jars, and must
 * not load anything of the parent's (e.g. the client-side kafka-clients).
 */
public final class BrokerLauncher {

    /** Seconds the broker gets to shut down after its parent died before the JVM is halted. */
    static final long ORPHAN_SHUTDOWN_SECONDS = 30;

    private BrokerLauncher() {
    }

    public static void main(String[] args) throws Throwable {
        Thread watchdog = new Thread(BrokerLauncher::watchParent, "local-kafka-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchParent() {
        try {
            byte[] buffer = new byte[256];
            while (System.in.read(buffer) >= 0) {
                // the parent never writes; just wait for end-of-file
            }
        } catch (IOException e) {
            // treat a broken pipe like end-of-file
        }
        System.err.println("local-kafka: parent process is gone (stdin closed); shutting the broker down");
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
        System.exit(0);
    }
}
