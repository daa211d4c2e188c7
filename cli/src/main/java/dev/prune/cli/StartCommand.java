package dev.prune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prune.rank.Criteria;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** ./pruning start: asks the evaluator to start a run (it publishes start-pruning) and follows it. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start a pruning run of a stored base checkpoint and follow it until it ends.")
final class StartCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, description = "Checkpoint of the trained network, e.g. runs/demo/iter-000/base/")
    String base;
    @Option(names = "--run-id", description = "Run id (default: chosen by the evaluator)")
    String runId;
    @Mixin
    EvaluatorOptions evaluator;
    @Mixin
    FollowOptions follow;
    @Option(names = "--filters", description = "Filters removed per iteration")
    Integer filters;
    @Option(names = "--round-to", description = "Cut each layer to a multiple of this many filters (8 or 16: the CPU's vector width; default: 1, any width)")
    Integer roundTo;
    @Option(names = "--target", description = "Target conv-FLOPs reduction, 0..1")
    Double target;
    @Option(names = "--budget", description = "Accuracy budget as a fraction (0.005 = 0.5 points)")
    Double budget;
    @Option(names = "--max-iterations")
    Integer maxIterations;
    @Option(names = "--rank-images")
    Integer rankImages;
    @Option(names = "--finetune-images")
    Integer finetuneImages;
    @Option(names = "--train-images")
    Integer trainImages;
    @Option(names = "--test-images")
    Integer testImages;
    @Option(names = "--criterion", completionCandidates = CriterionNames.class,
            description = "Ranking criterion, one of: ${COMPLETION-CANDIDATES} (default: the evaluator's, taylor; docs/criteria.md)")
    String criterion;
    @Option(names = "--rank-source", description = "sample (a ranking pass per iteration) or finetune "
            + "(statistics from the last rank-images of the previous fine-tuning, no extra pass)")
    String rankSource;
    @Option(names = "--no-follow", description = "Return once the run is accepted (else: follow it until it ends; "
            + "exit 0 when COMPLETED, 1 when FAILED or CANCELLED, 2 when it stalls or on other errors)")
    boolean noFollow;

    @Override
    public Integer call() throws Exception {
        var client = evaluator.client();
        var stallTimeout = noFollow ? null : follow.stallTimeout(); // a bad PRUNING_STALL_TIMEOUT fails before the run starts
        ObjectNode body = new ObjectMapper().createObjectNode();
        if (runId != null) {
            body.put("run_id", runId);
        }
        body.put("base_checkpoint", base);
        body.set("spec", spec());
        String id = client.start(body).path("run_id").asText();
        System.out.println("run " + id + " accepted");
        if (noFollow) {
            return 0;
        }
        var run = new RunFollower(client, new ProgressLine(System.out), n -> { }, stallTimeout, RunFollower.Ticker.SYSTEM)
                .follow(id, Duration.ofSeconds(2));
        System.out.println("run " + id + " " + RunFollower.outcome(run));
        return run.path("status").asText().equals("COMPLETED") ? 0 : 1;
    }

    ObjectNode spec() {
        ObjectNode spec = new ObjectMapper().createObjectNode();
        if (filters != null) spec.put("filters_per_iteration", filters);
        if (roundTo != null) spec.put("round_to", roundTo);
        if (target != null) spec.put("target_flops_reduction", target);
        if (budget != null) spec.put("accuracy_budget", budget);
        if (maxIterations != null) spec.put("max_iterations", maxIterations);
        if (rankImages != null) spec.put("rank_images", rankImages);
        if (finetuneImages != null) spec.put("finetune_images", finetuneImages);
        if (trainImages != null) spec.put("train_images", trainImages);
        if (testImages != null) spec.put("test_images", testImages);
        if (criterion != null) {
            Criteria.byName(criterion); // an unknown name fails here, with the registered ones, before the evaluator is asked
            spec.put("criterion", criterion);
        }
        if (rankSource != null) spec.put("rank_source", rankSource);
        return spec;
    }
}
