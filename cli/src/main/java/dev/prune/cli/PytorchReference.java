package dev.prune.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune.error.PruningException;
import dev.prune.measure.MeasureSettings;
import dev.prune.process.AllCpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs tools/pytorch_throughput.py, the same throughput measurement in PyTorch, so that the benchmark
 * can give its figures as ratios to PyTorch's on the same machine in the same run. The Python is
 * $PRUNING_PYTHON, else the first of python3 and /usr/bin/python3 that can import torch.
 */
final class PytorchReference {
    static final String PYTHON_ENV = "PRUNING_PYTHON";
    private static final String HOW_TO_GET = "install PyTorch (Debian: apt-get install python3-torch, which is 1.13) or set "
            + PYTHON_ENV + " to a Python that has it";

    private final Path script;
    private final String python;

    private PytorchReference(Path script, String python) {
        this.script = script;
        this.python = python;
    }

    static PytorchReference find(Path projectHome) {
        Path script = projectHome.resolve("tools/pytorch_throughput.py");
        if (!Files.isRegularFile(script)) {
            throw new PruningException("--pytorch needs " + script + ", which is missing from this checkout");
        }
        String chosen = System.getenv(PYTHON_ENV);
        List<String> candidates = chosen != null && !chosen.isBlank() ? List.of(chosen.strip()) : List.of("python3", "/usr/bin/python3");
        for (String candidate : candidates) {
            if (hasTorch(candidate)) {
                return new PytorchReference(script, candidate);
            }
        }
        throw new PruningException("--pytorch: no Python with PyTorch found (tried " + candidates + "): " + HOW_TO_GET);
    }

    /** The script's JSON report: base figures at the top level, the pruned network's under "pruned". */
    Map<String, Object> measure(Path dataDir, int batchSize, int steps, MeasureSettings latency, boolean batchNorm,
                                List<Integer> baseFilters, List<Integer> prunedFilters) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--data-dir", dataDir.toString(),
                "--batch-size", String.valueOf(batchSize), "--steps", String.valueOf(steps),
                "--latency-warmup", String.valueOf(latency.latencyWarmup()),
                "--latency-warmup-b64", String.valueOf(latency.latencyWarmupB64()),
                "--latency-runs-b1", String.valueOf(latency.latencyRunsB1()),
                "--latency-runs-b64", String.valueOf(latency.latencyRunsB64()),
                "--threads", String.valueOf(threads()), "--base", csv(baseFilters), "--pruned", csv(prunedFilters)));
        if (batchNorm) {
            command.add("--batch-norm");
        }
        Process process = new ProcessBuilder(AllCpus.command(command)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new PruningException("the PyTorch reference failed (" + String.join(" ", command) + "); its errors are above");
        }
        return new ObjectMapper().readValue(new String(out, StandardCharsets.UTF_8).strip(), new TypeReference<>() { });
    }

    /**
     * The same thread count as ND4J's OpenMP: OMP_NUM_THREADS when set, else 0 (the script then uses every core;
     * this JVM cannot count them: once OpenMP has bound this thread, availableProcessors() says 1).
     */
    private static int threads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        return omp != null && omp.strip().matches("\\d+") ? Integer.parseInt(omp.strip()) : 0;
    }

    private static boolean hasTorch(String python) {
        try {
            Process probe = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String csv(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }
}
