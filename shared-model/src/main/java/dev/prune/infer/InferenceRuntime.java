package dev.prune.infer;

import dev.prune.error.PruningException;
import dev.prune.net.ConvNet;
import dev.prune.speedup.RuntimeSpeedups;
import java.util.Arrays;
import java.util.Locale;

/** What runs a network's inference: DL4J's layers, or the network compiled to oneDNN primitives. */
public enum InferenceRuntime {
    DL4J {
        @Override
        public Forward open(ConvNet model, int batchSize) {
            var network = RuntimeSpeedups.install(model).network();
            return input -> network.output(input, false);
        }
    },
    /** {@link OneDnnCompiler}: fixed batch size, BatchNorm folded, activations fused; refuses other layers. */
    ONEDNN {
        @Override
        public Forward open(ConvNet model, int batchSize) {
            return OneDnnCompiler.compile(model, batchSize);
        }
    };

    /** @throws dev.prune.graph.UnsupportedNetworkException when this runtime cannot run one of its layers */
    public abstract Forward open(ConvNet model, int batchSize);

    public static InferenceRuntime parse(String name) {
        return Arrays.stream(values()).filter(r -> r.name().equalsIgnoreCase(name.trim())).findFirst()
                .orElseThrow(() -> new PruningException("unknown inference runtime '" + name + "': use one of "
                        + Arrays.stream(values()).map(r -> r.name().toLowerCase(Locale.ROOT)).toList()));
    }
}
