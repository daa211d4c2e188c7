package dev.prune.net;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * Arrays laid out plainly (float, c order, no view, default strides: what DL4J's conv layers produce),
 * whose memory a Java loop may read element by element through {@code data().asNioFloat()}.
 */
public final class PlainFloatArrays {
    private PlainFloatArrays() {
    }

    public static boolean isPlain(INDArray x) {
        return x.dataType() == DataType.FLOAT && x.ordering() == 'c' && !x.isView() && x.offset() == 0
                && Shape.hasDefaultStridesForShape(x);
    }
}
