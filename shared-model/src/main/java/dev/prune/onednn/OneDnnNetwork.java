package dev.prune.onednn;

import dev.prune.infer.Forward;
import dev.prune.net.PlainFloatArrays;
import org.bytedeco.dnnl.dnnl_memory;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.List;

import static dev.prune.onednn.OneDnnSession.check;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;

/** A network compiled by {@link OneDnnCompiler}: answers batches of the size it was compiled for. */
public final class OneDnnNetwork implements Forward {
    private final OneDnnSession session;
    private final List<OneDnnSession.Step> steps;
    private final dnnl_memory input;
    private final long[] inputShape;
    private final INDArray result;
    private boolean closed;

    OneDnnNetwork(OneDnnSession session, List<OneDnnSession.Step> steps, dnnl_memory input, long[] inputShape,
                  INDArray result) {
        this.session = session;
        this.steps = List.copyOf(steps);
        this.input = input;
        this.inputShape = inputShape;
        this.result = result;
    }

    /** Runs the network; the answer is a new array, the caller's to keep. */
    @Override
    public INDArray output(INDArray features) {
        if (closed) {
            throw new IllegalStateException("this compiled network was closed: compile the model again");
        }
        if (!Arrays.equals(features.shape(), inputShape)) {
            throw new IllegalArgumentException("this network was compiled for input shape " + Arrays.toString(inputShape)
                    + ", got " + Arrays.toString(features.shape()) + ": compile one for that batch size");
        }
        INDArray plain = PlainFloatArrays.plain(features);
        check(dnnl_memory_set_data_handle(input, plain.data().addressPointer()), "input");
        session.run(steps);
        session.await();
        Reference.reachabilityFence(plain); // oneDNN read its buffer: it must not be collected before the wait
        return result.dup();
    }

    /** Number of oneDNN primitives a run executes (reorders included). */
    public int primitiveCount() {
        return steps.size();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            session.close();
        }
    }
}
