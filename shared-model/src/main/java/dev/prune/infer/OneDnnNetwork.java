package dev.prune.infer;

import dev.prune.arrays.PlainFloatArrays;
import dev.prune.onednn.OneDnnSession;
import org.bytedeco.dnnl.dnnl_memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.List;

/** A network compiled by {@link OneDnnCompiler}: answers batches of the size it was compiled for. */
public final class OneDnnNetwork implements Forward {
    private final OneDnnSession session;
    private final List<OneDnnSession.Step> steps;
    private final dnnl_memory input;
    private final long[] inputShape;
    private final dnnl_memory result;
    private final long[] resultShape;
    private boolean closed;

    OneDnnNetwork(OneDnnSession session, List<OneDnnSession.Step> steps, dnnl_memory input, long[] inputShape,
                  dnnl_memory result, long[] resultShape) {
        this.session = session;
        this.steps = List.copyOf(steps);
        this.input = input;
        this.inputShape = inputShape;
        this.result = result;
        this.resultShape = resultShape.clone();
    }

    /** Runs the network; the answer is a new array, the caller's to keep. */
    @Override
    public INDArray output(INDArray features) {
        INDArray answer = Nd4j.createUninitializedDetached(DataType.FLOAT, resultShape);
        output(features, answer);
        return answer;
    }

    /** Runs the network and writes the answer straight into {@code into} (plain float, the answer's shape). */
    @Override
    public void output(INDArray features, INDArray into) {
        if (closed) {
            throw new IllegalStateException("this compiled network was closed: compile the model again");
        }
        if (!Arrays.equals(features.shape(), inputShape)) {
            throw new IllegalArgumentException("this network was compiled for input shape " + Arrays.toString(inputShape)
                    + ", got " + Arrays.toString(features.shape()) + ": compile one for that batch size");
        }
        if (!Arrays.equals(into.shape(), resultShape) || !PlainFloatArrays.isPlain(into)) {
            String shape = Arrays.toString(resultShape);
            throw new IllegalArgumentException("the answer goes into a float c-order array of shape " + shape + ", got "
                    + into.dataType() + " " + Arrays.toString(into.shape()) + " " + into.ordering()
                    + " order: create one with Nd4j.create(DataType.FLOAT, " + shape.substring(1, shape.length() - 1) + ")");
        }
        INDArray plain = PlainFloatArrays.plain(features);
        OneDnnSession.setHandle(input, plain, "input");
        OneDnnSession.setHandle(result, into, "result");
        session.run(steps);
        session.await();
        Reference.reachabilityFence(plain); // oneDNN read its buffer: it must not be collected before the wait
        Reference.reachabilityFence(into);
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
