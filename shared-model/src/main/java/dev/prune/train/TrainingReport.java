package dev.prune.train;

/** What a training run did and how fast. */
public record TrainingReport(long steps, long images, double seconds, double finalLoss) {
    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : 0;
    }
}
