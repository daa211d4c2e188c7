package dev.prune.surgery;

import dev.prune.error.PruningException;

import java.util.Collection;

/**
 * How far, and in which steps, a conv layer's filter count may come down.
 *
 * <p>With {@code roundTo} = 1 a layer gives one filter at a time until {@code minPerLayer} are left.
 * With {@code roundTo} = r > 1 it gives blocks: first (width mod r) filters, so that it comes down to a
 * multiple of r, then r at a time, never below max(minPerLayer, r); a layer narrower than r cannot be
 * rounded and gives nothing. CPU conv kernels work on 8 or 16 channels at once, so widths off those
 * multiples cost like the next multiple.
 *
 * @param minPerLayer filters every layer keeps at least (1 = never the last one)
 * @param roundTo     the multiple every cut layer's width comes down to (1 = any width)
 */
public record WidthRule(int minPerLayer, int roundTo) {
    public WidthRule {
        if (minPerLayer < 1) {
            throw new PruningException("every layer must keep at least 1 filter, got minPerLayer=" + minPerLayer);
        }
        if (roundTo < 1) {
            throw new PruningException("round_to must be >= 1 (1 = no rounding; 8 or 16 = widths in multiples of the "
                    + "CPU's vector width), got " + roundTo);
        }
    }

    /** The rule without rounding: one filter at a time down to {@code minPerLayer}. */
    public static WidthRule unrounded(int minPerLayer) {
        return new WidthRule(minPerLayer, 1);
    }

    /** How many filters the next cut of a layer this wide takes together; 0 when the layer may not shrink further. */
    public int nextBlock(int width) {
        if (width < roundTo) {
            return 0;
        }
        int block = width % roundTo == 0 ? roundTo : width % roundTo;
        return width - block >= Math.max(minPerLayer, roundTo) ? block : 0;
    }

    /** All the filters that can still go from a layer this wide. */
    public int removable(int width) {
        int removed = 0;
        for (int block = nextBlock(width); block > 0; block = nextBlock(width - removed)) {
            removed += block;
        }
        return removed;
    }

    /** All the filters that can still go from layers of these widths. */
    public int removable(Collection<Integer> widths) {
        return widths.stream().mapToInt(this::removable).sum();
    }

    /** What the floor is, in words, for messages. */
    String describe() {
        return roundTo == 1
                ? "every layer keeps at least " + minPerLayer
                : "every layer keeps at least " + Math.max(minPerLayer, roundTo) + " and comes down in multiples of round_to="
                        + roundTo;
    }
}
