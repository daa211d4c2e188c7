package dev.prune.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prune.measure.ProcessMemory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Resident memory of every process of a local run, taken when each iteration is recorded: shows
 * whether a long run grows from iteration to iteration, and each process's peak.
 */
final class MemoryLog {
    /** Fewer steady snapshots than this tell nothing about growth: one iteration's swing is tens of MB. */
    private static final int MIN_SNAPSHOTS_FOR_GROWTH = 6;

    private final Supplier<Map<String, Long>> processIds;
    private final List<Snapshot> snapshots = new ArrayList<>();
    private final Map<String, Double> peaks = new LinkedHashMap<>();

    MemoryLog(Supplier<Map<String, Long>> processIds) {
        this.processIds = processIds;
    }

    /** Every process's resident memory (MiB) after one iteration. */
    record Snapshot(@JsonProperty("iteration") int iteration, @JsonProperty("rss_mb") Map<String, Double> rssMb) {
    }

    /** memory.json: every snapshot, each process's peak (VmHWM) and its growth per iteration, all in MiB. */
    record Summary(@JsonProperty("snapshots") List<Snapshot> snapshots,
                   @JsonProperty("peak_rss_mb") Map<String, Double> peakRssMb,
                   @JsonProperty("growth_mb_per_iteration") Map<String, Double> growthMbPerIteration) {
    }

    /** Records every process's resident memory now; returns the one-line form. */
    String snapshot(int iteration) {
        Map<String, Double> rss = new LinkedHashMap<>();
        processIds.get().forEach((name, pid) -> ProcessMemory.of(pid).ifPresent(m -> {
            rss.put(name, round(m.residentMb()));
            peaks.merge(name, m.peakResidentMb(), Math::max);
        }));
        snapshots.add(new Snapshot(iteration, rss));
        StringBuilder line = new StringBuilder("  memory (RSS MB):");
        rss.forEach((name, mb) -> line.append(' ').append(name.replace("-service", "")).append(' ').append(mb));
        return line.toString();
    }

    Summary summary() {
        Map<String, Double> peak = new LinkedHashMap<>();
        peaks.forEach((name, mb) -> peak.put(name, round(mb)));
        return new Summary(List.copyOf(snapshots), peak, growthPerIteration());
    }

    /**
     * Growth of each process per iteration: the least-squares slope of its resident memory over the
     * snapshots from the second on (the first includes one-time warm-up: native libraries, JIT, first
     * workspaces). A slope, not last minus first, because the resident set swings by tens of MB as
     * the heap and glibc hand memory back. Empty for runs too short to tell.
     */
    private Map<String, Double> growthPerIteration() {
        Map<String, Double> growth = new LinkedHashMap<>();
        if (snapshots.size() < 1 + MIN_SNAPSHOTS_FOR_GROWTH) {
            return growth;
        }
        List<Snapshot> steady = snapshots.subList(1, snapshots.size());
        for (String name : steady.get(steady.size() - 1).rssMb().keySet()) {
            double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (Snapshot snapshot : steady) {
                Double mb = snapshot.rssMb().get(name);
                if (mb != null) {
                    double x = snapshot.iteration();
                    n++;
                    sx += x;
                    sy += mb;
                    sxx += x * x;
                    sxy += x * mb;
                }
            }
            double denominator = n * sxx - sx * sx;
            if (n >= 2 && denominator != 0) {
                growth.put(name, round((n * sxy - sx * sy) / denominator));
            }
        }
        return growth;
    }

    private static double round(double mb) {
        return Math.round(mb * 10) / 10.0;
    }
}
