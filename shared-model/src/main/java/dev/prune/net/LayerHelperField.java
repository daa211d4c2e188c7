package dev.prune.net;

import java.lang.reflect.Field;

/** The private {@code helper} field of a DL4J layer class, through which a layer's native implementation is replaced. */
final class LayerHelperField {
    private LayerHelperField() {
    }

    static Field of(Class<?> layerClass) {
        try {
            Field field = layerClass.getDeclaredField("helper");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("DL4J's " + layerClass.getSimpleName() + " has no 'helper' field: another DL4J version?", e);
        }
    }
}
