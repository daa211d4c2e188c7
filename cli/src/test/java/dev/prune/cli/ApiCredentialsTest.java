package dev.prune.cli;

import dev.prune.error.PruningException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiCredentialsTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();

    private ApiCredentials lookup(String option) {
        return ApiCredentials.lookup(option, env::get, dir.resolve("api-key"));
    }

    private void keyFile(String content) throws Exception {
        Files.writeString(dir.resolve("api-key"), content);
    }

    private static HttpHeaders headers(ApiCredentials credentials) {
        return credentials.addTo(HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/runs"))).GET().build().headers();
    }

    @Test
    void theOptionComesBeforeTheEnvironmentWhichComesBeforeTheFile() throws Exception {
        keyFile("from-file\n");
        env.put("PRUNING_API_KEY", "from-env");

        ApiCredentials fromOption = lookup("from-option");
        assertEquals("from-option", fromOption.key());
        assertEquals("--api-key", fromOption.keySource());

        ApiCredentials fromEnvironment = lookup(null);
        assertEquals("from-env", fromEnvironment.key());
        assertEquals("PRUNING_API_KEY", fromEnvironment.keySource());

        env.remove("PRUNING_API_KEY");
        ApiCredentials fromFile = lookup(null);
        assertEquals("from-file", fromFile.key(), "the file's newline is not part of the key");
        assertEquals(dir.resolve("api-key").toString(), fromFile.keySource());

        Files.delete(dir.resolve("api-key"));
        ApiCredentials nothing = lookup(null);
        assertNull(nothing.key());
        assertTrue(headers(nothing).map().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("X-API-Key")
                || h.equalsIgnoreCase("Authorization")));
    }

    @Test
    void aBlankVariableOrFileCountsAsAbsentABlankOptionIsAnError() throws Exception {
        keyFile("from-file");
        env.put("PRUNING_API_KEY", "  ");
        assertEquals("from-file", lookup(null).key());
        keyFile("\n");
        assertNull(lookup(null).key());
        var e = assertThrows(PruningException.class, () -> lookup(" "));
        assertTrue(e.getMessage().contains("--api-key is empty"), e.getMessage());
    }

    @Test
    void theKeyGoesInXApiKeyAndATokenInAuthorizationBearer() {
        env.put("PRUNING_API_KEY", "k1");
        env.put("PRUNING_TOKEN", "eyJ.t.s");
        HttpHeaders headers = headers(lookup(null));
        assertEquals(List.of("k1"), headers.allValues("X-API-Key"));
        assertEquals(List.of("Bearer eyJ.t.s"), headers.allValues("Authorization"));
    }

    @Test
    void withATokenTheDemosKeyFileIsNotSentAlong() throws Exception {
        keyFile("local-demo-key");
        env.put("PRUNING_TOKEN", "tok");
        ApiCredentials credentials = lookup(null);
        assertNull(credentials.key());
        assertEquals("tok", credentials.token());
        assertTrue(headers(credentials).allValues("X-API-Key").isEmpty());
        // a key asked for explicitly still goes with the token
        assertEquals("explicit", lookup("explicit").key());
        assertEquals("tok", lookup("explicit").token());
    }

    @Test
    void aKeyAHeaderCannotCarryIsRefusedWithoutShowingIt() {
        env.put("PRUNING_API_KEY", "abc\u0007def");
        var e = assertThrows(PruningException.class, () -> lookup(null));
        assertTrue(e.getMessage().contains("PRUNING_API_KEY"), e.getMessage());
        assertFalse(e.getMessage().contains("abc"), e.getMessage());
    }

    @Test
    void aRefusalSaysWhereTheKeyCameFromAndHowToGiveOneButNotTheKey() throws Exception {
        String none = lookup(null).refusal("http://e:8080", 401, "");
        assertTrue(none.contains("401"), none);
        assertTrue(none.contains("No credentials were sent"), none);
        assertTrue(none.contains("--api-key") && none.contains("PRUNING_API_KEY") && none.contains("PRUNING_TOKEN"), none);
        assertTrue(none.contains(dir.resolve("api-key").toString()), none);

        env.put("PRUNING_API_KEY", "secret-value");
        String wrong = lookup(null).refusal("http://e:8080", 401, "bad key");
        assertTrue(wrong.contains("The API key from PRUNING_API_KEY was not accepted"), wrong);
        assertTrue(wrong.contains("bad key"), wrong);
        assertFalse(wrong.contains("secret-value"), wrong);

        env.clear();
        keyFile("stale-demo-key");
        String stale = lookup(null).refusal("http://e:8080", 401, null);
        assertTrue(stale.contains("The API key from " + dir.resolve("api-key")), stale);
        assertTrue(stale.contains("./pruning demo"), stale);
        assertFalse(stale.contains("stale-demo-key"), stale);

        String viewer = lookup("viewer-key").refusal("http://e:8080", 403, "");
        assertTrue(viewer.contains("403"), viewer);
        assertTrue(viewer.contains("The API key from --api-key was accepted"), viewer);
        assertTrue(viewer.contains("operator"), viewer);
        assertFalse(viewer.contains("viewer-key"), viewer);
    }
}
