package dev.prune.cli;

import dev.prune.data.LabeledImages;
import dev.prune.net.ConvNet;
import dev.prune.rank.Criteria;
import dev.prune.rank.RankingCriterion;
import dev.prune.rank.FeatureMapStatisticsCollector;
import dev.prune.rank.FilterRanker;
import dev.prune.rank.FilterRanking;
import dev.prune.rank.OracleRanker;
import dev.prune.rank.RankingOptions;
import dev.prune.rank.Spearman;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Spearman correlation of each criterion with the oracle, on the same images (the paper's comparison). */
final class CriteriaComparison {
    private final ProgressLine progress;

    CriteriaComparison(ProgressLine progress) {
        this.progress = progress;
    }

    Map<String, Object> againstOracle(ConvNet model, LabeledImages train, int images, int batchSize) {
        LabeledImages sample = train.shuffled(12345).take(Math.min(images, train.size()));
        List<org.nd4j.linalg.dataset.DataSet> batches = new ArrayList<>();
        for (int from = 0; from < sample.size(); from += 500) {
            batches.add(sample.toDataSet(from, Math.min(sample.size(), from + 500)));
        }
        int totalFilters = dev.prune.graph.ConvDependencies.of(model).stream().mapToInt(c -> c.filters()).sum();
        FilterRanking oracle = OracleRanker.rank(model, batches,
                done -> progress.update(String.format("oracle %s %d/%d filters", ProgressLine.bar((double) done / totalFilters, 24),
                        done, totalFilters)));
        var stats = FeatureMapStatisticsCollector.collect(model, sample.iterator(batchSize, false, 0), sample.size(), n -> { });
        Map<String, Object> overall = new LinkedHashMap<>();
        Map<String, Object> perLayer = new LinkedHashMap<>();
        for (RankingCriterion c : Criteria.all()) {
            var report = Spearman.against(FilterRanker.rank(model, stats, RankingOptions.paper().with(c)), oracle);
            overall.put(c.name(), report.overall());
            perLayer.put(c.name(), report.perLayer());
        }
        overall.put("per_layer", perLayer);
        overall.put("oracle_images", sample.size());
        progress.line("Spearman vs oracle on " + sample.size() + " images: " + overall);
        return overall;
    }
}
