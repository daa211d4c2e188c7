package dev.prune.onednn;

import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.prune.onednn.OneDnnSession.check;
import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * dLoss/dW and dLoss/db of one 2D NCHW convolution, and not dLoss/dinput, by a oneDNN primitive built once
 * for an input shape. libnd4j's {@code conv2d_bp} always computes the input gradient too, and for a network's
 * first layer (one input channel) that was most of its time: 8-12 ms against 1.2-1.5 ms for the weight
 * gradient alone on vgg-small's first layer at batch 64 (docs/performance.md).
 */
public final class OneDnnConvWeightGradient implements AutoCloseable {
    private final OneDnnSession session = new OneDnnSession();
    private final long[] inputShape;
    private final long[] deltaShape;
    private final List<OneDnnSession.Step> steps = new ArrayList<>();
    private final dnnl_memory input;
    private final dnnl_memory delta;
    private final INDArray weightGradient;
    private final INDArray biasGradient;

    /**
     * @param padding left and right padding as DL4J computes it (see {@code ConvGeometry}); null for a mode oneDNN
     *                has no equivalent of (then {@link #supports} is false)
     */
    private OneDnnConvWeightGradient(long[] inputShape, long[] weightShape, long[] deltaShape, int[] stride,
                                     int[] dilation, long[][] padding, boolean hasBias) {
        this.inputShape = inputShape.clone();
        this.deltaShape = deltaShape.clone();
        try {
            long[] biasShape = {weightShape[0]};
            var forward = session.track(new dnnl_convolution_desc_t());
            check(dnnl_dilated_convolution_forward_desc_init(forward, dnnl_forward_training, dnnl_convolution_direct,
                    session.desc(inputShape, dnnl_format_tag_any), session.desc(weightShape, dnnl_format_tag_any),
                    hasBias ? session.desc(biasShape, dnnl_x) : null, session.desc(deltaShape, dnnl_format_tag_any),
                    ConvGeometry.longs(stride), ConvGeometry.dilates(dilation), padding[0], padding[1]),
                    "convolution descriptor");
            var forwardPd = session.primitiveDesc(forward, List.of(), "convolution");
            var backward = session.track(new dnnl_convolution_desc_t());
            check(dnnl_dilated_convolution_backward_weights_desc_init(backward, dnnl_convolution_direct,
                    session.desc(inputShape, dnnl_format_tag_any), session.desc(weightShape, dnnl_format_tag_any),
                    hasBias ? session.desc(biasShape, dnnl_x) : null, session.desc(deltaShape, dnnl_format_tag_any),
                    ConvGeometry.longs(stride), ConvGeometry.dilates(dilation), padding[0], padding[1]),
                    "weight gradient descriptor");
            var pd = session.backwardDesc(backward, forwardPd, "convolution weight gradient");

            var inputMd = session.desc(inputShape, dnnl_nchw);
            var deltaMd = session.desc(deltaShape, dnnl_nchw);
            input = session.external(inputMd, null);
            delta = session.external(deltaMd, null);
            dnnl_memory src = session.inLayout(input, inputMd, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0),
                    steps);
            dnnl_memory diffDst = session.inLayout(delta, deltaMd,
                    dnnl_primitive_desc_query_md(pd, dnnl_query_diff_dst_md, 0), steps);
            // outside any workspace: oneDNN keeps writing into these buffers, step after step
            try (var detached = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                weightGradient = Nd4j.create(DataType.FLOAT, weightShape);
                biasGradient = hasBias ? Nd4j.create(DataType.FLOAT, biasShape) : null;
            }
            var weightMd = session.desc(weightShape, dnnl_oihw);
            var weightOut = session.external(weightMd, weightGradient.data().addressPointer());
            var wanted = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_weights_md, 0);
            boolean reorderWeights = dnnl_memory_desc_equal(wanted, weightMd) == 0;
            dnnl_memory diffWeights = reorderWeights ? session.allocate(wanted) : weightOut;
            if (hasBias) {
                var biasOut = session.external(session.desc(biasShape, dnnl_x), biasGradient.data().addressPointer());
                steps.add(session.step(pd, new int[]{DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS,
                        DNNL_ARG_DIFF_BIAS}, new dnnl_memory[]{src, diffDst, diffWeights, biasOut}));
            } else {
                steps.add(session.step(pd, new int[]{DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
                        new dnnl_memory[]{src, diffDst, diffWeights}));
            }
            if (reorderWeights) {
                steps.add(session.reorder(diffWeights, wanted, weightOut, weightMd));
            }
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * The weight gradient of a conv with these settings, or null where DL4J's geometry has no oneDNN equivalent
     * (then the caller keeps DL4J's own backward).
     */
    public static OneDnnConvWeightGradient forShape(long[] inputShape, long[] weightShape, long[] deltaShape,
                                                    int[] kernel, int[] stride, int[] pad, int[] dilation,
                                                    ConvolutionMode mode, boolean hasBias) {
        long[][] padding = ConvGeometry.padding(mode, pad, kernel, stride, dilation, inputShape, deltaShape);
        return padding == null ? null
                : new OneDnnConvWeightGradient(inputShape, weightShape, deltaShape, stride, dilation, padding, hasBias);
    }

    public boolean fits(INDArray input, INDArray delta) {
        return Arrays.equals(input.shape(), inputShape) && Arrays.equals(delta.shape(), deltaShape);
    }

    /**
     * Writes the gradients into {@code weightGradient} and {@code biasGradient} (DL4J's gradient views); both
     * inputs are plain float c-order arrays of the shapes this was built for ({@link #fits}).
     */
    public void compute(INDArray input, INDArray delta, INDArray weightGradient, INDArray biasGradient) {
        check(dnnl_memory_set_data_handle(this.input, input.data().addressPointer()), "input");
        check(dnnl_memory_set_data_handle(this.delta, delta.data().addressPointer()), "gradient");
        for (OneDnnSession.Step step : steps) {
            session.run(step);
        }
        session.await();
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(delta);
        weightGradient.assign(this.weightGradient);
        if (biasGradient != null && this.biasGradient != null) {
            biasGradient.assign(this.biasGradient.reshape(biasGradient.shape()));
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
