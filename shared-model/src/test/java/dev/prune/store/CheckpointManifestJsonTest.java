package dev.prune.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointManifestJsonTest {

    private static CheckpointManifest sample() {
        Map<String, Integer> filters = new LinkedHashMap<>();
        filters.put("block2_conv1", 100);
        filters.put("block1_conv1", 30);
        filters.put("block10_conv1", 7);
        CheckpointMetadata meta = CheckpointMetadata.builder("ranker")
                .parent(new CheckpointKey("r", 0, "base"))
                .architecture("resnet-ish")
                .filtersPerLayer(filters)
                .params(1L << 33)
                .convFlops(5)
                .totalFlops(6)
                .extra("note", "hello")
                .build();
        return CheckpointManifest.create(new CheckpointKey("r", 1, "ranked"), meta, "ab".repeat(32), 42,
                Instant.parse("2025-01-02T03:04:05Z"));
    }

    @Test
    void writesStableSnakeCaseFieldsInOrder() throws IOException {
        JsonNode json = new ObjectMapper().readTree(CheckpointManifestJson.write(sample()));

        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("key", "run_id", "iteration", "stage", "parent", "producer", "sha256", "model_bytes",
                "model_file", "created_at", "architecture", "filters_per_layer", "params", "conv_flops", "total_flops", "extra"),
                fields);
        assertEquals("runs/r/iter-001/ranked/", json.get("key").asText());
        assertEquals("runs/r/iter-000/base/", json.get("parent").asText());
        assertEquals("2025-01-02T03:04:05Z", json.get("created_at").asText());
        assertEquals(1L << 33, json.get("params").asLong());
        List<String> layers = new ArrayList<>();
        json.get("filters_per_layer").fieldNames().forEachRemaining(layers::add);
        assertEquals(List.of("block2_conv1", "block1_conv1", "block10_conv1"), layers);
    }

    @Test
    void roundTripKeepsEverythingIncludingLayerOrder() throws IOException {
        CheckpointManifest read = CheckpointManifestJson.read(CheckpointManifestJson.write(sample()));

        assertEquals(sample(), read);
        assertEquals(List.of("block2_conv1", "block1_conv1", "block10_conv1"),
                new ArrayList<>(read.filtersPerLayer().keySet()));
        assertEquals(new CheckpointKey("r", 1, "ranked"), read.checkpointKey());
    }

    @Test
    void unknownFieldsAreIgnoredAndMissingOptionalOnesDefault() throws IOException {
        String json = """
                {"key":"runs/r/iter-000/base/","run_id":"r","iteration":0,"stage":"base",
                 "producer":"p","sha256":"00","model_bytes":1,"created_at":"2025-01-01T00:00:00Z",
                 "added_later":{"x":1}}
                """;

        CheckpointManifest read = CheckpointManifestJson.read(json.getBytes(StandardCharsets.UTF_8));

        assertEquals(Map.of(), read.filtersPerLayer());
        assertEquals(Map.of(), read.extra());
        assertEquals(null, read.parent());
    }

    @Test
    void manifestWithoutHashIsRejected() {
        String json = """
                {"key":"runs/r/iter-000/base/","run_id":"r","iteration":0,"stage":"base",
                 "created_at":"2025-01-01T00:00:00Z"}
                """;

        IOException e = assertThrows(IOException.class,
                () -> CheckpointManifestJson.read(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    }
}
