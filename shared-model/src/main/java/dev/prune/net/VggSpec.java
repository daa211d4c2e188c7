package dev.prune.net;

import dev.prune.error.PruningException;

import java.util.List;

/**
 * A VGG-style network: blocks of 3x3 'same' convolutions (each optionally followed by
 * BatchNorm), ReLU, a 2x2 max-pool after every block, then a dense head.
 */
public record VggSpec(InputShape input, List<List<Integer>> blocks, boolean batchNorm,
                      List<Integer> denseUnits, int numClasses, long seed) {

    public VggSpec {
        if (blocks.isEmpty() || blocks.stream().anyMatch(List::isEmpty)) {
            throw new PruningException("a VGG network needs at least one block with at least one conv layer");
        }
        if (numClasses < 2) {
            throw new PruningException("numClasses must be at least 2, got " + numClasses);
        }
        blocks = List.copyOf(blocks.stream().map(List::copyOf).toList());
        denseUnits = List.copyOf(denseUnits);
    }

    /** The default network for 28x28x1 input: conv 32-32-pool-64-64-pool, dense 128, 10 classes. */
    public static VggSpec vggSmall(boolean batchNorm, long seed) {
        return new VggSpec(new InputShape(1, 28, 28), List.of(List.of(32, 32), List.of(64, 64)), batchNorm,
                List.of(128), 10, seed);
    }

    /** VGG16's 13 convolutions with a new dense head, as in transfer learning (the seed article). */
    public static VggSpec vgg16(InputShape input, List<Integer> denseHead, int numClasses, long seed) {
        return new VggSpec(input, List.of(List.of(64, 64), List.of(128, 128), List.of(256, 256, 256),
                List.of(512, 512, 512), List.of(512, 512, 512)), false, denseHead, numClasses, seed);
    }

    public static VggSpec named(String name, boolean batchNorm, long seed) {
        return switch (name) {
            case "vgg-small" -> vggSmall(batchNorm, seed);
            case "vgg16" -> vgg16(new InputShape(3, 224, 224), List.of(256, 256), 2, seed);
            default -> throw new PruningException("unknown network '" + name + "': use vgg-small or vgg16");
        };
    }

    public int convCount() {
        return blocks.stream().mapToInt(List::size).sum();
    }
}
