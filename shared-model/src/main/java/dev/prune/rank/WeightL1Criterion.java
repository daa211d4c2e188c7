package dev.prune.rank;

import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Set;

/** Li et al. 2016: sum of |W| over each filter's kernel (input channels x kH x kW). Needs no feature maps. */
public record WeightL1Criterion() implements RankingCriterion {
    @Override
    public String name() {
        return "weight_l1";
    }

    @Override
    public Set<ProbeStatistic> statisticsNeeded() {
        return Set.of();
    }

    @Override
    public double[] scores(LayerEvidence layer) {
        return Transforms.abs(layer.weights(), true).sum(1, 2, 3).toDoubleVector();
    }
}
