package dev.prune.infer;

import dev.prune.graph.UnsupportedNetworkException;
import dev.prune.net.ConvNet;
import dev.prune.onednn.ConvGeometry;
import dev.prune.onednn.OneDnnSession;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_inner_product_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_pooling_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_softmax_desc_t;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

import static dev.prune.onednn.OneDnnSession.check;
import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * Compiles a network for one batch size into oneDNN primitives: BatchNorm folded into its conv
 * ({@link BatchNormFolding}), activations fused into the conv or dense layer before them, feature maps kept
 * in the layout oneDNN picks for the next primitive (no reorder between layers), weights reordered once.
 * A batch-1 answer of vgg-small then takes a tenth of DL4J's time (docs/performance.md): DL4J's layers and
 * libnd4j's ops build their oneDNN primitive descriptors on every call.
 * <p>
 * Runs 2D convolutions (NCHW, any kernel, stride, dilation; Same or Truncate mode), max and average pooling,
 * dense and output layers, activation and dropout layers; anything else is refused with
 * {@link UnsupportedNetworkException}.
 */
public final class OneDnnCompiler {
    private final ConvNet model;
    private final int batch;
    private final OneDnnSession session;
    private final List<OneDnnSession.Step> steps = new ArrayList<>();
    private final dnnl_memory input;
    private dnnl_memory current;
    private dnnl_memory_desc_t currentMd;
    private long[] currentDims;

    private OneDnnCompiler(ConvNet model, int batch, OneDnnSession session) {
        this.model = model;
        this.batch = batch;
        this.session = session;
        currentDims = model.input().batchShape(batch);
        currentMd = session.desc(currentDims, dnnl_nchw);
        input = session.external(currentMd, null);
        current = input;
    }

    public static OneDnnNetwork compile(ConvNet model, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        var session = new OneDnnSession();
        try {
            return new OneDnnCompiler(BatchNormFolding.fold(model), batchSize, session).build();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private OneDnnNetwork build() {
        Layer[] layers = model.network().getLayers();
        List<InputType> outputTypes = model.layerOutputTypes();
        for (int i = 0; i < layers.length; i++) {
            var conf = layers[i].conf().getLayer();
            checkPreProcessor(i, conf);
            if (conf.getClass() == ConvolutionLayer.class) {
                i = convolution(i, (ConvolutionLayer) conf, outputTypes.get(i));
            } else if (conf.getClass() == SubsamplingLayer.class) {
                pooling(i, (SubsamplingLayer) conf, outputTypes.get(i));
            } else if (conf.getClass() == DenseLayer.class || conf.getClass() == OutputLayer.class) {
                i = innerProduct(i, (BaseLayer) conf);
            } else if (conf instanceof ActivationLayer activation) {
                standaloneActivation(i, activation);
            } else if (!(conf instanceof DropoutLayer)) { // dropout does nothing in inference
                throw new UnsupportedNetworkException("the oneDNN runtime cannot run layer " + i + " ('"
                        + model.layerName(i) + "', " + conf.getClass().getSimpleName() + "): it runs convolution, "
                        + "subsampling, batch normalization after a convolution, dense, output, activation and "
                        + "dropout layers; measure this network with the dl4j runtime");
            }
        }
        // each run writes its answer into a new array: straight from the last layer when that is laid out plainly
        // (dense layers are), else through a reorder
        var resultMd = session.desc(currentDims, currentDims.length == 4 ? dnnl_nchw : dnnl_nc);
        dnnl_memory result = current;
        if (current == input || dnnl_memory_desc_equal(currentMd, resultMd) == 0) {
            result = session.external(resultMd, null);
            steps.add(session.reorder(current, currentMd, result, resultMd));
        }
        return new OneDnnNetwork(session, steps, input, model.input().batchShape(batch), result, currentDims);
    }

    private int convolution(int i, ConvolutionLayer conv, InputType outputType) {
        requireNchw(i, conv.getCnn2dDataFormat());
        var out = (InputType.InputTypeConvolutional) outputType;
        long[] dstDims = {batch, out.getChannels(), out.getHeight(), out.getWidth()};
        INDArray weights = model.network().getLayer(i).getParam("W");
        long[] weightDims = weights.shape();
        long[][] padding = padding(i, conv.getConvolutionMode(), conv.getPadding(), conv.getKernelSize(),
                conv.getStride(), conv.getDilation(), dstDims);
        var biasMd = conv.hasBias() ? session.desc(new long[]{dstDims[1]}, dnnl_x) : null;
        var desc = session.track(new dnnl_convolution_desc_t());
        check(dnnl_dilated_convolution_forward_desc_init(desc, dnnl_forward_inference, dnnl_convolution_direct,
                session.desc(currentDims, dnnl_format_tag_any), session.desc(weightDims, dnnl_format_tag_any), biasMd,
                session.desc(dstDims, dnnl_format_tag_any), ConvGeometry.longs(conv.getStride()), ConvGeometry.dilates(conv.getDilation()), padding[0],
                padding[1]), "convolution descriptor of " + where(i));
        List<OneDnnSession.Eltwise> postOps = new ArrayList<>(OneDnnActivation.of(conv.getActivationFn(), where(i)));
        int last = fuseFollowingActivations(i, postOps);
        var pd = session.primitiveDesc(desc, postOps, "convolution " + where(i));
        dnnl_memory src = inLayoutOf(pd, dnnl_query_src_md);
        dnnl_memory w = session.reorderedNow(session.filled(weightDims, dnnl_oihw, values(weights)),
                session.desc(weightDims, dnnl_oihw), dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0));
        emit(pd, src, w, conv.hasBias() ? bias(i) : null, dstDims);
        return last;
    }

    private void pooling(int i, SubsamplingLayer pool, InputType outputType) {
        requireNchw(i, pool.getCnn2dDataFormat());
        int algorithm;
        if (pool.getPoolingType() == PoolingType.MAX) {
            algorithm = dnnl_pooling_max;
        } else if (pool.getPoolingType() == PoolingType.AVG) {
            algorithm = pool.isAvgPoolIncludePadInDivisor() ? dnnl_pooling_avg_include_padding
                    : dnnl_pooling_avg_exclude_padding;
        } else {
            throw new UnsupportedNetworkException("the oneDNN runtime cannot run " + pool.getPoolingType()
                    + " pooling (" + where(i) + "): it runs MAX and AVG; measure this network with the dl4j runtime");
        }
        if (pool.getDilation()[0] != 1 || pool.getDilation()[1] != 1) {
            throw new UnsupportedNetworkException("the oneDNN runtime cannot run dilated pooling (" + where(i)
                    + "); measure this network with the dl4j runtime");
        }
        var out = (InputType.InputTypeConvolutional) outputType;
        long[] dstDims = {batch, out.getChannels(), out.getHeight(), out.getWidth()};
        long[][] padding = padding(i, pool.getConvolutionMode(), pool.getPadding(), pool.getKernelSize(),
                pool.getStride(), pool.getDilation(), dstDims);
        var desc = session.track(new dnnl_pooling_desc_t());
        check(dnnl_pooling_forward_desc_init(desc, dnnl_forward_inference, algorithm, currentMd,
                session.desc(dstDims, dnnl_format_tag_any), ConvGeometry.longs(pool.getStride()), ConvGeometry.longs(pool.getKernelSize()),
                padding[0], padding[1]), "pooling descriptor of " + where(i));
        var pd = session.primitiveDesc(desc, List.of(), "pooling " + where(i));
        emit(pd, current, null, null, dstDims);
    }

    private int innerProduct(int i, BaseLayer dense) {
        INDArray weights = model.network().getLayer(i).getParam("W"); // [nIn, nOut]
        long units = weights.size(1);
        // oneDNN takes [out, in] weights; after a conv, [out, channels, height, width]: DL4J flattens NCHW maps in
        // c order, so input index c*H*W + h*W + w is that weight's (c, h, w)
        long[] weightDims = currentDims.length == 4
                ? new long[]{units, currentDims[1], currentDims[2], currentDims[3]}
                : new long[]{units, currentDims[1]};
        int weightTag = currentDims.length == 4 ? dnnl_oihw : dnnl_oi;
        long[] dstDims = {batch, units};
        boolean hasBias = dense instanceof DenseLayer d ? d.hasBias() : ((BaseOutputLayer) dense).hasBias();
        var desc = session.track(new dnnl_inner_product_desc_t());
        check(dnnl_inner_product_forward_desc_init(desc, dnnl_forward_inference, currentMd,
                session.desc(weightDims, dnnl_format_tag_any), hasBias ? session.desc(new long[]{units}, dnnl_x) : null,
                session.desc(dstDims, dnnl_nc)), "inner product descriptor of " + where(i));
        boolean softmax = OneDnnActivation.isSoftmax(dense.getActivationFn());
        List<OneDnnSession.Eltwise> postOps = new ArrayList<>(softmax ? List.of()
                : OneDnnActivation.of(dense.getActivationFn(), where(i)));
        int last = softmax ? i : fuseFollowingActivations(i, postOps);
        var pd = session.primitiveDesc(desc, postOps, "inner product " + where(i));
        dnnl_memory w = session.reorderedNow(session.filled(weightDims, weightTag, values(weights.transpose())),
                session.desc(weightDims, weightTag), dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0));
        emit(pd, current, w, hasBias ? bias(i) : null, dstDims);
        if (softmax) {
            softmax();
        }
        return last;
    }

    private void standaloneActivation(int i, ActivationLayer layer) {
        if (OneDnnActivation.isSoftmax(layer.getActivationFn()) && currentDims.length == 2) {
            ownCurrent();
            softmax();
            return;
        }
        for (OneDnnSession.Eltwise op : OneDnnActivation.of(layer.getActivationFn(), where(i))) {
            ownCurrent();
            var desc = session.track(new dnnl_eltwise_desc_t());
            check(dnnl_eltwise_forward_desc_init(desc, dnnl_forward_inference, op.algorithm(), currentMd, op.alpha(),
                    op.beta()), "activation descriptor of " + where(i));
            var pd = session.primitiveDesc(desc, List.of(), "activation " + where(i));
            steps.add(session.step(pd, new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, new dnnl_memory[]{current, current}));
        }
    }

    private void softmax() {
        var desc = session.track(new dnnl_softmax_desc_t());
        check(dnnl_softmax_forward_desc_init(desc, dnnl_forward_inference, currentMd, 1), "softmax descriptor");
        var pd = session.primitiveDesc(desc, List.of(), "softmax");
        steps.add(session.step(pd, new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, new dnnl_memory[]{current, current}));
    }

    /** Appends the activation layers (and dropout layers) right after layer {@code i}; returns the last one taken. */
    private int fuseFollowingActivations(int i, List<OneDnnSession.Eltwise> postOps) {
        var network = model.network();
        int last = i;
        for (int j = i + 1; j < network.getnLayers(); j++) {
            var conf = network.getLayer(j).conf().getLayer();
            if (network.getLayerWiseConfigurations().getInputPreProcess(j) != null) {
                break;
            }
            if (conf instanceof ActivationLayer activation && !OneDnnActivation.isSoftmax(activation.getActivationFn())) {
                postOps.addAll(OneDnnActivation.of(activation.getActivationFn(), where(j)));
            } else if (!(conf instanceof DropoutLayer)) {
                break;
            }
            last = j;
        }
        return last;
    }

    /** A step running {@code pd} from the current feature maps into new memory in the layout it chose. */
    private void emit(dnnl_primitive_desc pd, dnnl_memory src, dnnl_memory weights, dnnl_memory bias, long[] dstDims) {
        var dstMd = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
        dnnl_memory dst = session.allocate(dstMd);
        List<Integer> keys = new ArrayList<>(List.of(DNNL_ARG_SRC, DNNL_ARG_DST));
        List<dnnl_memory> memories = new ArrayList<>(List.of(src, dst));
        if (weights != null) {
            keys.add(DNNL_ARG_WEIGHTS);
            memories.add(weights);
        }
        if (bias != null) {
            keys.add(DNNL_ARG_BIAS);
            memories.add(bias);
        }
        steps.add(session.step(pd, keys.stream().mapToInt(Integer::intValue).toArray(),
                memories.toArray(new dnnl_memory[0])));
        current = dst;
        currentMd = dstMd;
        currentDims = dstDims;
    }

    /** The current feature maps in the layout {@code pd} wants as its source, reordered at run time if needed. */
    private dnnl_memory inLayoutOf(dnnl_primitive_desc pd, int query) {
        return session.inLayout(current, currentMd, dnnl_primitive_desc_query_md(pd, query, 0), steps);
    }

    /** In-place steps must not write into the caller's input. */
    private void ownCurrent() {
        if (current == input) {
            dnnl_memory copy = session.allocate(currentMd);
            steps.add(session.reorder(current, currentMd, copy, currentMd));
            current = copy;
        }
    }

    private dnnl_memory bias(int i) {
        INDArray bias = model.network().getLayer(i).getParam("b");
        return session.filled(new long[]{bias.length()}, dnnl_x, values(bias));
    }

    private long[][] padding(int i, ConvolutionMode mode, int[] pad, int[] kernel, int[] stride, int[] dilation,
                             long[] dstDims) {
        long[][] padding = ConvGeometry.padding(mode, pad, kernel, stride, dilation, currentDims, dstDims);
        if (padding == null) {
            throw new UnsupportedNetworkException("the oneDNN runtime cannot run convolution mode " + mode + " ("
                    + where(i) + "): it runs Same, Truncate and Strict; measure this network with the dl4j runtime");
        }
        return padding;
    }

    private void checkPreProcessor(int i, org.deeplearning4j.nn.conf.layers.Layer conf) {
        InputPreProcessor pre = model.network().getLayerWiseConfigurations().getInputPreProcess(i);
        boolean flatten = pre instanceof CnnToFeedForwardPreProcessor cnn && cnn.getFormat() == CNN2DFormat.NCHW
                && currentDims.length == 4 && (conf instanceof DenseLayer || conf instanceof OutputLayer);
        if (pre != null && !flatten) {
            throw new UnsupportedNetworkException("the oneDNN runtime cannot run input preprocessor "
                    + pre.getClass().getSimpleName() + " of " + where(i) + ": it runs the NCHW flatten before a dense "
                    + "layer; measure this network with the dl4j runtime");
        }
    }

    private void requireNchw(int i, CNN2DFormat format) {
        if (format != CNN2DFormat.NCHW) {
            throw new UnsupportedNetworkException("the oneDNN runtime cannot run " + format + " feature maps ("
                    + where(i) + "): it runs NCHW; measure this network with the dl4j runtime");
        }
    }

    private String where(int i) {
        return "layer " + i + " '" + model.layerName(i) + "'";
    }

    private static float[] values(INDArray array) {
        return array.dup('c').data().asFloat();
    }
}
