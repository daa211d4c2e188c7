package dev.prune.speedup.kernels;

import dev.prune.onednn.OneDnnSession;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.List;

import static dev.prune.onednn.OneDnnSession.check;
import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * The gradient of a ReLU from its output, for plain float c-order arrays of one shape: inputGradient =
 * outputGradient where output &gt; 0, else 0, by one oneDNN primitive built once. It is one vectorised pass over
 * the feature map where ND4J's takes three (copy the output, step it into a mask, multiply), and ReLU after
 * BatchNorm spent 8 % of a pruned vgg-small training step there (docs/performance.md).
 */
public final class OneDnnReluGradient implements AutoCloseable {
    private static final int[] PLAIN_FORMATS = {dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd, dnnl_abcde};

    private final OneDnnSession session = new OneDnnSession();
    private final long[] shape;
    private final dnnl_memory output;
    private final dnnl_memory outputGradient;
    private final dnnl_memory inputGradient;
    private final List<OneDnnSession.Step> steps;
    private final Cleaner.Cleanable cleanable;

    public OneDnnReluGradient(long[] shape) {
        if (shape.length < 1 || shape.length > PLAIN_FORMATS.length) {
            session.close();
            throw new IllegalArgumentException("a ReLU gradient runs on arrays of rank 1 to " + PLAIN_FORMATS.length
                    + ", got shape " + Arrays.toString(shape));
        }
        this.shape = shape.clone();
        try {
            var md = session.desc(shape, PLAIN_FORMATS[shape.length - 1]);
            var forwardOp = session.track(new dnnl_eltwise_desc_t());
            check(dnnl_eltwise_forward_desc_init(forwardOp, dnnl_forward_training, dnnl_eltwise_relu_use_dst_for_bwd,
                    md, 0f, 0f), "ReLU descriptor");
            var forward = session.primitiveDesc(forwardOp, List.of(), "ReLU");
            var backwardOp = session.track(new dnnl_eltwise_desc_t());
            check(dnnl_eltwise_backward_desc_init(backwardOp, dnnl_eltwise_relu_use_dst_for_bwd, md, md, 0f, 0f),
                    "ReLU gradient descriptor");
            var backward = session.backwardDesc(backwardOp, forward, "ReLU gradient");
            output = session.external(md, null);
            outputGradient = session.external(md, null);
            inputGradient = session.external(md, null);
            steps = List.of(session.step(backward, new int[]{DNNL_ARG_DST, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC},
                    new dnnl_memory[]{output, outputGradient, inputGradient}));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        cleanable = session.closeWhenUnreachable(this);
    }

    public boolean fits(long[] shape) {
        return Arrays.equals(shape, this.shape);
    }

    /** inputGradient = outputGradient * (output &gt; 0); all plain float c-order arrays of this shape. */
    public void backward(INDArray output, INDArray outputGradient, INDArray inputGradient) {
        OneDnnSession.setHandle(this.output, output, "ReLU output");
        OneDnnSession.setHandle(this.outputGradient, outputGradient, "ReLU output gradient");
        OneDnnSession.setHandle(this.inputGradient, inputGradient, "ReLU input gradient");
        session.run(steps);
        session.await();
        Reference.reachabilityFence(output);
        Reference.reachabilityFence(outputGradient);
        Reference.reachabilityFence(inputGradient);
    }

    @Override
    public void close() {
        cleanable.clean();
    }
}
