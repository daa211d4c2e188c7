package dev.prune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prune.data.FashionMnist;
import dev.prune.data.LabeledImages;
import dev.prune.error.PruningException;
import dev.prune.loop.IterationResult;
import dev.prune.loop.LoopListener;
import dev.prune.loop.LoopSettings;
import dev.prune.loop.PruningLoop;
import dev.prune.measure.MeasureSettings;
import dev.prune.measure.ModelMeter;
import dev.prune.measure.ModelMetrics;
import dev.prune.net.ConvNet;
import dev.prune.net.VggSpec;
import dev.prune.rank.Criteria;
import dev.prune.rank.RankSource;
import dev.prune.rank.RankingOptions;
import dev.prune.runtime.Nd4jRuntime;
import dev.prune.surgery.WidthRule;
import dev.prune.train.BaseModelCache;
import dev.prune.train.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The engine's benchmark: train (or reuse) vgg-small on Fashion-MNIST, prune it in-process, report. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Train vgg-small on Fashion-MNIST (cached), prune it with Taylor ranks in-process and write bench.json.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--out", description = "Output folder (default: .pruning/bench)")
    Path out;
    @Option(names = "--quick", description = "A few thousand images instead of all: ends in a few minutes")
    boolean quick;
    @Option(names = "--throughput", description = "Measure steady-state speed (train, rank, latency, memory) of the base and the half-pruned network; writes throughput.json")
    boolean throughput;
    @Option(names = "--pytorch", description = "With --throughput: measure the same network in PyTorch right after (tools/pytorch_throughput.py) and report ratios")
    boolean pytorch;
    @Option(names = "--rounds", description = "With --throughput: measure this many times, alternating with PyTorch, and report medians"
            + " (default: 5 with --pytorch, else 1)")
    Integer rounds;
    @Option(names = "--warmup-seconds", description = "With --throughput: train and rank both networks this long"
            + " before the first round, so that the JVM's code is compiled (default: 30, 5 with --quick)")
    Double warmupSeconds;
    @Option(names = "--oracle", description = "Also compute each criterion's Spearman correlation against the brute-force oracle")
    boolean oracle;
    @Option(names = "--data-dir", description = "Folder with the Fashion-MNIST IDX files (default: $FASHION_MNIST_DIR or /usr/share/datasets/fashion-mnist)")
    Path dataDir;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--batch-norm", description = "Build vgg-small with BatchNorm after each conv")
    boolean batchNorm;
    @Option(names = "--iterations", defaultValue = "6")
    int iterations;
    @Option(names = "--filters", defaultValue = "16", description = "Filters removed per iteration")
    int filters;
    @Option(names = "--round-to", defaultValue = "1",
            description = "Cut each layer to a multiple of this many filters (8 or 16: the CPU's vector width); 1 = any width."
                    + " Applies to the loop's cuts and to --throughput's half-pruned network")
    int roundTo;
    @Option(names = "--base-epochs", defaultValue = "2")
    int baseEpochs;
    @Option(names = "--finetune-epochs", defaultValue = "1")
    int finetuneEpochs;
    @Option(names = "--batch-size", defaultValue = "64")
    int batchSize;
    @Option(names = "--lr", defaultValue = "1e-3")
    double learningRate;
    @Option(names = "--criterion", defaultValue = "taylor", completionCandidates = CriterionNames.class,
            description = "Ranking criterion of the loop, one of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, the paper's;"
                    + " docs/criteria.md)")
    String criterion;
    @Option(names = "--rank-source", defaultValue = "sample",
            description = "sample (a ranking pass per iteration) or finetune (statistics from the last images of the previous fine-tuning)")
    String rankSource;

    private final ProgressLine progress = new ProgressLine(System.out);

    private int throughputRounds() {
        return rounds != null ? rounds : pytorch ? 5 : 1;
    }

    @Override
    public Integer call() throws Exception {
        RankingOptions ranking = RankingOptions.paper().with(Criteria.byName(criterion));
        if (rounds != null && (!throughput || rounds < 1)) {
            throw new PruningException("--rounds " + rounds + ": give a count of 1 or more, with --throughput");
        }
        var widths = new WidthRule(1, roundTo);
        if (warmupSeconds != null && (!throughput || warmupSeconds < 0)) {
            throw new PruningException("--warmup-seconds " + warmupSeconds + ": give 0 or more seconds, with --throughput");
        }
        if (pytorch && !throughput) {
            throw new PruningException("--pytorch compares throughput figures: use it with --throughput");
        }
        Nd4jRuntime.configure();
        BenchScale scale = quick ? BenchScale.QUICK : BenchScale.FULL;
        Path outDir = out != null ? out : ProjectPaths.workDir().resolve("bench");
        var mnist = dataDir != null ? new FashionMnist(dataDir) : new FashionMnist();
        LabeledImages train = mnist.train();
        LabeledImages test = mnist.test();
        if (scale.trainImages() > 0) {
            train = train.shuffled(seed).take(scale.trainImages());
            test = test.shuffled(seed).take(scale.testImages());
        }
        if (throughput) {
            return new ThroughputCommand(train, batchSize, seed, batchNorm, widths, outDir, quick,
                    pytorch ? PytorchReference.find(ProjectPaths.home()) : null, mnist.directory(), throughputRounds(),
                    warmupSeconds != null ? warmupSeconds : quick ? 5 : 30).run();
        }
        System.out.printf("bench (%s): vgg-small%s on Fashion-MNIST, %d train / %d test images, seed %d%n",
                quick ? "quick" : "full", batchNorm ? " with BatchNorm" : "", train.size(), test.size(), seed);

        var baseTraining = TrainingSettings.adam(learningRate, batchSize, baseEpochs, seed);
        var base = new BaseModelCache(ProjectPaths.cacheDir()).trainOrLoad(VggSpec.vggSmall(batchNorm, seed), train, baseTraining,
                r -> progress.update(String.format("training base: step %d, %d images, %.0f img/s, loss %.4f",
                        r.steps(), r.images(), r.imagesPerSecond(), r.finalLoss())));
        progress.line(base.cached() ? "base: reused " + base.file()
                : String.format("base: trained in %.1f s (%.0f images/s), saved to %s", base.report().seconds(),
                base.report().imagesPerSecond(), base.file()));

        var measure = quick ? MeasureSettings.quick() : MeasureSettings.standard();
        var meter = new ModelMeter(test, measure);
        ModelMetrics baseMetrics = meter.measure(base.model());
        progress.line(String.format("base: accuracy %.4f, params %,d, conv FLOPs %,d, latency b1 %.2f ms, b64 %.2f ms",
                baseMetrics.accuracy(), baseMetrics.params(), baseMetrics.convFlops(), baseMetrics.latencyB1Ms(),
                baseMetrics.latencyB64Ms()));

        Map<String, Object> spearman = null;
        if (oracle) {
            spearman = new CriteriaComparison(progress).againstOracle(base.model(), train, scale.oracleImages(), batchSize);
        }

        var settings = new LoopSettings(iterations, filters, widths, scale.rankImages(), batchSize, ranking,
                RankSource.parse(rankSource),
                baseTraining.withEpochs(finetuneEpochs).withMaxImages(scale.fineTuneImages()), measure);
        var result = new PruningLoop(train, test, settings, new LoopListener() {
            @Override
            public void stage(int iteration, String stage, String detail) {
                progress.update(String.format("%s iteration %d/%d: %s %s",
                        ProgressLine.bar((iteration - 1.0) / iterations, 24), iteration, iterations, stage, detail));
            }

            @Override
            public void iterationDone(IterationResult r) {
                String rank = r.rankSource() == RankSource.SAMPLE
                        ? String.format("rank %.1f s (%.0f img/s)", r.rankSeconds(), r.rankImagesPerSecond())
                        : "ranked from the fine-tuning";
                progress.line(String.format("iteration %d: filters %s, accuracy %.4f, %s, surgery %.0f ms, fine-tune %.1f s (%.0f img/s)",
                        r.iteration(), r.filtersPerLayer().values(), r.accuracy(), rank,
                        r.surgeryMillis(), r.fineTuneSeconds(), r.fineTuneImagesPerSecond()));
            }
        }).run(base.model());
        ModelMetrics finalMetrics = meter.measure(result.finalModel());

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", quick ? "quick" : "full");
        report.put("criterion", ranking.criterion().name());
        report.put("rank_source", settings.rankSource().key());
        report.put("round_to", roundTo);
        report.put("train_images", train.size());
        report.put("test_images", test.size());
        report.put("base", BenchJson.metrics(baseMetrics));
        report.put("final", BenchJson.metrics(finalMetrics));
        report.put("iterations", result.iterations().stream().map(BenchJson::iteration).toList());
        report.put("speedup_b1", baseMetrics.latencyB1Ms() / finalMetrics.latencyB1Ms());
        report.put("speedup_b64", baseMetrics.latencyB64Ms() / finalMetrics.latencyB64Ms());
        report.put("conv_flops_reduction", (double) baseMetrics.convFlops() / finalMetrics.convFlops());
        if (spearman != null) {
            report.put("spearman_vs_oracle", spearman);
        }
        Files.createDirectories(outDir);
        Path json = outDir.resolve("bench.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        BenchTable.print(System.out, baseMetrics, finalMetrics, result.iterations(), spearman);
        System.out.println("wrote " + json);
        return 0;
    }

    /** How much data each part of the benchmark uses. */
    enum BenchScale {
        FULL(0, 0, 10_000, 2_000, 0), QUICK(3_000, 1_000, 500, 256, 2_000);

        private final int trainImages;
        private final int testImages;
        private final int rankImages;
        private final int oracleImages;
        private final int fineTuneImages;

        BenchScale(int trainImages, int testImages, int rankImages, int oracleImages, int fineTuneImages) {
            this.trainImages = trainImages;
            this.testImages = testImages;
            this.rankImages = rankImages;
            this.oracleImages = oracleImages;
            this.fineTuneImages = fineTuneImages;
        }

        /** Images per fine-tuning epoch (0 = the whole training set). */
        int fineTuneImages() { return fineTuneImages; }

        int trainImages() { return trainImages; }
        int testImages() { return testImages; }
        int rankImages() { return rankImages; }
        int oracleImages() { return oracleImages; }
    }
}
