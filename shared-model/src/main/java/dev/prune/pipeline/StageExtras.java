package dev.prune.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.prune.events.EventCodec;
import dev.prune.store.CheckpointManifest;

import java.util.Map;

/** Reads the stage figures that a stage keeps in its checkpoint manifest's "extra" map. */
final class StageExtras {
    private StageExtras() {
    }

    static double number(CheckpointManifest manifest, String name) {
        Object value = manifest.extra().get(name);
        return value instanceof Number n ? n.doubleValue() : 0;
    }

    static Map<String, int[]> removed(CheckpointManifest manifest) {
        return EventCodec.json().convertValue(manifest.extra().get("removed"), new TypeReference<Map<String, int[]>>() { });
    }
}
