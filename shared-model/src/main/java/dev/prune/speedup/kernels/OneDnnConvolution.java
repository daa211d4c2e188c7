package dev.prune.speedup.kernels;

import dev.prune.onednn.ConvGeometry;
import dev.prune.onednn.OneDnnSession;
import dev.prune.onednn.ScratchBuffers;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.prune.onednn.OneDnnSession.check;
import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * One 2D NCHW convolution of fixed shapes for training: forward, input gradient and parameter gradients by oneDNN
 * primitives built once. libnd4j's conv ops build their primitives again on every call, and reorder the same
 * feature map into oneDNN's layout separately for each of them; here the forward pass's reordered input and
 * weights serve the backward pass of the same step, and one reordered output gradient serves both gradients
 * when their layouts agree (docs/performance.md). What lives only during one call (the reordered output, output
 * gradient and input gradient) is in buffers the thread's convolutions share ({@link ScratchBuffers}).
 */
public final class OneDnnConvolution implements AutoCloseable {
    private final OneDnnSession session = new OneDnnSession();

    private final long[] inputShape;
    private final long[] weightShape;
    private final long[] outputShape;
    private final boolean hasBias;

    private final dnnl_memory inputUser;
    private final dnnl_memory weightsUser;
    private final dnnl_memory biasUser;
    private final dnnl_memory outputUser;
    private final dnnl_memory deltaUser;
    private final dnnl_memory inputGradientUser;
    private final List<OneDnnSession.Step> prepare = new ArrayList<>(); // input and weights into the kernels' layouts
    private final List<OneDnnSession.Step> forward = new ArrayList<>();
    private final List<OneDnnSession.Step> outputGradient = new ArrayList<>(); // into the input gradient's layout
    private final List<OneDnnSession.Step> inputGradient = new ArrayList<>();
    private final List<OneDnnSession.Step> parameterGradients = new ArrayList<>();
    private final INDArray weightGradient;
    private final INDArray biasGradient;
    private final List<Scratch> forwardScratch = new ArrayList<>();
    private final List<Scratch> backwardScratch = new ArrayList<>();
    private long forwardInputAddress; // the input the last forward pass reordered, 0: none
    private final Cleaner.Cleanable cleanable;

    private OneDnnConvolution(long[] inputShape, long[] weightShape, long[] outputShape, int[] stride, int[] dilation,
                              long[][] padding, boolean hasBias) {
        this.inputShape = inputShape.clone();
        this.weightShape = weightShape.clone();
        this.outputShape = outputShape.clone();
        this.hasBias = hasBias;
        try {
            long[] biasShape = {weightShape[0]};
            long[] strides = ConvGeometry.longs(stride);
            long[] dilates = ConvGeometry.dilates(dilation);
            var forwardOp = session.track(new dnnl_convolution_desc_t());
            check(dnnl_dilated_convolution_forward_desc_init(forwardOp, dnnl_forward_training, dnnl_convolution_direct,
                    any(inputShape), any(weightShape), hasBias ? session.desc(biasShape, dnnl_x) : null,
                    any(outputShape), strides, dilates, padding[0], padding[1]), "convolution descriptor");
            var forwardPd = session.primitiveDesc(forwardOp, List.of(), "convolution");
            var dataOp = session.track(new dnnl_convolution_desc_t());
            check(dnnl_dilated_convolution_backward_data_desc_init(dataOp, dnnl_convolution_direct, any(inputShape),
                    any(weightShape), any(outputShape), strides, dilates, padding[0], padding[1]),
                    "input gradient descriptor");
            var dataPd = session.backwardDesc(dataOp, forwardPd, "convolution input gradient");
            var weightsOp = session.track(new dnnl_convolution_desc_t());
            check(dnnl_dilated_convolution_backward_weights_desc_init(weightsOp, dnnl_convolution_direct,
                    any(inputShape), any(weightShape), hasBias ? session.desc(biasShape, dnnl_x) : null,
                    any(outputShape), strides, dilates, padding[0], padding[1]), "weight gradient descriptor");
            var weightsPd = session.backwardDesc(weightsOp, forwardPd, "convolution weight gradient");

            var inputMd = session.desc(inputShape, dnnl_nchw);
            var weightMd = session.desc(weightShape, dnnl_oihw);
            var outputMd = session.desc(outputShape, dnnl_nchw);
            var biasMd = session.desc(biasShape, dnnl_x);
            inputUser = session.external(inputMd, null);
            weightsUser = session.external(weightMd, null);
            biasUser = hasBias ? session.external(biasMd, null) : null;
            outputUser = session.external(outputMd, null);
            deltaUser = session.external(outputMd, null);
            inputGradientUser = session.external(inputMd, null);

            // forward: input and weights into the forward kernel's layouts, output back to NCHW
            var src = session.inLayout(inputUser, inputMd, query(forwardPd, dnnl_query_src_md), prepare);
            var weights = session.inLayout(weightsUser, weightMd, query(forwardPd, dnnl_query_weights_md), prepare);
            var dstMd = query(forwardPd, dnnl_query_dst_md);
            boolean reorderOutput = dnnl_memory_desc_equal(dstMd, outputMd) == 0;
            var dst = reorderOutput ? scratch(dstMd, 0, forwardScratch) : outputUser;
            forward.add(hasBias
                    ? session.step(forwardPd, new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
                    new dnnl_memory[]{src, weights, biasUser, dst})
                    : session.step(forwardPd, new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
                    new dnnl_memory[]{src, weights, dst}));
            if (reorderOutput) {
                forward.add(session.reorder(dst, dstMd, outputUser, outputMd));
            }

            // input gradient: the forward's weights when the layouts agree; the output gradient reordered once
            var dataWeights = reused(weights, query(forwardPd, dnnl_query_weights_md), weightsUser, weightMd,
                    query(dataPd, dnnl_query_weights_md), inputGradient);
            var diffDstMd = query(dataPd, dnnl_query_diff_dst_md);
            var diffDst = deltaUser;
            if (dnnl_memory_desc_equal(diffDstMd, outputMd) == 0) {
                diffDst = scratch(diffDstMd, 0, backwardScratch);
                outputGradient.add(session.reorder(deltaUser, outputMd, diffDst, diffDstMd));
            }
            var diffSrcMd = query(dataPd, dnnl_query_diff_src_md);
            boolean reorderInputGradient = dnnl_memory_desc_equal(diffSrcMd, inputMd) == 0;
            var diffSrc = reorderInputGradient ? scratch(diffSrcMd, 1, backwardScratch) : inputGradientUser;
            inputGradient.add(session.step(dataPd, new int[]{DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
                    new dnnl_memory[]{diffDst, dataWeights, diffSrc}));
            if (reorderInputGradient) {
                inputGradient.add(session.reorder(diffSrc, diffSrcMd, inputGradientUser, inputMd));
            }

            // parameter gradients: the forward's reordered input, and the reordered output gradient, where they fit
            var weightsSrc = reused(src, query(forwardPd, dnnl_query_src_md), inputUser, inputMd,
                    query(weightsPd, dnnl_query_src_md), parameterGradients);
            var weightsDiffDst = reused(diffDst, diffDstMd, deltaUser, outputMd,
                    query(weightsPd, dnnl_query_diff_dst_md), parameterGradients);
            try (var detached = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                weightGradient = Nd4j.create(DataType.FLOAT, weightShape);
                biasGradient = hasBias ? Nd4j.create(DataType.FLOAT, biasShape) : null;
            }
            var weightGradientOut = session.external(weightMd, weightGradient.data().addressPointer());
            var diffWeightsMd = query(weightsPd, dnnl_query_diff_weights_md);
            boolean reorderWeightGradient = dnnl_memory_desc_equal(diffWeightsMd, weightMd) == 0;
            var diffWeights = reorderWeightGradient ? session.allocate(diffWeightsMd) : weightGradientOut;
            parameterGradients.add(hasBias
                    ? session.step(weightsPd, new int[]{DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS,
                    DNNL_ARG_DIFF_BIAS}, new dnnl_memory[]{weightsSrc, weightsDiffDst, diffWeights,
                    session.external(biasMd, biasGradient.data().addressPointer())})
                    : session.step(weightsPd, new int[]{DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
                    new dnnl_memory[]{weightsSrc, weightsDiffDst, diffWeights}));
            if (reorderWeightGradient) {
                parameterGradients.add(session.reorder(diffWeights, diffWeightsMd, weightGradientOut, weightMd));
            }
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        cleanable = session.closeWhenUnreachable(this);
    }

    /**
     * The convolution of a layer with these settings, or null where DL4J's geometry has no oneDNN equivalent
     * (then the caller keeps DL4J's own implementation).
     */
    public static OneDnnConvolution forShape(long[] inputShape, long[] weightShape, long[] outputShape, int[] kernel,
                                             int[] stride, int[] pad, int[] dilation, ConvolutionMode mode,
                                             boolean hasBias) {
        long[][] padding = ConvGeometry.padding(mode, pad, kernel, stride, dilation, inputShape, outputShape);
        return padding == null ? null
                : new OneDnnConvolution(inputShape, weightShape, outputShape, stride, dilation, padding, hasBias);
    }

    public boolean fits(long[] inputShape, long[] weightShape, boolean hasBias) {
        return Arrays.equals(inputShape, this.inputShape) && Arrays.equals(weightShape, this.weightShape)
                && hasBias == this.hasBias;
    }

    public long[] outputShape() {
        return outputShape.clone();
    }

    /** output = input (*) weights + bias; all plain float c-order arrays of this convolution's shapes. */
    public void forward(INDArray input, INDArray weights, INDArray bias, INDArray output) {
        OneDnnSession.setHandle(inputUser, input, "input");
        OneDnnSession.setHandle(weightsUser, weights, "weights");
        if (hasBias) {
            OneDnnSession.setHandle(biasUser, bias, "bias");
        }
        OneDnnSession.setHandle(outputUser, output, "output");
        bind(forwardScratch);
        session.run(prepare);
        session.run(forward);
        session.await();
        forwardInputAddress = input.data().address();
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(weights);
        Reference.reachabilityFence(bias);
        Reference.reachabilityFence(output);
    }

    /**
     * dLoss/dW and dLoss/db into DL4J's gradient views and, unless {@code inputGradient} is null, dLoss/dinput into
     * it, from the output gradient {@code delta}; {@code input} and {@code weights} as this step's forward pass had
     * them.
     */
    public void backward(INDArray input, INDArray weights, INDArray delta, INDArray inputGradient,
                         INDArray weightGradientView, INDArray biasGradientView) {
        OneDnnSession.setHandle(inputUser, input, "input");
        OneDnnSession.setHandle(weightsUser, weights, "weights");
        OneDnnSession.setHandle(deltaUser, delta, "output gradient");
        bind(backwardScratch);
        if (forwardInputAddress != input.data().address()) {
            session.run(prepare); // not the input of the last forward pass: reorder it again
        }
        session.run(outputGradient);
        if (inputGradient != null) {
            OneDnnSession.setHandle(inputGradientUser, inputGradient, "input gradient");
            session.run(this.inputGradient);
        }
        session.run(parameterGradients);
        session.await();
        Reference.reachabilityFence(input);
        Reference.reachabilityFence(weights);
        Reference.reachabilityFence(delta);
        Reference.reachabilityFence(inputGradient);
        weightGradientView.assign(weightGradient);
        if (biasGradientView != null && biasGradient != null) {
            biasGradientView.assign(biasGradient.reshape(biasGradientView.shape()));
        }
    }

    /** Memory for what lives only during one call: bound to this thread's scratch slot before each call. */
    private record Scratch(dnnl_memory memory, int slot, long bytes) {
    }

    private dnnl_memory scratch(dnnl_memory_desc_t md, int slot, List<Scratch> bindings) {
        var memory = session.external(md, null);
        bindings.add(new Scratch(memory, slot, dnnl_memory_desc_get_size(md)));
        return memory;
    }

    private static void bind(List<Scratch> bindings) {
        var buffers = ScratchBuffers.ofThread();
        for (Scratch scratch : bindings) {
            check(dnnl_memory_set_data_handle(scratch.memory(), buffers.slot(scratch.slot(), scratch.bytes())),
                    "scratch memory");
        }
    }

    private dnnl_memory_desc_t any(long[] dims) {
        return session.desc(dims, dnnl_format_tag_any);
    }

    private static dnnl_memory_desc_t query(dnnl_primitive_desc pd, int what) {
        return dnnl_primitive_desc_query_md(pd, what, 0);
    }

    /**
     * {@code prepared} (in {@code preparedMd}) when it is laid out as {@code wanted}, else the user's memory
     * reordered by a step appended to {@code steps}.
     */
    private dnnl_memory reused(dnnl_memory prepared, dnnl_memory_desc_t preparedMd, dnnl_memory user,
                               dnnl_memory_desc_t userMd, dnnl_memory_desc_t wanted, List<OneDnnSession.Step> steps) {
        if (dnnl_memory_desc_equal(preparedMd, wanted) != 0) {
            return prepared;
        }
        return session.inLayout(user, userMd, wanted, steps);
    }

    @Override
    public void close() {
        cleanable.clean();
    }
}
