package dev.prune.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link CheckpointStore} must do; subclasses supply the store and raw access behind its back. */
abstract class CheckpointStoreContractTest {
    private static final CheckpointKey BASE = new CheckpointKey("run-1", 0, "base");
    private static final CheckpointKey PRUNED = new CheckpointKey("run-1", 1, "pruned");

    @TempDir
    Path work;
    CheckpointStore store;

    /** A fresh, empty store. */
    abstract CheckpointStore newStore() throws Exception;

    /** Writes an object directly into the underlying storage, bypassing the store. */
    abstract void writeRawObject(String objectKey, byte[] content) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void putThenFetchReturnsTheSameBytesAndManifest() throws Exception {
        byte[] model = randomBytes(300_000, 1);
        Map<String, Integer> filters = new LinkedHashMap<>();
        filters.put("conv5", 512);
        filters.put("conv1", 64);
        filters.put("conv10", 128);
        filters.put("conv2", 96);
        CheckpointMetadata meta = CheckpointMetadata.builder("surgeon-service")
                .parent(BASE)
                .architecture("vgg16 conv x13 dense x3")
                .filtersPerLayer(filters)
                .params(14_714_688L)
                .convFlops(15_346_630_656L)
                .totalFlops(15_470_264_320L)
                .extra("removed", 512)
                .extra("criterion", "taylor")
                .build();

        CheckpointManifest stored = store.put(PRUNED, file("model.zip", model), meta);
        Path destination = work.resolve("download/sub/model.zip");
        CheckpointManifest fetched = store.fetch(PRUNED, destination);

        assertArrayEquals(model, Files.readAllBytes(destination));
        assertEquals(stored, fetched);
        assertEquals(stored, store.manifest(PRUNED).orElseThrow());
        assertEquals("runs/run-1/iter-001/pruned/", fetched.key());
        assertEquals("run-1", fetched.runId());
        assertEquals(1, fetched.iteration());
        assertEquals("pruned", fetched.stage());
        assertEquals("runs/run-1/iter-000/base/", fetched.parent());
        assertEquals(BASE, fetched.parentKey().orElseThrow());
        assertEquals("surgeon-service", fetched.producer());
        assertEquals(Sha256.ofBytes(model), fetched.sha256());
        assertEquals(model.length, fetched.modelBytes());
        Instant.parse(fetched.createdAt());
        assertEquals("vgg16 conv x13 dense x3", fetched.architecture());
        assertEquals(List.of("conv5", "conv1", "conv10", "conv2"), new ArrayList<>(fetched.filtersPerLayer().keySet()));
        assertEquals(filters, fetched.filtersPerLayer());
        assertEquals(14_714_688L, fetched.params());
        assertEquals(15_346_630_656L, fetched.convFlops());
        assertEquals(15_470_264_320L, fetched.totalFlops());
        assertEquals(Map.of("removed", 512, "criterion", "taylor"), fetched.extra());
        assertTrue(store.exists(PRUNED));
        assertNoPartFilesIn(destination.getParent());
    }

    @Test
    void baseCheckpointHasNoParentAndEmptyMaps() throws Exception {
        CheckpointManifest stored = store.put(BASE, file("model.zip", randomBytes(10, 2)),
                CheckpointMetadata.builder("trainer-service").build());

        CheckpointManifest read = store.manifest(BASE).orElseThrow();
        assertEquals(stored, read);
        assertNull(read.parent());
        assertTrue(read.parentKey().isEmpty());
        assertTrue(read.filtersPerLayer().isEmpty());
        assertTrue(read.extra().isEmpty());
    }

    @Test
    void fetchReplacesAnExistingDestinationFile() throws Exception {
        byte[] model = randomBytes(1000, 3);
        store.put(BASE, file("model.zip", model), meta());
        Path destination = file("existing.zip", randomBytes(50, 4));

        store.fetch(BASE, destination);

        assertArrayEquals(model, Files.readAllBytes(destination));
    }

    @Test
    void secondPutWithDifferentModelIsRefusedAndKeepsTheFirst() throws Exception {
        byte[] first = randomBytes(5000, 5);
        CheckpointManifest stored = store.put(BASE, file("first.zip", first), meta());

        CheckpointExistsException e = assertThrows(CheckpointExistsException.class,
                () -> store.put(BASE, file("second.zip", randomBytes(5000, 6)), meta()));

        assertEquals(BASE, e.key());
        assertEquals(stored.sha256(), e.existingSha256());
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertTrue(e.getMessage().contains(stored.sha256()), e.getMessage());
        Path destination = work.resolve("out.zip");
        assertEquals(stored, store.fetch(BASE, destination));
        assertArrayEquals(first, Files.readAllBytes(destination));
    }

    @Test
    void secondPutWithSameModelReturnsTheStoredManifest() throws Exception {
        byte[] model = randomBytes(5000, 7);
        CheckpointManifest first = store.put(BASE, file("a.zip", model), meta());

        CheckpointManifest again = store.put(BASE, file("b.zip", model),
                CheckpointMetadata.builder("retried-service").build());

        assertEquals(first, again);
        assertEquals(first, store.manifest(BASE).orElseThrow());
    }

    @Test
    void fetchOfTamperedModelFailsNamingBothHashesAndLeavesNoFile() throws Exception {
        byte[] model = randomBytes(4096, 8);
        CheckpointManifest stored = store.put(BASE, file("model.zip", model), meta());
        byte[] tampered = model.clone();
        tampered[100] ^= 1;
        writeRawObject(stored.modelObjectKey(), tampered);
        Path destination = work.resolve("out/model.zip");

        CheckpointCorruptException e = assertThrows(CheckpointCorruptException.class,
                () -> store.fetch(BASE, destination));

        assertEquals(stored.sha256(), e.expectedSha256());
        assertEquals(Sha256.ofBytes(tampered), e.actualSha256());
        assertTrue(e.getMessage().contains(stored.sha256()), e.getMessage());
        assertTrue(e.getMessage().contains(Sha256.ofBytes(tampered)), e.getMessage());
        assertFalse(Files.exists(destination));
        assertNoPartFilesIn(destination.getParent());
    }

    @Test
    void fetchOfTruncatedModelFailsAndRemovesAnOldDestinationFile() throws Exception {
        byte[] model = randomBytes(4096, 9);
        CheckpointManifest stored = store.put(BASE, file("model.zip", model), meta());
        writeRawObject(stored.modelObjectKey(), Arrays.copyOf(model, 1000));
        Path destination = file("old.zip", randomBytes(10, 10));

        CheckpointCorruptException e = assertThrows(CheckpointCorruptException.class,
                () -> store.fetch(BASE, destination));

        assertTrue(e.getMessage().contains("1000 bytes"), e.getMessage());
        assertFalse(Files.exists(destination));
    }

    @Test
    void unreadableManifestIsReportedAsCorrupt() throws Exception {
        store.put(BASE, file("model.zip", randomBytes(100, 11)), meta());
        writeRawObject(BASE.manifestKey(), "{not json".getBytes());

        CheckpointCorruptException e = assertThrows(CheckpointCorruptException.class, () -> store.manifest(BASE));

        assertTrue(e.getMessage().contains(BASE.prefix()), e.getMessage());
    }

    @Test
    void missingCheckpointIsNotFound() {
        Path destination = work.resolve("missing.zip");

        CheckpointNotFoundException e = assertThrows(CheckpointNotFoundException.class,
                () -> store.fetch(PRUNED, destination));

        assertEquals(PRUNED, e.key());
        assertTrue(e.getMessage().contains("runs/run-1/iter-001/pruned/"), e.getMessage());
        assertFalse(store.exists(PRUNED));
        assertTrue(store.manifest(PRUNED).isEmpty());
        assertFalse(Files.exists(destination));
    }

    @Test
    void listOrdersByIterationThenPipelineStage() throws Exception {
        List<CheckpointKey> expected = List.of(
                new CheckpointKey("run-1", 0, "base"),
                new CheckpointKey("run-1", 1, "ranked"),
                new CheckpointKey("run-1", 1, "pruned"),
                new CheckpointKey("run-1", 1, "finetuned"),
                new CheckpointKey("run-1", 2, "pruned"),
                new CheckpointKey("run-1", 2, "zz-custom"),
                new CheckpointKey("run-1", 10, "base"));
        List<CheckpointKey> shuffled = new ArrayList<>(expected);
        java.util.Collections.shuffle(shuffled, new Random(42));
        int i = 0;
        for (CheckpointKey key : shuffled) {
            store.put(key, file("m" + i + ".zip", randomBytes(64, 100 + i++)), meta());
        }
        store.put(new CheckpointKey("run-10", 0, "base"), file("other.zip", randomBytes(64, 99)), meta());

        assertEquals(expected, store.list("run-1"));
        assertEquals(List.of(new CheckpointKey("run-10", 0, "base")), store.list("run-10"));
        assertEquals(List.of(), store.list("no-such-run"));
    }

    @Test
    void modelWithoutManifestDoesNotCountAndIsOverwrittenByTheNextPut() throws Exception {
        writeRawObject(BASE.modelKey(), randomBytes(777, 12));
        writeRawObject(BASE.prefix() + BASE.payloadFile(Sha256.ofBytes(randomBytes(2000, 13))), randomBytes(777, 12));

        assertFalse(store.exists(BASE));
        assertTrue(store.manifest(BASE).isEmpty());
        assertEquals(List.of(), store.list("run-1"));
        assertThrows(CheckpointNotFoundException.class, () -> store.fetch(BASE, work.resolve("x.zip")));

        byte[] model = randomBytes(2000, 13);
        store.put(BASE, file("model.zip", model), meta());
        Path destination = work.resolve("fetched.zip");
        store.fetch(BASE, destination);
        assertArrayEquals(model, Files.readAllBytes(destination));
        assertEquals(List.of(BASE), store.list("run-1"));
    }

    @Test
    void twoWritersRacingOnOneKeyLeaveTheFirstManifestAndItsModelIntact() throws Exception {
        // as two replicas fine-tuning one duplicated event: different bytes, same key, at the same moment
        int writers = 4;
        byte[][] models = new byte[writers][];
        Path[] files = new Path[writers];
        for (int i = 0; i < writers; i++) {
            models[i] = randomBytes(200_000, 40 + i);
            files[i] = file("racer-" + i + ".zip", models[i]);
        }
        var start = new java.util.concurrent.CountDownLatch(1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        List<java.util.concurrent.Future<CheckpointManifest>> results = new java.util.ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int n = i;
            results.add(pool.submit(() -> {
                start.await();
                try {
                    return store.put(PRUNED, files[n], meta());
                } catch (CheckpointExistsException lost) {
                    return lost.existing();
                }
            }));
        }
        start.countDown();
        List<CheckpointManifest> answers = new java.util.ArrayList<>();
        for (var result : results) {
            answers.add(result.get());
        }
        pool.shutdown();

        CheckpointManifest stored = store.manifest(PRUNED).orElseThrow();
        for (CheckpointManifest answer : answers) {
            assertEquals(stored.sha256(), answer.sha256(), "every writer's answer is the stored checkpoint");
        }
        Path destination = work.resolve("race/model.zip");
        store.fetch(PRUNED, destination);
        byte[] fetched = Files.readAllBytes(destination);
        assertTrue(java.util.stream.IntStream.range(0, writers).anyMatch(i -> Arrays.equals(models[i], fetched)));
        assertEquals(stored.sha256(), Sha256.ofFile(destination));
    }

    @Test
    void runRecordIsRewrittenAsTheRunMovesOnAndIsNoCheckpoint() {
        assertTrue(store.runRecord("run-1").isEmpty());
        store.putRunRecord(new RunRecord("run-1", RunState.RUNNING, null, "2026-01-01T00:00:00Z"));
        assertEquals(RunState.RUNNING, store.runRecord("run-1").orElseThrow().state());
        store.putRunRecord(new RunRecord("run-1", RunState.CANCELLED, "asked by user", "2026-01-01T00:01:00Z"));
        RunRecord ended = store.runRecord("run-1").orElseThrow();
        assertEquals(RunState.CANCELLED, ended.state());
        assertEquals("asked by user", ended.reason());
        assertEquals(List.of(), store.list("run-1"));
    }

    @Test
    void badRunIdIsRefused() {
        for (String bad : List.of("../etc", "a/b", "..", "", "run 1", "run\\1")) {
            InvalidCheckpointKeyException e = assertThrows(InvalidCheckpointKeyException.class,
                    () -> store.list(bad), bad);
            assertTrue(e.getMessage().contains("letters, digits"), e.getMessage());
        }
        assertThrows(InvalidCheckpointKeyException.class, () -> new CheckpointKey("../x", 0, "base"));
    }

    @Test
    void putOfMissingModelFileSaysWhich() {
        Path missing = work.resolve("nope.zip");

        CheckpointStoreException e = assertThrows(CheckpointStoreException.class,
                () -> store.put(BASE, missing, meta()));

        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertFalse(store.exists(BASE));
    }

    static CheckpointMetadata meta() {
        return CheckpointMetadata.builder("test").architecture("tiny").filtersPerLayer(Map.of("conv1", 8)).build();
    }

    Path file(String name, byte[] content) throws Exception {
        Path file = work.resolve("in").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, content);
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void assertNoPartFilesIn(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            List<Path> parts = files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
            assertEquals(List.of(), parts);
        }
    }
}
