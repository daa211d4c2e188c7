package dev.prune.cli;

import dev.prune.loop.IterationResult;
import dev.prune.measure.ModelMetrics;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** The human-readable summary of a benchmark. */
final class BenchTable {
    private BenchTable() {
    }

    static void print(PrintStream out, ModelMetrics base, ModelMetrics last, List<IterationResult> iterations,
                      Map<String, Object> spearman) {
        out.println();
        out.printf("%-5s %-22s %8s %10s %12s %9s %11s %9s %11s%n", "iter", "filters per layer", "accuracy", "params",
                "conv FLOPs", "rank s", "rank img/s", "tune s", "tune img/s");
        out.printf("%-5s %-22s %8.4f %,10d %,12d%n", "base", base.filtersPerLayer().values(), base.accuracy(), base.params(), base.convFlops());
        for (IterationResult r : iterations) {
            out.printf("%-5d %-22s %8.4f %,10d %,12d %9.1f %11.0f %9.1f %11.0f%n", r.iteration(), r.filtersPerLayer().values(),
                    r.accuracy(), r.params(), r.convFlops(), r.rankSeconds(), r.rankImagesPerSecond(), r.fineTuneSeconds(),
                    r.fineTuneImagesPerSecond());
        }
        out.println();
        out.printf("%-14s %10s %10s %8s%n", "", "base", "final", "ratio");
        row(out, "accuracy", base.accuracy(), last.accuracy(), "%10.4f");
        row(out, "params", base.params(), last.params(), "%,10.0f");
        row(out, "conv FLOPs", base.convFlops(), last.convFlops(), "%,10.0f");
        row(out, "file bytes", base.fileBytes(), last.fileBytes(), "%,10.0f");
        row(out, "latency b1 ms", base.latencyB1Ms(), last.latencyB1Ms(), "%10.3f");
        row(out, "latency b64 ms", base.latencyB64Ms(), last.latencyB64Ms(), "%10.3f");
        double flopsRatio = (double) base.convFlops() / last.convFlops();
        double speedup = base.latencyB1Ms() / last.latencyB1Ms();
        out.printf("conv FLOPs reduction %.2fx, measured batch-1 speedup %.2fx (%.2f of the FLOPs ratio), batch-64 speedup %.2fx%n",
                flopsRatio, speedup, speedup / flopsRatio, base.latencyB64Ms() / last.latencyB64Ms());
        out.printf("accuracy change %+.2f points%n", 100 * (last.accuracy() - base.accuracy()));
        if (spearman != null) {
            out.println("Spearman vs oracle (all layers): " + spearman);
        }
    }

    private static void row(PrintStream out, String name, double base, double last, String format) {
        out.printf("%-14s " + format + " " + format + " %8.3f%n", name, base, last, base == 0 ? 0 : last / base);
    }
}
