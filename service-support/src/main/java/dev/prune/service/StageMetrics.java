package dev.prune.service;

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

    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<io.micrometer.core.instrument.Meter.Id>> runMeters = new ConcurrentHashMap<>();

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
        java.util.Set<io.micrometer.core.instrument.Meter.Id> ids = runMeters.computeIfAbsent(runId,
                k -> ConcurrentHashMap.newKeySet());
        registry.find("pruning.run.iteration").tags(tags).meters().forEach(m -> ids.add(m.getId()));
        for (String name : java.util.List.of("pruning.run.accuracy", "pruning.run.params", "pruning.run.conv.flops",
                "pruning.run.filters")) {
            registry.find(name).tags(tags).meters().forEach(m -> ids.add(m.getId()));
        }
    }

    /** Drops a run's gauges once it has ended, so /q/metrics stays bounded however many runs go by. */
    public void removeRunGauges(String runId) {
        var ids = runMeters.remove(runId);
        if (ids == null) {
            return;
        }
        for (var id : ids) {
            registry.remove(id);
            gauges.remove(id.getName() + Tags.of(id.getTags()));
        }
    }

    private void gauge(String name, Tags tags, double value) {
        String id = name + tags;
        gauges.computeIfAbsent(id, k -> {
            var ref = new AtomicReference<>(value);
            registry.gauge(name, tags, ref, r -> r.get());
            return ref;
        }).set(value);
    }
}
