package dev.prune.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeysTest {

    @Test
    void aKeyIs32RandomBytesInHex() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String key = ApiKeys.generate();
            assertTrue(key.matches("[0-9a-f]{64}"), key);
            keys.add(key);
        }
        assertEquals(100, keys.size());
    }

    @Test
    void theFileIsTheOwnersOnlyAndReplacesAnOlderWiderOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("work/api-key");
        ApiKeys.write(file, "first");
        assertEquals("first", Files.readString(file).trim());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ApiKeys.write(file, "second");
        assertEquals("second", Files.readString(file).trim());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var left = Files.list(file.getParent())) {
            assertEquals(1, left.count(), "no temporary file left behind");
        }
    }

    @Test
    void settingsMakeAKeyUnlessGivenOneAndDoNotPrintIt(@TempDir Path dir) {
        var made = LocalPipeline.Settings.defaults(dir, dir, Map.of());
        assertTrue(made.apiKey().matches("[0-9a-f]{64}"));
        assertNotEquals(made.apiKey(), LocalPipeline.Settings.defaults(dir, dir, Map.of()).apiKey());

        var given = made.withApiKey("the-key");
        assertEquals("the-key", given.apiKey());
        assertEquals(made.workDir(), given.workDir());
        assertFalse(given.toString().contains("the-key"), given.toString());
        assertFalse(made.toString().contains(made.apiKey()));
        assertThrows(IllegalArgumentException.class, () -> made.withApiKey(" "));
    }
}
