package dev.prune.rank;

import dev.prune.graph.PrunableConv;
import dev.prune.net.ConvNet;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Set;

/**
 * What a {@link RankingCriterion} may read about one prunable conv: its weights, and the probe
 * statistics it listed in {@link RankingCriterion#statisticsNeeded()} (only those, so a criterion that
 * forgets to list one fails in its own test rather than silently ranking on statistics nobody gathered).
 */
public final class LayerEvidence {
    private final ConvNet model;
    private final PrunableConv conv;
    private final FeatureMapStatistics statistics;
    private final String criterion;
    private final Set<ProbeStatistic> allowed;

    LayerEvidence(ConvNet model, PrunableConv conv, FeatureMapStatistics statistics, RankingCriterion criterion) {
        this.model = model;
        this.conv = conv;
        this.statistics = statistics;
        this.criterion = criterion.name();
        this.allowed = criterion.statisticsNeeded();
    }

    public String layerName() {
        return conv.name();
    }

    public int filters() {
        return conv.filters();
    }

    /** The conv's kernel weights, [filters, input channels, kH, kW] (a view on the network's parameters: do not change it). */
    public INDArray weights() {
        return model.network().getLayer(conv.layerIndex()).getParam("W");
    }

    /** One gathered statistic per filter (a fresh array). */
    public double[] statistic(ProbeStatistic statistic) {
        if (!allowed.contains(statistic)) {
            throw new IllegalStateException("criterion " + criterion + " reads " + statistic
                    + " but does not list it in statisticsNeeded() " + allowed);
        }
        return statistic.read(statistics);
    }

    /** The network and the conv itself, for criteria that need more than weights and statistics (e.g. the BatchNorm after it). */
    public ConvNet model() {
        return model;
    }

    public PrunableConv conv() {
        return conv;
    }
}
