package dev.prune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prune.data.FashionMnist;
import dev.prune.local.ApiKeys;
import dev.prune.local.LocalPipeline;
import dev.prune.report.RunReport;
import dev.prune.net.VggSpec;
import dev.prune.runtime.Nd4jRuntime;
import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointMetadata;
import dev.prune.store.CheckpointStage;
import dev.prune.store.FolderCheckpointStore;
import dev.prune.train.BaseModelCache;
import dev.prune.train.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * ./pruning demo: the whole product on this machine, no Docker. A Kafka broker, the four services
 * as processes, the folder object store and PostgreSQL; trains (or reuses) a base vgg-small, runs
 * a pruning run through the services and writes its report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start broker + the four services locally, prune a vgg-small on Fashion-MNIST through them, write the report.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Small data slices and two iterations: a few minutes")
    boolean quick;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--iterations", description = "Most pruning iterations (default: 2 with --quick, else 6)")
    Integer iterations;
    @Option(names = "--filters", description = "Filters removed per iteration (default: 16)")
    Integer filters;
    @Option(names = "--round-to", description = "Cut each layer to a multiple of this many filters (8 or 16: the CPU's vector width; default: 1, any width)")
    Integer roundTo;
    @Option(names = "--target-flops-reduction", description = "Stop once conv FLOPs are cut by this fraction (default: 0.5)")
    Double targetFlopsReduction;
    @Option(names = "--rank-source", description = "sample (default: a ranking pass per iteration) or finetune "
            + "(statistics from the last images of the previous fine-tuning, no extra pass)")
    String rankSource;
    @Option(names = "--batch-norm", description = "Base vgg-small with BatchNorm after each conv (as most networks users "
            + "bring have); the evaluator times its inference form, BatchNorm folded into the convs")
    boolean batchNorm;
    @Mixin
    FollowOptions follow;

    private final ProgressLine progress = new ProgressLine(System.out);

    @Override
    public Integer call() throws Exception {
        Nd4jRuntime.configure();
        follow.stallTimeout(); // a bad PRUNING_STALL_TIMEOUT fails now, not after training the base
        Path work = ProjectPaths.workDir();
        var train = new FashionMnist().train();
        int pgPort = Integer.getInteger("pruning.postgres.port", 5432);
        try (LocalPostgres postgres = LocalPostgres.ensureRunning(work.resolve("postgres"), pgPort, progress)) {
            return runDemo(work, train, pgPort);
        }
    }

    private int runDemo(Path work, dev.prune.data.LabeledImages train, int pgPort) throws Exception {

        int baseImages = quick ? 3000 : 0;
        var baseData = baseImages > 0 ? train.shuffled(seed).take(baseImages) : train;
        var base = new BaseModelCache(ProjectPaths.cacheDir()).trainOrLoad(VggSpec.vggSmall(batchNorm, seed), baseData,
                TrainingSettings.adam(1e-3, 64, quick ? 1 : 2, seed),
                r -> progress.update(String.format("training base vgg-small: %d images, %.0f img/s, loss %.4f",
                        r.images(), r.imagesPerSecond(), r.finalLoss())));
        progress.line(base.cached() ? "base: reusing " + base.file() : "base: trained and cached at " + base.file());

        String runId = "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path storeRoot = work.resolve("store");
        var store = new FolderCheckpointStore(storeRoot);
        var baseKey = new CheckpointKey(runId, 0, CheckpointStage.BASE);
        store.put(baseKey, base.file(), CheckpointMetadata.builder("demo").architecture("vgg-small").build());

        // a fresh key for this start: the evaluator gets it in its environment, the other commands read the file
        String apiKey = ApiKeys.generate();
        Path keyFile = ApiCredentials.defaultKeyFile();
        ApiKeys.write(keyFile, apiKey);
        progress.line("the evaluator's API key (operator role) is in " + keyFile
                + " (owner-only; status, runs, cancel and start read it)");
        progress.line("starting Kafka and the four services (logs in " + work.resolve("demo/logs") + ")");
        var settings = LocalPipeline.Settings.defaults(ProjectPaths.home(), work.resolve("demo"), Map.of(
                "pruning.store.type", "folder",
                "pruning.store.folder.root", storeRoot.toString(),
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + pgPort + "/test",
                "quarkus.datasource.username", "postgres")).withApiKey(apiKey);
        try (LocalPipeline pipeline = LocalPipeline.start(settings)) {
            var stopping = new java.util.concurrent.atomic.AtomicBoolean();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (stopping.compareAndSet(false, true)) {
                    progress.line("interrupted: stopping the services and the broker");
                }
                pipeline.close();
            }));
            progress.line("broker " + pipeline.broker().bootstrapServers() + ", evaluator " + pipeline.evaluatorUrl());
            pipeline.logFiles().forEach(f -> progress.line("  log: " + f));
            var client = new RunsClient(pipeline.evaluatorUrl(), ApiCredentials.key(pipeline.apiKey(), "the demo"));
            ObjectNode body = new ObjectMapper().createObjectNode();
            body.put("run_id", runId);
            body.put("base_checkpoint", baseKey.prefix());
            body.set("spec", spec());
            client.start(body);
            progress.line("run " + runId + " started (start-pruning published)");
            JsonNode run;
            var memory = new MemoryLog(() -> {
                Map<String, Long> pids = new java.util.LinkedHashMap<>(pipeline.processIds());
                pids.put("cli", ProcessHandle.current().pid());
                return pids;
            });
            try {
                run = new RunFollower(client, progress, n -> progress.line(memory.snapshot(n)), follow.stallTimeout(),
                        RunFollower.Ticker.SYSTEM).follow(runId, Duration.ofSeconds(2));
            } catch (RunFollower.RunStalledException e) {
                // the demo's pipeline goes away with it: no point in advising status or cancel
                throw new dev.prune.error.PruningException(e.summary() + " The demo stops the services and the broker now; "
                        + "their logs stay in " + work.resolve("demo/logs") + ". Wait longer with "
                        + RunFollower.STALL_ADVICE, e);
            } catch (dev.prune.error.PruningException e) {
                if (stopping.get()) {
                    return 130; // Ctrl-C: the hook is stopping everything; the evaluator going away is expected
                }
                throw e;
            }
            Path reportDir = work.resolve("reports").resolve(runId);
            new RunReport(run).write(reportDir);
            MemoryLog.Summary memoryUse = memory.summary();
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(reportDir.resolve("memory.json").toFile(), memoryUse);
            progress.line("memory: peak RSS MB " + memoryUse.peakRssMb() + (memoryUse.growthMbPerIteration().isEmpty()
                    ? " (growth per iteration needs a run of 6 or more iterations)"
                    : "; growth per iteration (MB, slope from iteration 1 on) " + memoryUse.growthMbPerIteration()
                    + (memoryUse.troughGrowthMbPerIteration().isEmpty() ? ""
                    : "; of the troughs (lowest of every " + MemoryLog.TROUGH_WINDOW + " iterations) "
                    + memoryUse.troughGrowthMbPerIteration())));
            progress.line("run " + runId + " " + RunFollower.outcome(run));
            stopping.set(true);
            progress.line("stopping the services and the broker");
            pipeline.close();
            System.out.println("report: " + reportDir);
            return run.path("status").asText().equals("COMPLETED") ? 0 : 1;
        }
    }

    private ObjectNode spec() {
        ObjectNode spec = new ObjectMapper().createObjectNode();
        spec.put("seed", seed);
        if (quick) {
            spec.put("max_iterations", 2);
            spec.put("train_images", 3000);
            spec.put("test_images", 1000);
            spec.put("rank_images", 500);
            spec.put("finetune_images", 1500);
        } else {
            spec.put("max_iterations", 6);
            spec.put("rank_images", 10000);
            spec.put("finetune_images", 0);
        }
        if (iterations != null) {
            spec.put("max_iterations", iterations);
        }
        if (filters != null) {
            spec.put("filters_per_iteration", filters);
        }
        if (roundTo != null) {
            spec.put("round_to", roundTo);
        }
        if (targetFlopsReduction != null) {
            spec.put("target_flops_reduction", targetFlopsReduction);
        }
        if (rankSource != null) {
            spec.put("rank_source", rankSource);
        }
        return spec;
    }
}
