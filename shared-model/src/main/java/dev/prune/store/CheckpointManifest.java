package dev.prune.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.prune.error.PruningException;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code manifest.json} stored beside every {@code model.zip}. Field names in JSON are snake_case and
 * stable; unknown fields are ignored on read so newer writers stay readable.
 *
 * @param key       prefix of this checkpoint, {@code runs/{runId}/iter-{NNN}/{stage}/}
 * @param parent    prefix of the checkpoint this one was derived from, or null
 * @param sha256    lower-case hex SHA-256 of model.zip
 * @param modelFile name of the stored payload object under the key's prefix: named after its sha256
 *                  ({@code model-<sha256>.zip}), so two writers racing on one key never overwrite each other's
 *                  bytes; manifests written before it existed have none and mean {@link CheckpointKey#payloadFile()}
 * @param createdAt ISO-8601 instant
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"key", "run_id", "iteration", "stage", "parent", "producer", "sha256", "model_bytes", "model_file",
        "created_at", "architecture", "filters_per_layer", "params", "conv_flops", "total_flops", "extra"})
public record CheckpointManifest(
        @JsonProperty("key") String key,
        @JsonProperty("run_id") String runId,
        @JsonProperty("iteration") int iteration,
        @JsonProperty("stage") String stage,
        @JsonProperty("parent") String parent,
        @JsonProperty("producer") String producer,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("model_bytes") long modelBytes,
        @JsonProperty("model_file") String modelFile,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("architecture") String architecture,
        @JsonProperty("filters_per_layer") Map<String, Integer> filtersPerLayer,
        @JsonProperty("params") long params,
        @JsonProperty("conv_flops") long convFlops,
        @JsonProperty("total_flops") long totalFlops,
        @JsonProperty("extra") Map<String, Object> extra) {

    public CheckpointManifest {
        requirePresent("key", key);
        requirePresent("run_id", runId);
        requirePresent("stage", stage);
        requirePresent("sha256", sha256);
        requirePresent("created_at", createdAt);
        filtersPerLayer = CheckpointMetadata.orderedCopy(filtersPerLayer);
        extra = CheckpointMetadata.orderedCopy(extra);
    }

    static CheckpointManifest create(CheckpointKey key, CheckpointMetadata meta, String sha256, long modelBytes,
                                     Instant createdAt) {
        return new CheckpointManifest(key.prefix(), key.runId(), key.iteration(), key.stage(),
                meta.parent() == null ? null : meta.parent().prefix(), meta.producer(), sha256, modelBytes,
                key.payloadFile(sha256),
                createdAt.toString(), meta.architecture(), meta.filtersPerLayer(), meta.params(), meta.convFlops(),
                meta.totalFlops(), meta.extra());
    }

    /** The key as a {@link CheckpointKey}. */
    public CheckpointKey checkpointKey() {
        return CheckpointKey.parse(key);
    }

    /** Object key of the stored payload this manifest describes. */
    public String modelObjectKey() {
        CheckpointKey own = checkpointKey();
        return own.prefix() + (modelFile == null || modelFile.isBlank() ? own.payloadFile() : modelFile);
    }

    public Optional<CheckpointKey> parentKey() {
        return parent == null ? Optional.empty() : Optional.of(CheckpointKey.parse(parent));
    }

    private static void requirePresent(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new PruningException("checkpoint manifest has no '" + field + "'; a manifest is only valid with "
                    + "key, run_id, stage, sha256 and created_at set");
        }
    }
}
