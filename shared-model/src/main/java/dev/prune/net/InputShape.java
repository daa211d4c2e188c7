package dev.prune.net;

import dev.prune.error.PruningException;
import org.deeplearning4j.nn.conf.inputs.InputType;

import java.io.Serializable;

/** Shape of one input image, channels first (NCHW), as the network expects it. */
public record InputShape(int channels, int height, int width) implements Serializable {
    public InputShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new PruningException("input shape must be positive, got " + channels + "x" + height + "x" + width
                    + ": give channels x height x width, e.g. 1x28x28");
        }
    }

    public InputType toInputType() {
        return InputType.convolutional(height, width, channels);
    }

    public long[] batchShape(int batchSize) {
        return new long[]{batchSize, channels, height, width};
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
