package dev.prune.speedup;

import dev.prune.arrays.PlainFloatArrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * BatchNorm of conv feature maps (NCHW, float) in plain Java loops over ND4J's memory: in training two
 * passes forward (per-channel sums; normalise) and two backward (per-channel sums of g and g*x; the
 * input gradient), in inference one, instead of DL4J's oneDNN helper, which cost a vgg-small training
 * step 77 ms of its 150 (twice the whole network without BatchNorm; docs/performance.md). Other layouts
 * and data types stay with the helper DL4J chose. It is a layer helper, set on the running
 * layer only, so configurations and model files are untouched. The batch statistics it hands DL4J
 * for the running averages are the ones the oneDNN helper hands: mean and biased variance, no epsilon.
 */
public final class FastBatchNorm implements BatchNormalizationHelper {
    private static final LayerHelperField HELPER = LayerHelperField.of(BatchNormalization.class);

    private final BatchNormalizationHelper fallback;
    private INDArray meanCache;
    private INDArray varCache;
    private float[] mean = new float[0];
    private float[] invStd = new float[0];
    private boolean lastForwardWasOurs;
    private boolean lastOutputRectified;
    private boolean backwardSwitchedOff;
    private ReluAfterBatchNorm next; // the ReLU layer after it, when it takes this layer's output rectified

    FastBatchNorm(BatchNormalizationHelper fallback) {
        this.fallback = fallback;
    }

    /** Sets this helper on every BatchNorm layer of the network whose gamma and beta are learned. */
    public static void install(MultiLayerNetwork network) {
        for (var layer : network.getLayers()) {
            if (layer instanceof BatchNormalization bn && !bn.layerConf().isLockGammaBeta()
                    && !(bn.getHelper() instanceof FastBatchNorm)) {
                HELPER.set(bn, new FastBatchNorm((BatchNormalizationHelper) bn.getHelper()));
            }
        }
    }

    /** The helper of a running BatchNorm layer when it is this one, else null. */
    static FastBatchNorm of(org.deeplearning4j.nn.api.Layer layer) {
        return layer instanceof BatchNormalization bn && bn.getHelper() instanceof FastBatchNorm fast ? fast : null;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                              INDArray globalMean, INDArray globalVar, double decay, double eps, CNN2DFormat format,
                              LayerWorkspaceMgr workspaceMgr) {
        boolean ours = format == CNN2DFormat.NCHW && x.rank() == 4 && PlainFloatArrays.isPlain(x) && gamma != null && beta != null;
        lastForwardWasOurs = ours && training;
        lastOutputRectified = lastForwardWasOurs && next != null && next.takesRectifiedInput();
        if (!ours) {
            return fallback == null ? null
                    : fallback.preOutput(x, training, shape, gamma, beta, globalMean, globalVar, decay, eps, format, workspaceMgr);
        }
        if (!training) {
            return normalised(x, gamma, beta, globalMean.toFloatVector(), globalVar.toFloatVector(), eps, false,
                    workspaceMgr);
        }
        int n = (int) x.size(0);
        int channels = (int) x.size(1);
        int area = (int) (x.size(2) * x.size(3));
        double[][] sums = channelSums(x, null, channels, area);
        double count = (double) n * area;
        ensureCapacity(channels);
        float[] variance = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sums[0][c] / count;
            double v = Math.max(0, sums[1][c] / count - m * m);
            mean[c] = (float) m;
            variance[c] = (float) v;
            invStd[c] = (float) (1 / Math.sqrt(v + eps));
        }
        keepBatchStatistics(variance, channels);
        return normalised(x, gamma, beta, mean, variance, eps, lastOutputRectified, workspaceMgr);
    }

    /** (x - mean) / sqrt(variance + eps) * gamma + beta, per channel, in one pass; rectified: max(0, that). */
    private static INDArray normalised(INDArray x, INDArray gamma, INDArray beta, float[] mean, float[] variance,
                                       double eps, boolean rectified, LayerWorkspaceMgr workspaceMgr) {
        int channels = (int) x.size(1);
        float[] g = gamma.toFloatVector();
        float[] b = beta.toFloatVector();
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = g[c] / Math.sqrt(variance[c] + eps);
            scale[c] = (float) s;
            shift[c] = (float) (b[c] - mean[c] * s);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        int area = (int) (x.size(2) * x.size(3));
        if (rectified) {
            PlainFloatArrays.rowAffineRectified(x, out, area, scale, shift);
        } else {
            PlainFloatArrays.rowAffine(x, null, out, area, scale, null, shift);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (backwardSwitchedOff) {
            // nothing below uses a gradient (InputConvBackprop.switchedOff): the incoming one stands in, unchanged,
            // in the workspace DL4J expects this layer's output gradient in
            return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, epsilon));
        }
        if (!lastForwardWasOurs || !PlainFloatArrays.isPlain(input)) {
            return fallback == null ? null
                    : fallback.backpropGradient(input, epsilon, shape, gamma, beta, dGammaView, dBetaView, eps, format, workspaceMgr);
        }
        INDArray g = PlainFloatArrays.isPlain(epsilon) && java.util.Arrays.equals(epsilon.shape(), input.shape()) ? epsilon : epsilon.dup('c');
        int n = (int) input.size(0);
        int channels = (int) input.size(1);
        int area = (int) (input.size(2) * input.size(3));
        // sums[0] = sum of g, sums[1] = sum of g*x, per channel
        double[][] sums = channelSums(g, input, channels, area);
        double count = (double) n * area;
        float[] gammaValues = gamma.toFloatVector();
        float[] dGamma = new float[channels];
        float[] dBeta = new float[channels];
        float[] onG = new float[channels];
        float[] onX = new float[channels];
        float[] constant = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = invStd[c];
            double sumG = sums[0][c];
            double sumXHatG = s * (sums[1][c] - mean[c] * sumG);
            dBeta[c] = (float) sumG;
            dGamma[c] = (float) sumXHatG;
            // dL/dx = gamma*s*(g - sumG/count - xHat*sumXHatG/count), xHat = (x - mean)*s: linear in g and x
            double a = gammaValues[c] * s;
            double onXValue = -a * s * sumXHatG / count;
            onG[c] = (float) a;
            onX[c] = (float) onXValue;
            constant[c] = (float) (-a * sumG / count - onXValue * mean[c]);
        }
        dGammaView.assign(Nd4j.createFromArray(dGamma).reshape(dGammaView.shape()));
        dBetaView.assign(Nd4j.createFromArray(dBeta).reshape(dBetaView.shape()));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        PlainFloatArrays.rowAffine(input, g, dx, area, onX, onG, constant);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor("gamma", dGammaView);
        gradient.setGradientFor("beta", dBetaView);
        return new Pair<>(gradient, dx);
    }

    /** Its training output goes to {@code relu} rectified, whenever that layer {@link ReluAfterBatchNorm#takesRectifiedInput}. */
    void rectifyFor(ReluAfterBatchNorm relu) {
        next = relu;
    }

    /** Whether the last forward pass wrote its output rectified (training, by this helper, for {@link #rectifyFor}). */
    boolean lastOutputRectified() {
        return lastOutputRectified;
    }

    void switchBackwardOff(boolean off) {
        backwardSwitchedOff = off;
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return lastForwardWasOurs ? meanCache : fallback.getMeanCache(dataType);
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return lastForwardWasOurs ? varCache : fallback.getVarCache(dataType);
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }

    /** Per channel: sums[0] = sum of a, sums[1] = sum of a*a (b null) or of a*b. */
    private static double[][] channelSums(INDArray a, INDArray b, int channels, int area) {
        double[] first = new double[channels];
        double[] second = new double[channels];
        PlainFloatArrays.channelSums(a, b, channels, area, first, second);
        return new double[][]{first, second};
    }

    private void ensureCapacity(int channels) {
        if (mean.length != channels) {
            mean = new float[channels];
            invStd = new float[channels];
        }
    }

    /** DL4J reads them after the forward pass, outside any workspace of ours, to update the running averages. */
    private void keepBatchStatistics(float[] variance, int channels) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            if (meanCache == null || meanCache.length() != channels) {
                meanCache = Nd4j.create(DataType.FLOAT, channels);
                varCache = Nd4j.create(DataType.FLOAT, channels);
            }
            meanCache.assign(Nd4j.createFromArray(mean));
            varCache.assign(Nd4j.createFromArray(variance));
        }
    }
}
