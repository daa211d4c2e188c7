package dev.prune.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The metrics every service exports at /q/metrics:
 * pruning_events_in_total / _out_total / _failed_total {topic}, pruning_stage_seconds {stage},
 * pruning_images_per_second {stage}, and per-run gauges pruning_run_accuracy / _params / _conv_flops /
 * _iteration {run}.
 */
@ApplicationScoped
public class StageMetrics {
    @Inject
    MeterRegistry registry;

    private final Map<Meter.Id, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    public void eventIn(String topic) {
        registry.counter("pruning.events.in", "topic", topic).increment();
    }

    public void eventOut(String topic) {
        registry.counter("pruning.events.out", "topic", topic).increment();
    }

    public void eventFailed(String topic, String reason) {
        registry.counter("pruning.events.failed", "topic", topic, "reason", reason).increment();
    }

    public <T> T timeStage(String stage, Supplier<T> work) {
        return Timer.builder("pruning.stage").tag("stage", stage).publishPercentileHistogram(false)
                .register(registry).record(work);
    }

    public void imagesPerSecond(String stage, double value) {
        gauge("pruning.images.per.second", Tags.of("stage", stage), value);
    }

    public void runGauges(String runId, int iteration, double accuracy, long params, long convFlops,
                          java.util.Map<String, Integer> filtersPerLayer) {
        Tags tags = Tags.of("run", runId);
        gauge("pruning.run.iteration", tags, iteration);
        gauge("pruning.run.accuracy", tags, accuracy);
        gauge("pruning.run.params", tags, params);
        gauge("pruning.run.conv.flops", tags, convFlops);
        filtersPerLayer.forEach((layer, filters) -> gauge("pruning.run.filters", tags.and("layer", layer), filters));
    }

    /** Drops a run's gauges once it has ended, so /q/metrics stays bounded however many runs go by. */
    public void removeRunGauges(String runId) {
        for (Meter.Id id : gauges.keySet()) {
            if (runId.equals(id.getTag("run"))) {
                registry.remove(id);
                gauges.remove(id);
            }
        }
    }

    private void gauge(String name, Tags tags, double value) {
        AtomicReference<Double> ref = new AtomicReference<>(value);
        Meter.Id id = Gauge.builder(name, ref, AtomicReference::get).tags(tags).register(registry).getId();
        gauges.computeIfAbsent(id, k -> ref).set(value);
    }
}
