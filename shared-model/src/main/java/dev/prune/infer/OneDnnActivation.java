package dev.prune.infer;

import dev.prune.graph.UnsupportedNetworkException;
import dev.prune.onednn.OneDnnSession;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;

import java.util.List;

import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_elu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_logistic;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_tanh;

/** DL4J's activation functions as oneDNN element-wise operations. */
final class OneDnnActivation {
    private OneDnnActivation() {
    }

    static boolean isSoftmax(IActivation fn) {
        return fn instanceof ActivationSoftmax;
    }

    /** The operations that compute {@code fn} (none for identity); {@code where} names the layer for errors. */
    static List<OneDnnSession.Eltwise> of(IActivation fn, String where) {
        if (fn instanceof ActivationIdentity) {
            return List.of();
        }
        if (fn instanceof ActivationReLU relu && relu.getMax() == null && isZeroOrUnset(relu.getThreshold())
                && isZeroOrUnset(relu.getNegativeSlope())) {
            return List.of(new OneDnnSession.Eltwise(dnnl_eltwise_relu, 0f, 0f));
        }
        if (fn instanceof ActivationLReLU leaky) {
            return List.of(new OneDnnSession.Eltwise(dnnl_eltwise_relu, (float) leaky.getAlpha(), 0f));
        }
        if (fn instanceof ActivationELU elu) {
            return List.of(new OneDnnSession.Eltwise(dnnl_eltwise_elu, (float) elu.getAlpha(), 0f));
        }
        if (fn instanceof ActivationTanH) {
            return List.of(new OneDnnSession.Eltwise(dnnl_eltwise_tanh, 0f, 0f));
        }
        if (fn instanceof ActivationSigmoid) {
            return List.of(new OneDnnSession.Eltwise(dnnl_eltwise_logistic, 0f, 0f));
        }
        throw new UnsupportedNetworkException("the oneDNN runtime cannot run activation " + fn + " of " + where
                + ": it runs identity, relu, leakyrelu, elu, tanh, sigmoid and a final softmax; measure this network "
                + "with the dl4j runtime");
    }

    private static boolean isZeroOrUnset(Double value) {
        return value == null || value == 0.0;
    }
}
