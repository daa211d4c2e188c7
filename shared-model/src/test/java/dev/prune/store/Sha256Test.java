package dev.prune.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Sha256Test {

    @Test
    void knownVector() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Sha256.ofBytes("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.ofBytes(new byte[0]));
    }

    @Test
    void fileHashStreamsLargeFilesToTheSameDigest(@TempDir Path dir) throws Exception {
        byte[] bytes = CheckpointStoreContractTest.randomBytes(1_000_003, 5);
        Path file = Files.write(dir.resolve("big.bin"), bytes);

        assertEquals(Sha256.ofBytes(bytes), Sha256.ofFile(file));
    }

    @Test
    void base64FormForS3() {
        assertEquals("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
                Sha256.hexToBase64(Sha256.ofBytes("abc".getBytes(StandardCharsets.US_ASCII))));
    }
}
