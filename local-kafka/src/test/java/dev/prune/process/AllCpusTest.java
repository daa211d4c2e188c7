package dev.prune.process;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AllCpusTest {
    private static final List<String> JAVA = List.of("java", "-version");

    @Test
    void narrowerMaskGetsTasksetOverTheOnlineCpus() {
        assertEquals(List.of("/usr/bin/taskset", "-c", "0-3", "java", "-version"),
                AllCpus.command(JAVA, Optional.of("0-3"), Optional.of("0"), Optional.of(Path.of("/usr/bin/taskset"))));
    }

    @Test
    void fullMaskMissingInformationOrMissingTasksetLeaveTheCommandAlone() {
        Optional<Path> taskset = Optional.of(Path.of("/usr/bin/taskset"));
        assertEquals(JAVA, AllCpus.command(JAVA, Optional.of("0-3"), Optional.of("0-3"), taskset));
        assertEquals(JAVA, AllCpus.command(JAVA, Optional.empty(), Optional.of("0"), taskset));
        assertEquals(JAVA, AllCpus.command(JAVA, Optional.of("0-3"), Optional.of("0"), Optional.empty()));
    }

    @Test
    void readsTheAllowedListFromAProcStatusText() {
        assertEquals(Optional.of("0-1"), AllCpus.allowedList("Name:\tjava\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n"));
        assertEquals(Optional.empty(), AllCpus.allowedList("Name:\tjava\n"));
    }

    /** A JVM confined to CPU 0 (as OpenMP confines a bound thread) starts a child that may use every CPU. */
    @Test
    void aChildOfAConfinedJvmRunsOnEveryOnlineCpu() throws Exception {
        Path online = Path.of("/sys/devices/system/cpu/online");
        assumeTrue(Files.isReadable(online) && Files.isExecutable(Path.of("/usr/bin/taskset")), "Linux with taskset only");
        String cpus = Files.readString(online).strip();
        assumeTrue(!cpus.equals("0"), "needs more than one CPU");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process confined = new ProcessBuilder("/usr/bin/taskset", "-c", "0", java, "-cp", System.getProperty("java.class.path"),
                ChildMask.class.getName()).redirectErrorStream(true).start();
        String out = new String(confined.getInputStream().readAllBytes()).strip();
        confined.waitFor(60, TimeUnit.SECONDS);
        assertEquals("parent 0, child " + cpus, out);
    }

    /** Prints its own CPU list and that of a child started through {@link AllCpus}. */
    public static final class ChildMask {
        public static void main(String[] args) throws Exception {
            String self = AllCpus.allowedList(Files.readString(Path.of("/proc/thread-self/status"))).orElseThrow();
            Process child = new ProcessBuilder(AllCpus.command(List.of("grep", "Cpus_allowed_list", "/proc/self/status"))).start();
            String childList = AllCpus.allowedList(new String(child.getInputStream().readAllBytes())).orElseThrow();
            System.out.print("parent " + self + ", child " + childList);
        }
    }
}
