package dev.prune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prune.data.LabeledImages;
import dev.prune.measure.MeasureSettings;
import dev.prune.measure.ModelCost;
import dev.prune.measure.ModelMeter;
import dev.prune.net.ConvNet;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.rank.WeightL1Criterion;
import dev.prune.rank.FilterRanker;
import dev.prune.rank.RankingOptions;
import dev.prune.surgery.FilterSelector;
import dev.prune.surgery.FilterSurgeon;
import dev.prune.surgery.WidthRule;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * bench --throughput: speed of vgg-small and of the same network with half its filters removed (the lowest
 * by weight L1), with --round-to in blocks that leave every layer a multiple of it.
 */
final class ThroughputCommand {
    private final LabeledImages train;
    private final int batchSize;
    private final long seed;
    private final boolean batchNorm;
    private final WidthRule widths;
    private final Path outDir;
    private final boolean quick;
    private final PytorchReference pytorch;
    private final Path dataDir;
    private final int rounds;
    private final double warmupSeconds;

    /** @param pytorch when not null, the same figures are measured in PyTorch afterwards and given as ratios */
    ThroughputCommand(LabeledImages train, int batchSize, long seed, boolean batchNorm, WidthRule widths, Path outDir, boolean quick,
                      PytorchReference pytorch, Path dataDir, int rounds, double warmupSeconds) {
        this.train = train;
        this.batchSize = batchSize;
        this.seed = seed;
        this.batchNorm = batchNorm;
        this.widths = widths;
        this.outDir = outDir;
        this.quick = quick;
        this.pytorch = pytorch;
        this.dataDir = dataDir;
        this.rounds = rounds;
        this.warmupSeconds = warmupSeconds;
    }

    int run() throws Exception {
        int steps = quick ? 10 : 40;
        ConvNet base = VggBuilder.build(VggSpec.vggSmall(batchNorm, seed));
        var latency = MeasureSettings.standard();
        var bench = new ThroughputBench(train, batchSize, steps, latency);
        var ranking = FilterRanker.rank(base, Map.of(), RankingOptions.paper().with(new WeightL1Criterion()));
        int half = dev.prune.graph.ConvDependencies.of(base).stream().mapToInt(c -> c.filters()).sum() / 2;
        var plan = FilterSelector.lowest(ranking, half, widths);
        ConvNet pruned = FilterSurgeon.prune(base, plan);
        System.out.printf("pruned: %d filters removed (asked %d), round_to %d, widths %s -> %s%n", plan.totalFilters(), half,
                widths.roundTo(), filters(base), filters(pruned));

        if (warmupSeconds > 0) {
            System.out.printf("warming up the JVM: %.0f s of training and ranking%n", warmupSeconds);
            bench.warmUp(List.of(base, pruned), warmupSeconds);
        }
        List<Map<String, Object>> ours = new ArrayList<>();
        List<Map<String, Object>> theirs = new ArrayList<>();
        List<Map<String, Object>> oursOverTheirs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            if (rounds > 1) {
                System.out.printf("round %d of %d%n", round, rounds);
            }
            Map<String, Object> figures = new LinkedHashMap<>(bench.measure(base));
            Map<String, Object> prunedFigures = new LinkedHashMap<>(bench.measure(pruned));
            prunedFigures.putAll(bench.speedups(base, pruned));
            figures.put("pruned", prunedFigures);
            ours.add(figures);
            if (pytorch != null) {
                System.out.println("measuring the same in PyTorch...");
                Map<String, Object> torch = pytorch.measure(dataDir, batchSize, steps, latency, batchNorm,
                        filters(base), filters(pruned));
                theirs.add(torch);
                Map<String, Object> ratio = ratios(figures, torch);
                ratio.put("pruned", ratios(prunedFigures, asMap(torch.get("pruned"))));
                oursOverTheirs.add(ratio);
            }
        }

        Map<String, Object> report = RoundMedians.of(ours);
        Map<String, Object> prunedReport = asMap(report.get("pruned"));
        double flopsReduction = (double) ModelCost.of(base).convFlops() / ModelCost.of(pruned).convFlops();
        prunedReport.put("round_to", widths.roundTo());
        prunedReport.put("filters_per_layer", filters(pruned));
        prunedReport.put("conv_flops_reduction", flopsReduction);
        for (String speedup : new String[]{"speedup_b1", "speedup_b64", "inference_form_speedup_b1",
                "inference_form_speedup_b64", "compiled_speedup_b1", "compiled_speedup_b64"}) {
            if (prunedReport.get(speedup) instanceof Number value) {
                prunedReport.put(speedup + "_over_flops_reduction", value.doubleValue() / flopsReduction);
            }
        }
        report.put("batch_size", batchSize);
        report.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
        report.put("nd4j_variant", System.getProperty("org.bytedeco.javacpp.platform.extension", "default"));
        report.put("rounds", rounds);
        report.put("jvm_warmup_s", warmupSeconds);
        report.put("pruned", prunedReport);
        if (pytorch != null) {
            report.put("pytorch", RoundMedians.of(theirs));
            // the median of each round's ratio: both sides of a round ran one right after the other
            Map<String, Object> ratio = RoundMedians.of(oursOverTheirs);
            prunedReport.put("vs_pytorch", ratio.remove("pruned"));
            report.put("vs_pytorch", ratio);
        }
        if (rounds > 1) {
            report.put("each_round", eachRound(ours, theirs));
        }
        Files.createDirectories(outDir);
        Path json = outDir.resolve("throughput.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        System.out.println("wrote " + json);
        return 0;
    }

    private static List<Map<String, Object>> eachRound(List<Map<String, Object>> ours, List<Map<String, Object>> theirs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            Map<String, Object> round = new LinkedHashMap<>();
            round.put("ours", ours.get(i));
            if (i < theirs.size()) {
                round.put("pytorch", theirs.get(i));
            }
            out.add(round);
        }
        return out;
    }

    /** Speeds as ours / PyTorch's (1.0 or more: at least as fast); latencies as ours / PyTorch's (lower is better). */
    static Map<String, Object> ratios(Map<String, Object> ours, Map<String, Object> theirs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : new String[]{"train_images_per_s", "rank_images_per_s", "latency_b1_ms", "latency_b64_ms", "peak_rss_mb"}) {
            double mine = ((Number) ours.get(key)).doubleValue();
            double other = ((Number) theirs.get(key)).doubleValue();
            out.put(key, mine / other);
        }
        // the compiled network against PyTorch's eager one: the form each would deploy by default
        for (String key : new String[]{"latency_b1_ms", "latency_b64_ms"}) {
            if (ours.get("compiled_" + key) instanceof Number mine) {
                out.put("compiled_" + key, mine.doubleValue() / ((Number) theirs.get(key)).doubleValue());
            }
        }
        return out;
    }

    private static List<Integer> filters(ConvNet model) {
        return List.copyOf(ModelMeter.filtersPerLayer(model).values());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }
}
