package dev.prune.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/** Reads and writes {@link CheckpointManifest} as the JSON stored in {@code manifest.json}. */
public final class CheckpointManifestJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private CheckpointManifestJson() {
    }

    public static byte[] write(CheckpointManifest manifest) {
        try {
            return MAPPER.writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new CheckpointStoreException("cannot write the manifest of " + manifest.key() + " as JSON: "
                    + e.getOriginalMessage() + "; keep the values in 'extra' to strings, numbers, booleans, "
                    + "lists and maps", e);
        }
    }

    /** The mapper for the store's other JSON objects (run records), with the same settings. */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    /** @throws IOException when the bytes are not a valid manifest */
    public static CheckpointManifest read(byte[] json) throws IOException {
        return MAPPER.readValue(json, CheckpointManifest.class);
    }
}
