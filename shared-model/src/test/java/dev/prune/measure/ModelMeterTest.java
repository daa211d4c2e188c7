package dev.prune.measure;

import dev.prune.data.ImageShape;
import dev.prune.data.LabeledImages;
import dev.prune.net.ConvNet;
import dev.prune.testing.TinyNets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A network with BatchNorm: accuracy, loss and cost are those of the network as trained; timing (on its folded inference form) runs. */
class ModelMeterTest {

    @Test
    void aBatchNormNetworkIsMeasuredAsTrained() {
        ConvNet model = TinyNets.tiny(true, 3);
        TinyNets.randomiseBatchNorm(model, 6);
        Random random = new Random(1);
        float[][] images = new float[20][64];
        int[] labels = new int[20];
        for (int i = 0; i < images.length; i++) {
            for (int j = 0; j < 64; j++) {
                images[i][j] = random.nextFloat();
            }
            labels[i] = i % 3;
        }
        LabeledImages data = LabeledImages.ofFloats(images, labels, new ImageShape(1, 8, 8), List.of("a", "b", "c"));

        ModelMetrics metrics = new ModelMeter(data, new MeasureSettings(8, 2, 5, 3, 0)).measure(model);

        var direct = AccuracyEvaluator.evaluate(model, data, 8);
        assertEquals(direct.accuracy(), metrics.accuracy());
        assertEquals(direct.loss(), metrics.loss(), 1e-9);
        assertEquals(ModelCost.of(model).convFlops(), metrics.convFlops());
        assertEquals(Map.of("conv1", 4, "conv2", 6, "conv3", 5), metrics.filtersPerLayer());
        assertTrue(metrics.latencyB1Ms() > 0 && metrics.latencyB64Ms() > 0);
    }
}
