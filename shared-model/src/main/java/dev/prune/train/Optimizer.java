package dev.prune.train;

import dev.prune.error.PruningException;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

import java.util.Locale;

/** The optimisers fine-tuning offers. */
public enum Optimizer {
    ADAM, SGD_MOMENTUM;

    public IUpdater updater(double learningRate) {
        return switch (this) {
            case ADAM -> new Adam(learningRate);
            case SGD_MOMENTUM -> new Nesterovs(learningRate, 0.9);
        };
    }

    public static Optimizer parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "adam" -> ADAM;
            case "sgd", "sgd-momentum", "momentum" -> SGD_MOMENTUM;
            default -> throw new PruningException("unknown optimizer '" + text + "': use adam or sgd-momentum");
        };
    }
}
