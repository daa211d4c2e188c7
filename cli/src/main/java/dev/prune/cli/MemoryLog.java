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
    /** Iterations per window whose lowest RSS is a trough. */
    static final int TROUGH_WINDOW = 5;

    private final Supplier<Map<String, Long>> processIds;
    private final List<Snapshot> snapshots = new ArrayList<>();
    private final Map<String, Double> peaks = new LinkedHashMap<>();

    MemoryLog(Supplier<Map<String, Long>> processIds) {
        this.processIds = processIds;
    }

    /** Every process's resident memory (MiB) after one iteration. */
    record Snapshot(@JsonProperty("iteration") int iteration, @JsonProperty("rss_mb") Map<String, Double> rssMb) {
    }

    /**
     * memory.json: every snapshot, each process's peak (VmHWM), its growth per iteration and the growth of its
     * troughs per iteration, all in MiB.
     */
    record Summary(@JsonProperty("snapshots") List<Snapshot> snapshots,
                   @JsonProperty("peak_rss_mb") Map<String, Double> peakRssMb,
                   @JsonProperty("growth_mb_per_iteration") Map<String, Double> growthMbPerIteration,
                   @JsonProperty("trough_growth_mb_per_iteration") Map<String, Double> troughGrowthMbPerIteration) {
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
        return new Summary(List.copyOf(snapshots), peak, growthPerIteration(snapshots), troughGrowthPerIteration(snapshots));
    }

    /**
     * Growth of each process per iteration: the least-squares slope of its resident memory over the
     * snapshots from the second on (the first includes one-time warm-up: native libraries, JIT, first
     * workspaces). A slope, not last minus first, because the resident set swings by tens of MB as
     * the heap and glibc hand memory back. Empty for runs too short to tell.
     */
    static Map<String, Double> growthPerIteration(List<Snapshot> snapshots) {
        if (snapshots.size() < 1 + MIN_SNAPSHOTS_FOR_GROWTH) {
            return new LinkedHashMap<>();
        }
        return slopes(snapshots.subList(1, snapshots.size()));
    }

    /**
     * Growth of each process's troughs per iteration: the slope through the lowest snapshot of every window of
     * {@value #TROUGH_WINDOW} iterations (from the second snapshot on). The resident set of a JVM swings by
     * 100 MB and more within a few iterations (the heap's pages touched for the first time, native memory
     * handed back every 10 s); a leak lifts the troughs, a swing does not. Empty below two full windows.
     */
    static Map<String, Double> troughGrowthPerIteration(List<Snapshot> snapshots) {
        List<Snapshot> steady = snapshots.size() > 1 ? snapshots.subList(1, snapshots.size()) : List.of();
        if (steady.size() < 2 * TROUGH_WINDOW) {
            return new LinkedHashMap<>();
        }
        Map<String, List<Snapshot>> troughs = new LinkedHashMap<>();
        for (String name : steady.get(steady.size() - 1).rssMb().keySet()) {
            List<Snapshot> lows = new ArrayList<>();
            for (int from = 0; from + TROUGH_WINDOW <= steady.size(); from += TROUGH_WINDOW) {
                steady.subList(from, from + TROUGH_WINDOW).stream().filter(s -> s.rssMb().containsKey(name))
                        .min(java.util.Comparator.comparingDouble(s -> s.rssMb().get(name)))
                        .ifPresent(low -> lows.add(new Snapshot(low.iteration(), Map.of(name, low.rssMb().get(name)))));
            }
            troughs.put(name, lows);
        }
        Map<String, Double> growth = new LinkedHashMap<>();
        troughs.forEach((name, lows) -> growth.putAll(slopes(lows)));
        return growth;
    }

    /** Least-squares slope of each process's resident memory over the iterations of these snapshots. */
    private static Map<String, Double> slopes(List<Snapshot> points) {
        Map<String, Double> growth = new LinkedHashMap<>();
        if (points.isEmpty()) {
            return growth; // a process seen only in the last, incomplete window
        }
        for (String name : points.get(points.size() - 1).rssMb().keySet()) {
            double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (Snapshot snapshot : points) {
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
