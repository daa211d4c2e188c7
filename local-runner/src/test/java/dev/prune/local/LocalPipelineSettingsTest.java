package dev.prune.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalPipelineSettingsTest {

    @Test
    void onlyTheEvaluatorGetsTheKeyAndOnlyInItsEnvironment(@TempDir Path dir) {
        var settings = LocalPipeline.Settings.defaults(dir, dir, Map.of("pruning.store.type", "folder")).withApiKey("k-123");
        for (String service : LocalPipeline.SERVICES) {
            Map<String, String> environment = LocalPipeline.environmentOf(service, settings);
            if (service.equals(LocalPipeline.EVALUATOR)) {
                assertEquals(Map.of("PRUNING_AUTH_OPERATOR_KEY", "k-123"), environment);
            } else {
                assertTrue(environment.isEmpty(), service + ": " + environment);
            }
            var process = new ServiceProcess(service, dir.resolve("x.jar"), settings.properties(), settings.jvmOptions(),
                    environment, dir.resolve("x.log"), 1234);
            List<String> command = process.command();
            assertTrue(command.contains("-Dpruning.store.type=folder"), command.toString());
            assertFalse(String.join(" ", command).contains("k-123"), "the key is not on the command line: " + command);
            assertEquals(environment, process.environment());
        }
    }
}
