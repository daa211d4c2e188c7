package dev.prune.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resident memory of a process as Linux reports it in /proc/PID/status: the current resident set
 * (VmRSS) and its peak over the life of the process (VmHWM), in MiB. The resident set is what
 * counts here: ND4J keeps its arrays outside the Java heap.
 */
public record ProcessMemory(double residentMb, double peakResidentMb) {

    /** This JVM's memory. */
    public static ProcessMemory self() {
        return of(ProcessHandle.current().pid()).orElse(new ProcessMemory(Double.NaN, Double.NaN));
    }

    /** The memory of process {@code pid}, or empty when it has ended or this is not Linux. */
    public static Optional<ProcessMemory> of(long pid) {
        try {
            double rss = Double.NaN;
            double hwm = Double.NaN;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kibibytes(line) / 1024.0;
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kibibytes(line) / 1024.0;
                }
            }
            return Double.isNaN(rss) ? Optional.empty() : Optional.of(new ProcessMemory(rss, hwm));
        } catch (IOException | NumberFormatException e) { // NoSuchFileException: the process has ended
            return Optional.empty();
        }
    }

    private static long kibibytes(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }
}
