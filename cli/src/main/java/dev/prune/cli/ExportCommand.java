package dev.prune.cli;

import dev.prune.infer.BatchNormFolding;
import dev.prune.net.ConvNet;
import dev.prune.net.ModelFiles;
import dev.prune.speedup.RuntimeSpeedups;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** ./pruning export: a checkpoint's model in its inference form, for deployment. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model's inference form: each conv -> BatchNorm -> activation folded into one conv "
                + "(the same outputs, fewer layers; the latency the evaluator reports). It cannot be fine-tuned further.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A model.zip (e.g. a run's result checkpoint from the store)")
    Path model;
    @Option(names = "--out", required = true, description = "Where to write the inference form (a DL4J model zip)")
    Path out;

    @Override
    public Integer call() {
        dev.prune.runtime.Nd4jRuntime.configure();
        ConvNet original = RuntimeSpeedups.install(ModelFiles.load(model)); // both run below, as the engine runs them
        ConvNet inference = RuntimeSpeedups.install(BatchNormFolding.fold(original));
        INDArray probe = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, original.input().batchShape(4));
        double difference = original.network().output(probe, false).sub(inference.network().output(probe, false))
                .amaxNumber().doubleValue();
        ModelFiles.save(inference, out);
        System.out.printf("%s: %d layers -> %d (%s); largest output difference on random input %.2e; wrote %s%n",
                model, original.numLayers(), inference.numLayers(),
                inference == original ? "no BatchNorm to fold" : "BatchNorm folded into its conv", difference, out);
        return 0;
    }
}
