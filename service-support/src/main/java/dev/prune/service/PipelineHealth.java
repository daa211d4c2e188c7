package dev.prune.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Readiness "pipeline-faults": DOWN (degraded) while some event waits to retry a transient fault, naming it, so an
 * operator and an orchestrator see the service is not making progress; UP again once the retry succeeds or gives up.
 */
@Readiness
@ApplicationScoped
public class PipelineHealth implements HealthCheck {
    private final Map<String, String> retrying = new ConcurrentHashMap<>();

    void retrying(String what, Throwable fault) {
        String message = String.valueOf(fault.getMessage());
        retrying.put(what, message.length() > 300 ? message.substring(0, 300) + "..." : message);
    }

    void doneRetrying(String what) {
        retrying.remove(what);
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("pipeline-faults").status(retrying.isEmpty());
        retrying.forEach(response::withData);
        return response.build();
    }
}
