package dev.prune.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.prune.error.PruningException;
import dev.prune.policy.PruningPolicy;
import dev.prune.rank.Criteria;
import dev.prune.rank.RankSource;
import dev.prune.rank.RankingOptions;
import dev.prune.surgery.WidthRule;
import dev.prune.train.Optimizer;
import dev.prune.train.TrainingSettings;

/**
 * Everything a run needs, carried by every event so each stage works without a lookup.
 *
 * @param dataset "fashion-mnist" or "folder:/path/to/root"
 * @param trainImages  training images used (0 = all)
 * @param testImages   held-out images used for evaluation (0 = all)
 * @param roundTo      every cut layer's width comes down to a multiple of this (1 = any width), see {@link WidthRule}
 */
public record RunSpec(
        @JsonProperty("filters_per_iteration") int filtersPerIteration,
        @JsonProperty("target_flops_reduction") double targetFlopsReduction,
        @JsonProperty("accuracy_budget") double accuracyBudget,
        @JsonProperty("max_iterations") int maxIterations,
        @JsonProperty("min_filters_per_layer") int minFiltersPerLayer,
        @JsonProperty("round_to") @JsonDeserialize(using = RoundToDeserializer.class) int roundTo,
        @JsonProperty("criterion") String criterion,
        @JsonProperty("flops_lambda") double flopsLambda,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("train_images") int trainImages,
        @JsonProperty("test_images") int testImages,
        @JsonProperty("rank_images") int rankImages,
        @JsonProperty("rank_source") String rankSource,
        @JsonProperty("optimizer") String optimizer,
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("finetune_epochs") int fineTuneEpochs,
        @JsonProperty("finetune_images") int fineTuneImages,
        @JsonProperty("seed") long seed) {

    /** Checks every field, with a message that names the field and the accepted range. */
    public RunSpec validated() {
        policy();
        widthRule();
        rankingOptions();
        rankSourceValue();
        trainingSettings();
        if (dataset == null || !(dataset.equals("fashion-mnist") || dataset.startsWith("folder:"))) {
            throw new PruningException("dataset must be 'fashion-mnist' or 'folder:/path', got '" + dataset + "'");
        }
        if (trainImages < 0 || testImages < 0 || rankImages <= 0 || fineTuneImages < 0) {
            throw new PruningException("image counts must be >= 0 (rank_images > 0), got train " + trainImages + ", test "
                    + testImages + ", rank " + rankImages + ", fine-tune " + fineTuneImages);
        }
        return this;
    }

    public PruningPolicy policy() {
        return new PruningPolicy(filtersPerIteration, targetFlopsReduction, accuracyBudget, maxIterations, minFiltersPerLayer);
    }

    /** How far and in which steps each layer's width may come down. */
    public WidthRule widthRule() {
        return new WidthRule(minFiltersPerLayer, roundTo);
    }

    public RankingOptions rankingOptions() {
        if (criterion == null) {
            throw new PruningException("criterion is missing: use one of " + Criteria.names());
        }
        return new RankingOptions(Criteria.byName(criterion), true, flopsLambda);
    }

    public RankSource rankSourceValue() {
        return RankSource.parse(rankSource);
    }

    /** Images whose statistics the fine-tuning keeps for the next ranking (0 when the ranker samples its own). */
    public int fineTuneStatisticsImages() {
        return rankSourceValue().fineTuneStatisticsImages(rankingOptions().criterion(), rankImages);
    }

    public TrainingSettings trainingSettings() {
        if (optimizer == null) {
            throw new PruningException("optimizer is missing: use adam or sgd-momentum");
        }
        return new TrainingSettings(Optimizer.parse(optimizer), learningRate, batchSize, fineTuneEpochs, fineTuneImages, 0, seed);
    }

    /** The benchmark's settings on a small slice, a good default for demos and tests. */
    public static RunSpec defaults() {
        return new RunSpec(16, 0.5, 0.02, 6, 1, 1, "taylor", 0, "fashion-mnist", 0, 0, 2000, "sample",
                "adam", 1e-3, 64, 1, 6000, 0);
    }
}
