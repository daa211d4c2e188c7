package dev.prune.train;

import dev.prune.data.FashionMnist;
import dev.prune.net.VggSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BaseModelCacheTest {
    @Test
    void fingerprintIsStableAndTellsSettingsApart() {
        var data = new FashionMnist().test().take(256);
        var settings = TrainingSettings.adam(1e-3, 64, 2, 0);
        String once = BaseModelCache.fingerprint(VggSpec.vggSmall(false, 0), data, settings);
        // a literal: the same inputs must give the same file name in every process (enum hashCodes differ per JVM)
        assertEquals("5b78136c539ab5a8", once);
        assertTrue(settings.toString().contains("ADAM"), settings.toString());
        assertNotEquals(once, BaseModelCache.fingerprint(VggSpec.vggSmall(true, 0), data, settings));
        assertNotEquals(once, BaseModelCache.fingerprint(VggSpec.vggSmall(false, 0), data, settings.withEpochs(3)));
    }

    @Test
    void secondCallReusesTheSavedModel(@TempDir Path dir) {
        var data = new FashionMnist().train().take(128);
        var cache = new BaseModelCache(dir);
        var settings = TrainingSettings.adam(1e-3, 64, 1, 0);
        var first = cache.trainOrLoad(VggSpec.vggSmall(false, 0), data, settings, r -> { });
        assertFalse(first.cached());
        var second = new BaseModelCache(dir).trainOrLoad(VggSpec.vggSmall(false, 0), data, settings, r -> { });
        assertTrue(second.cached());
        assertEquals(first.file(), second.file());
        assertEquals(first.model().network().params(), second.model().network().params());
    }
}
