package dev.prune.measure;

import dev.prune.net.ConvNet;
import dev.prune.net.InputShape;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** FLOPs (multiply-adds) and parameters against values worked out by hand. */
class ModelCostTest {

    @Test
    void vggSmall() {
        ModelCost cost = ModelCost.of(VggBuilder.build(VggSpec.vggSmall(false, 0)));
        long conv = 28 * 28 * 32 * 1 * 9      // conv1 225,792
                + 28 * 28 * 32 * 32 * 9       // conv2 7,225,344
                + 14 * 14 * 64 * 32 * 9       // conv3 3,612,672
                + 14 * 14 * 64 * 64 * 9;      // conv4 7,225,344
        assertEquals(18_289_152L, conv);
        assertEquals(conv, cost.convFlops());
        assertEquals(conv + 64 * 7 * 7 * 128 + 128 * 10, cost.totalFlops());
        long params = (32 * 9 + 32) + (32 * 32 * 9 + 32) + (64 * 32 * 9 + 64) + (64 * 64 * 9 + 64)
                + (3136 * 128 + 128) + (128 * 10 + 10);
        assertEquals(467_818L, params);
        assertEquals(params, cost.params());
    }

    @Test
    void vggSmallWithBatchNormAddsFourValuesPerChannel() {
        ModelCost cost = ModelCost.of(VggBuilder.build(VggSpec.vggSmall(true, 0)));
        assertEquals(467_818L + 4L * (32 + 32 + 64 + 64), cost.params());
        assertEquals(18_289_152L, cost.convFlops());
    }

    @Test
    void vgg16At224() {
        ConvNet vgg16 = VggBuilder.build(VggSpec.vgg16(new InputShape(3, 224, 224), List.of(256, 256), 2, 0));
        ModelCost cost = ModelCost.of(vgg16);
        // the 13 convolutions of VGG16: 15.35 G multiply-adds and 14,714,688 parameters (Simonyan & Zisserman)
        assertEquals(15_346_630_656L, cost.convFlops());
        long head = (512L * 7 * 7 * 256 + 256) + (256 * 256 + 256) + (256 * 2 + 2);
        assertEquals(14_714_688L + head, cost.params());
        assertEquals(15_346_630_656L + 512L * 7 * 7 * 256 + 256 * 256 + 256 * 2, cost.totalFlops());
    }

    @Test
    void flopsSavedByOneFilterCountTheConsumerToo() {
        ConvNet model = VggBuilder.build(VggSpec.vggSmall(false, 0));
        var convs = dev.prune.graph.ConvDependencies.of(model);
        assertEquals(28 * 28 * 1 * 9 + 28 * 28 * 32 * 9, ModelCost.flopsPerFilter(model, convs.get(0)));
        assertEquals(14 * 14 * 64 * 9 + 49 * 128, ModelCost.flopsPerFilter(model, convs.get(3)));
    }
}
