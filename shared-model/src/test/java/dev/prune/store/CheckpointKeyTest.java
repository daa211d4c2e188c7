package dev.prune.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointKeyTest {

    @Test
    void keysArePaddedToThreeDigits() {
        CheckpointKey key = new CheckpointKey("run-42", 3, "pruned");

        assertEquals("runs/run-42/iter-003/pruned/", key.prefix());
        assertEquals("runs/run-42/iter-003/pruned/model.zip", key.modelKey());
        assertEquals("runs/run-42/iter-003/pruned/manifest.json", key.manifestKey());
        assertEquals(key.prefix(), key.toString());
        assertEquals("runs/r/iter-1000/base/", new CheckpointKey("r", 1000, "base").prefix());
    }

    @Test
    void parseAcceptsPrefixesAndObjectKeys() {
        CheckpointKey key = new CheckpointKey("run_1.a", 12, "finetuned");

        assertEquals(key, CheckpointKey.parse("runs/run_1.a/iter-012/finetuned/"));
        assertEquals(key, CheckpointKey.parse("runs/run_1.a/iter-012/finetuned"));
        assertEquals(key, CheckpointKey.parse("runs/run_1.a/iter-012/finetuned/model.zip"));
        assertEquals(key, CheckpointKey.parse("runs/run_1.a/iter-012/finetuned/manifest.json"));
        assertEquals(new CheckpointKey("r", 1000, "base"), CheckpointKey.parse("runs/r/iter-1000/base/"));
    }

    @Test
    void parseRejectsWhatIsNotAKey() {
        for (String bad : List.of("", "runs/r/iter-1/base/", "runs/r/iter-0001/base/", "runs/r/base/",
                "run/r/iter-001/base/", "runs/r/iter-001/base/other.txt", "runs/../iter-001/base/",
                "runs/r/iter-001/a b/")) {
            InvalidCheckpointKeyException e = assertThrows(InvalidCheckpointKeyException.class,
                    () -> CheckpointKey.parse(bad), bad);
            assertTrue(e.getMessage().contains("runs/") || e.getMessage().contains("not allowed"), e.getMessage());
        }
        assertThrows(InvalidCheckpointKeyException.class, () -> CheckpointKey.parse(null));
    }

    @Test
    void paddingMistakeSaysTheRightForm() {
        InvalidCheckpointKeyException e = assertThrows(InvalidCheckpointKeyException.class,
                () -> CheckpointKey.parse("runs/r/iter-0007/base/"));

        assertTrue(e.getMessage().contains("iter-007"), e.getMessage());
    }

    @Test
    void namesAreValidated() {
        assertThrows(InvalidCheckpointKeyException.class, () -> new CheckpointKey(null, 0, "base"));
        assertThrows(InvalidCheckpointKeyException.class, () -> new CheckpointKey("r", 0, ""));
        assertThrows(InvalidCheckpointKeyException.class, () -> new CheckpointKey("r", 0, "a/b"));
        assertThrows(InvalidCheckpointKeyException.class, () -> new CheckpointKey("r", 0, "."));
        assertThrows(InvalidCheckpointKeyException.class, () -> new CheckpointKey("r".repeat(129), 0, "base"));
        InvalidCheckpointKeyException e = assertThrows(InvalidCheckpointKeyException.class,
                () -> new CheckpointKey("r", -1, "base"));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        InvalidCheckpointKeyException name = assertThrows(InvalidCheckpointKeyException.class,
                () -> new CheckpointKey("run:1", 0, "base"));
        assertTrue(name.getMessage().contains("run id 'run:1'"), name.getMessage());
    }

    @Test
    void orderIsRunThenIterationThenPipelineStage() {
        List<CheckpointKey> expected = List.of(
                new CheckpointKey("a", 0, "base"),
                new CheckpointKey("a", 1, "ranked"),
                new CheckpointKey("a", 1, "pruned"),
                new CheckpointKey("a", 1, "finetuned"),
                new CheckpointKey("a", 1, "extra"),
                new CheckpointKey("a", 2, "base"),
                new CheckpointKey("b", 0, "base"));
        List<CheckpointKey> keys = new ArrayList<>(expected);
        java.util.Collections.reverse(keys);
        keys.sort(null);

        assertEquals(expected, keys);
    }
}
