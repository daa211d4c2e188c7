package dev.prune.speedup.kernels;

import dev.prune.onednn.ConvGeometry;
import dev.prune.onednn.OneDnnSession;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_pooling_desc_t;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.List;

import static dev.prune.onednn.OneDnnSession.check;
import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * 2D max pooling of plain NCHW float arrays of one shape for training, by oneDNN primitives built once: the
 * forward pass keeps where each maximum was (oneDNN's workspace), and the backward pass routes the gradient
 * there. libnd4j's {@code maxpool2d_bp} runs the pooling forward again to find the maxima, and both its ops build
 * their primitives and reorder the feature map on every call (docs/performance.md).
 */
public final class OneDnnMaxPooling implements AutoCloseable {

    private final OneDnnSession session = new OneDnnSession();
    private final long[] inputShape;
    private final long[] outputShape;
    private final dnnl_memory input;
    private final dnnl_memory output;
    private final dnnl_memory outputGradient;
    private final dnnl_memory inputGradient;
    private final List<OneDnnSession.Step> forward;
    private final List<OneDnnSession.Step> backward;
    private long forwardInputAddress; // the input whose maxima the workspace holds, 0: none
    private final Cleaner.Cleanable cleanable;

    private OneDnnMaxPooling(long[] inputShape, long[] outputShape, int[] kernel, int[] stride, long[][] padding) {
        this.inputShape = inputShape.clone();
        this.outputShape = outputShape.clone();
        try {
            var inputMd = session.desc(inputShape, dnnl_nchw);
            var outputMd = session.desc(outputShape, dnnl_nchw);
            var forwardOp = session.track(new dnnl_pooling_desc_t());
            check(dnnl_pooling_forward_desc_init(forwardOp, dnnl_forward_training, dnnl_pooling_max, inputMd, outputMd,
                    ConvGeometry.longs(stride), ConvGeometry.longs(kernel), padding[0], padding[1]), "pooling descriptor");
            var forwardPd = session.primitiveDesc(forwardOp, List.of(), "pooling");
            var backwardOp = session.track(new dnnl_pooling_desc_t());
            check(dnnl_pooling_backward_desc_init(backwardOp, dnnl_pooling_max, inputMd, outputMd,
                    ConvGeometry.longs(stride), ConvGeometry.longs(kernel), padding[0], padding[1]),
                    "pooling gradient descriptor");
            var backwardPd = session.backwardDesc(backwardOp, forwardPd, "pooling gradient");
            var workspace = session.allocate(dnnl_primitive_desc_query_md(forwardPd, dnnl_query_workspace_md, 0));
            input = session.external(inputMd, null);
            output = session.external(outputMd, null);
            outputGradient = session.external(outputMd, null);
            inputGradient = session.external(inputMd, null);
            forward = List.of(session.step(forwardPd, new int[]{DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE},
                    new dnnl_memory[]{input, output, workspace}));
            backward = List.of(session.step(backwardPd, new int[]{DNNL_ARG_DIFF_DST, DNNL_ARG_WORKSPACE,
                    DNNL_ARG_DIFF_SRC}, new dnnl_memory[]{outputGradient, workspace, inputGradient}));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        cleanable = session.closeWhenUnreachable(this);
    }

    /**
     * The pooling of a layer with these settings, or null where DL4J's geometry has no oneDNN equivalent (dilation,
     * Causal mode); then the caller keeps DL4J's own implementation.
     */
    public static OneDnnMaxPooling forShape(long[] inputShape, long[] outputShape, int[] kernel, int[] stride,
                                            int[] pad, int[] dilation, ConvolutionMode mode) {
        if (dilation[0] != 1 || dilation[1] != 1) {
            return null;
        }
        long[][] padding = ConvGeometry.padding(mode, pad, kernel, stride, dilation, inputShape, outputShape);
        return padding == null ? null : new OneDnnMaxPooling(inputShape, outputShape, kernel, stride, padding);
    }

    public boolean fits(long[] inputShape) {
        return Arrays.equals(inputShape, this.inputShape);
    }

    public long[] outputShape() {
        return outputShape.clone();
    }

    /** output = the maxima of input's windows, remembering where they were for {@link #backward}. */
    public void forward(INDArray input, INDArray output) {
        OneDnnSession.setHandle(this.input, input, "pooling input");
        OneDnnSession.setHandle(this.output, output, "pooling output");
        session.run(forward);
        session.await();
        forwardInputAddress = input.data().address();
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(output);
    }

    /** Whether the last forward pass pooled {@code input}'s buffer, so that {@link #backward} may follow it. */
    public boolean pooled(INDArray input) {
        return forwardInputAddress != 0 && forwardInputAddress == input.data().address();
    }

    /** inputGradient = outputGradient routed to where the last forward pass found each maximum. */
    public void backward(INDArray outputGradient, INDArray inputGradient) {
        OneDnnSession.setHandle(this.outputGradient, outputGradient, "pooling output gradient");
        OneDnnSession.setHandle(this.inputGradient, inputGradient, "pooling input gradient");
        session.run(backward);
        session.await();
        Reference.reachabilityFence(outputGradient);
        Reference.reachabilityFence(inputGradient);
    }

    @Override
    public void close() {
        cleanable.clean();
    }
}
