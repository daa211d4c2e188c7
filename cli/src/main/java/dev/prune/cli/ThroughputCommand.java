package dev.prune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prune.data.LabeledImages;
import dev.prune.measure.ModelCost;
import dev.prune.net.ConvNet;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.rank.Criterion;
import dev.prune.rank.FilterRanker;
import dev.prune.rank.RankingOptions;
import dev.prune.surgery.FilterSelector;
import dev.prune.surgery.FilterSurgeon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** bench --throughput: speed of vgg-small and of the same network with half its filters removed. */
final class ThroughputCommand {
    private final LabeledImages train;
    private final int batchSize;
    private final long seed;
    private final boolean batchNorm;
    private final Path outDir;
    private final boolean quick;

    ThroughputCommand(LabeledImages train, int batchSize, long seed, boolean batchNorm, Path outDir, boolean quick) {
        this.train = train;
        this.batchSize = batchSize;
        this.seed = seed;
        this.batchNorm = batchNorm;
        this.outDir = outDir;
        this.quick = quick;
    }

    int run() throws Exception {
        int steps = quick ? 10 : 40;
        ConvNet base = VggBuilder.build(VggSpec.vggSmall(batchNorm, seed));
        var bench = new ThroughputBench(train, batchSize, steps);
        Map<String, Object> report = new LinkedHashMap<>(bench.measure(base));
        var ranking = FilterRanker.rank(base, Map.of(), RankingOptions.paper().with(Criterion.WEIGHT_L1));
        int half = dev.prune.graph.ConvDependencies.of(base).stream().mapToInt(c -> c.filters()).sum() / 2;
        ConvNet pruned = FilterSurgeon.prune(base, FilterSelector.lowest(ranking, half, 1));
        Map<String, Object> prunedReport = new LinkedHashMap<>(bench.measure(pruned));
        prunedReport.put("conv_flops_reduction", (double) ModelCost.of(base).convFlops() / ModelCost.of(pruned).convFlops());
        report.put("batch_size", batchSize);
        report.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
        report.put("nd4j_variant", System.getProperty("org.bytedeco.javacpp.platform.extension", "default"));
        report.put("pruned", prunedReport);
        Files.createDirectories(outDir);
        Path json = outDir.resolve("throughput.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        System.out.println("wrote " + json);
        return 0;
    }
}
