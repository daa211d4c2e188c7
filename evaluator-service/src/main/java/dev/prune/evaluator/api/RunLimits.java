package dev.prune.evaluator.api;

import dev.prune.events.RunSpec;
import dev.prune.evaluator.api.StartRunRequests.InvalidRequest;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Upper bounds a deployment sets on what one run may ask for (evaluator.limits.* in application.properties), so one
 * request cannot occupy the pipeline for days: fine-tune epochs, iterations, and the images trained, ranked and
 * tested on.
 */
@ApplicationScoped
public class RunLimits {
    @ConfigProperty(name = "evaluator.limits.max-finetune-epochs")
    int maxFineTuneEpochs;
    @ConfigProperty(name = "evaluator.limits.max-iterations")
    int maxIterations;
    @ConfigProperty(name = "evaluator.limits.max-images")
    int maxImages;

    void check(RunSpec spec) {
        bound("finetune_epochs", spec.fineTuneEpochs(), maxFineTuneEpochs, "evaluator.limits.max-finetune-epochs");
        bound("max_iterations", spec.maxIterations(), maxIterations, "evaluator.limits.max-iterations");
        for (var images : new Object[][] {{"train_images", spec.trainImages()}, {"test_images", spec.testImages()},
                {"rank_images", spec.rankImages()}, {"finetune_images", spec.fineTuneImages()}}) {
            bound((String) images[0], (Integer) images[1], maxImages, "evaluator.limits.max-images");
        }
    }

    private static void bound(String field, int value, int max, String setting) {
        if (value > max) {
            throw new InvalidRequest(field + " " + value + " is above this deployment's limit of " + max + " (" + setting
                    + "); ask for less, or raise the limit");
        }
    }
}
