package dev.prune.speedup;

import org.deeplearning4j.nn.api.Layer;

import java.lang.reflect.Field;

/**
 * The private {@code helper} field of a DL4J layer class, through which a running layer's native implementation
 * is replaced (DL4J has a public getter, {@code getHelper()}, but no setter).
 */
final class LayerHelperField {
    private final Field field;

    private LayerHelperField(Field field) {
        this.field = field;
    }

    static LayerHelperField of(Class<? extends Layer> layerClass) {
        try {
            Field field = layerClass.getDeclaredField("helper");
            field.setAccessible(true);
            return new LayerHelperField(field);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("DL4J's " + layerClass.getSimpleName() + " has no 'helper' field: another DL4J version?", e);
        }
    }

    void set(Layer layer, Object helper) {
        try {
            field.set(layer, helper);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot set the helper of DL4J's " + layer.getClass().getSimpleName(), e);
        }
    }
}
