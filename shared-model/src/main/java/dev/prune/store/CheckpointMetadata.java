package dev.prune.store;

import dev.prune.error.PruningException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a stage tells the store about a checkpoint it writes. The store adds the key, the model's sha256 and
 * size, and the creation time to form the {@link CheckpointManifest}.
 *
 * @param parent          the checkpoint this one was derived from, or null for a base network
 * @param producer        the stage or service that wrote it, e.g. "surgeon-service"
 * @param architecture    free-form summary of the network
 * @param filtersPerLayer conv layer name to its number of filters, in network order
 * @param extra           anything else worth keeping (JSON-serialisable values), may be empty
 */
public record CheckpointMetadata(CheckpointKey parent, String producer, String architecture,
                                 Map<String, Integer> filtersPerLayer, long params, long convFlops, long totalFlops,
                                 Map<String, Object> extra) {

    public CheckpointMetadata {
        if (producer == null || producer.isBlank()) {
            throw new PruningException("checkpoint metadata needs a producer (the stage or service that "
                    + "wrote the checkpoint, e.g. \"surgeon-service\")");
        }
        filtersPerLayer = orderedCopy(filtersPerLayer);
        extra = orderedCopy(extra);
    }

    public static Builder builder(String producer) {
        return new Builder(producer);
    }

    static <V> Map<String, V> orderedCopy(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    public static final class Builder {
        private final String producer;
        private CheckpointKey parent;
        private String architecture;
        private Map<String, Integer> filtersPerLayer = Map.of();
        private long params;
        private long convFlops;
        private long totalFlops;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder(String producer) {
            this.producer = producer;
        }

        public Builder parent(CheckpointKey parent) {
            this.parent = parent;
            return this;
        }

        public Builder architecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        public Builder filtersPerLayer(Map<String, Integer> filtersPerLayer) {
            this.filtersPerLayer = Objects.requireNonNull(filtersPerLayer, "filtersPerLayer");
            return this;
        }

        public Builder params(long params) {
            this.params = params;
            return this;
        }

        public Builder convFlops(long convFlops) {
            this.convFlops = convFlops;
            return this;
        }

        public Builder totalFlops(long totalFlops) {
            this.totalFlops = totalFlops;
            return this;
        }

        public Builder extra(String name, Object value) {
            extra.put(name, value);
            return this;
        }

        public CheckpointMetadata build() {
            return new CheckpointMetadata(parent, producer, architecture, filtersPerLayer, params, convFlops,
                    totalFlops, extra);
        }
    }
}
