package dev.prune.onednn;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.util.ConvolutionUtils;

/** DL4J's convolution and pooling geometry in oneDNN's terms. */
public final class ConvGeometry {
    private ConvGeometry() {
    }

    /**
     * oneDNN's left and right padding ({@code [left, right]}, each per height and width) for DL4J's geometry, or
     * null for a mode it has no equivalent of. Same mode: DL4J's top-left padding, the rest at the bottom-right;
     * Truncate and Strict: the configured padding on both sides (oneDNN, like DL4J, drops what does not fill a
     * last stride).
     */
    public static long[][] padding(ConvolutionMode mode, int[] pad, int[] kernel, int[] stride, int[] dilation, long[] inDims,
                            long[] outDims) {
        long[] left = new long[2];
        long[] right = new long[2];
        if (mode == ConvolutionMode.Same) {
            int[] in = {(int) inDims[2], (int) inDims[3]};
            int[] out = {(int) outDims[2], (int) outDims[3]};
            int[] topLeft = ConvolutionUtils.getSameModeTopLeftPadding(out, in, kernel, stride, dilation);
            for (int d = 0; d < 2; d++) {
                long effectiveKernel = (kernel[d] - 1L) * dilation[d] + 1;
                left[d] = topLeft[d];
                right[d] = (out[d] - 1L) * stride[d] + effectiveKernel - in[d] - topLeft[d];
            }
        } else if (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict) {
            for (int d = 0; d < 2; d++) {
                left[d] = pad[d];
                right[d] = pad[d];
            }
        } else {
            return null;
        }
        return new long[][]{left, right};
    }

    /** oneDNN counts dilation from 0 (none), DL4J from 1. */
    public static long[] dilates(int[] dilation) {
        return new long[]{dilation[0] - 1L, dilation[1] - 1L};
    }

    public static long[] longs(int[] values) {
        return new long[]{values[0], values[1]};
    }
}
