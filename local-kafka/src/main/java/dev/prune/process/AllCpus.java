package dev.prune.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Starts child processes on every CPU. A child inherits the CPU mask of the thread that starts it, and
 * once ND4J has run in a JVM with OMP_PROC_BIND=true, OpenMP has bound that thread to one core: a local
 * demo that had trained or loaded its base network then started the broker and all four services on
 * core 0 alone. {@link #command} puts {@code taskset -c <online CPUs>} in front of the command when
 * the calling thread's mask is narrower than the online CPUs (Linux; util-linux ships taskset).
 */
public final class AllCpus {
    private static final Logger LOG = Logger.getLogger(AllCpus.class.getName());
    private static final Path ONLINE = Path.of("/sys/devices/system/cpu/online");
    private static final Path THREAD_STATUS = Path.of("/proc/thread-self/status");
    private static final List<Path> TASKSET = List.of(Path.of("/usr/bin/taskset"), Path.of("/bin/taskset"));

    private AllCpus() {
    }

    /** The command to start so that the child may run on every online CPU (unchanged when it already would). */
    public static List<String> command(List<String> command) {
        return command(command, read(ONLINE).map(String::strip), read(THREAD_STATUS).flatMap(AllCpus::allowedList),
                TASKSET.stream().filter(Files::isExecutable).findFirst());
    }

    static List<String> command(List<String> command, Optional<String> online, Optional<String> allowed,
                                Optional<Path> taskset) {
        if (online.isEmpty() || allowed.isEmpty() || online.get().equals(allowed.get())) {
            return command;
        }
        if (taskset.isEmpty()) {
            LOG.warning("this thread may only use CPUs " + allowed.get() + " of " + online.get() + " and taskset is missing"
                    + " (install util-linux): " + command.get(0) + " will be confined to them too");
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of(taskset.get().toString(), "-c", online.get()));
        wrapped.addAll(command);
        return wrapped;
    }

    /** The value of Cpus_allowed_list in a /proc status text. */
    static Optional<String> allowedList(String status) {
        return status.lines().filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst();
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
