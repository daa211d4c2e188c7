package dev.prune.cli;

import dev.prune.error.PruningException;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What the CLI shows the evaluator to be let in: an API key (header {@value #KEY_HEADER}) and/or a bearer token
 * ({@code Authorization: Bearer}).
 *
 * <p>The key, first found: {@code --api-key}, the environment variable {@value #KEY_ENV}, the file
 * {@code .pruning/api-key} that {@code ./pruning demo} writes each time it starts. A token comes from
 * {@value #TOKEN_ENV}. When a token is set, the demo's file is not read (a key meant for the local evaluator is not
 * sent to a deployment); a key given by option or variable is sent with the token.
 */
final class ApiCredentials {
    static final String KEY_HEADER = "X-API-Key";
    static final String KEY_ENV = "PRUNING_API_KEY";
    static final String TOKEN_ENV = "PRUNING_TOKEN";
    static final String KEY_OPTION = "--api-key";

    private final String key;
    private final String keySource;
    private final String token;
    private final Path keyFile;

    private ApiCredentials(String key, String keySource, String token, Path keyFile) {
        this.key = key;
        this.keySource = keySource;
        this.token = token;
        this.keyFile = keyFile;
    }

    /** The lookup for a command: {@code optionKey} (null when not given), this process's environment, the demo's file. */
    static ApiCredentials lookup(String optionKey) {
        return lookup(optionKey, System::getenv, defaultKeyFile());
    }

    /** The file {@code ./pruning demo} writes its key to. */
    static Path defaultKeyFile() {
        return ProjectPaths.workDir().resolve("api-key");
    }

    /**
     * The lookup with the environment and the file given: option, then {@code environment.apply(KEY_ENV)}, then
     * {@code keyFile} (only when no token is set); a blank variable or file counts as absent, a blank option is an
     * error.
     */
    static ApiCredentials lookup(String optionKey, Function<String, String> environment, Path keyFile) {
        String token = blankToNull(environment.apply(TOKEN_ENV));
        if (token != null) {
            checkHeaderValue(token, "the token in " + TOKEN_ENV);
        }
        if (optionKey != null) {
            if (optionKey.isBlank()) {
                throw new PruningException(KEY_OPTION + " is empty: give the key, or leave the option out to use "
                        + KEY_ENV + " or " + keyFile);
            }
            return new ApiCredentials(checkHeaderValue(optionKey.strip(), KEY_OPTION), KEY_OPTION, token, keyFile);
        }
        String fromEnvironment = blankToNull(environment.apply(KEY_ENV));
        if (fromEnvironment != null) {
            return new ApiCredentials(checkHeaderValue(fromEnvironment, KEY_ENV), KEY_ENV, token, keyFile);
        }
        if (token == null && Files.exists(keyFile)) {
            String fromFile;
            try {
                fromFile = blankToNull(Files.readString(keyFile, StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new PruningException("cannot read the API key file " + keyFile + ": " + e.getMessage()
                        + " (give a key with " + KEY_OPTION + " or " + KEY_ENV + " instead)", e);
            }
            if (fromFile != null) {
                return new ApiCredentials(checkHeaderValue(fromFile, keyFile.toString()), keyFile.toString(), null, keyFile);
            }
        }
        return new ApiCredentials(null, null, token, keyFile);
    }

    /** A key the caller holds itself (the demo: the key of the evaluator it started). */
    static ApiCredentials key(String key, String source) {
        return new ApiCredentials(checkHeaderValue(key, source), source, null, defaultKeyFile());
    }

    /** No credentials: requests go out without any (the evaluator answers 401 to all but /q/health). */
    static ApiCredentials none() {
        return new ApiCredentials(null, null, null, defaultKeyFile());
    }

    /** Adds the headers to a request. */
    HttpRequest.Builder addTo(HttpRequest.Builder request) {
        if (key != null) {
            request.header(KEY_HEADER, key);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /** The key, or null. */
    String key() {
        return key;
    }

    /** Where the key came from ({@code --api-key}, {@code PRUNING_API_KEY}, the file's path, or the caller's word), or null. */
    String keySource() {
        return keySource;
    }

    /** The bearer token, or null. */
    String token() {
        return token;
    }

    /**
     * What to tell the user when the evaluator at {@code url} answers {@code status} (401 or 403) to a request; never
     * contains the key or the token themselves.
     */
    String refusal(String url, int status, String evaluatorMessage) {
        StringBuilder text = new StringBuilder("the evaluator at ").append(url).append(" answered ").append(status)
                .append(status == 401 ? " (not authenticated)" : " (not allowed)");
        if (evaluatorMessage != null && !evaluatorMessage.isBlank()) {
            text.append(": ").append(evaluatorMessage.strip());
        }
        text.append(". ");
        if (status == 403) {
            text.append(sent()).append(" was accepted, but its role may not do this: starting and cancelling runs and "
                    + "uploading models need the operator role (the evaluator's pruning.auth.operator-key, or a token "
                    + "with that role); a viewer key only reads. Give an operator key with ")
                    .append(KEY_OPTION).append(" KEY or ").append(KEY_ENV).append("=KEY.");
            return text.toString();
        }
        if (key == null && token == null) {
            text.append("No credentials were sent: no ").append(KEY_OPTION).append(", no ").append(KEY_ENV)
                    .append(" or ").append(TOKEN_ENV).append(" in the environment, and no key file ").append(keyFile)
                    .append(". ");
        } else {
            text.append(sent()).append(" was not accepted");
            if (keyFile.toString().equals(keySource)) {
                text.append(" (that file holds the key of the last ./pruning demo started here: is this the evaluator it "
                        + "started, and is that demo still running?)");
            } else if (key == null) {
                text.append(" (expired, or not issued for this evaluator?)");
            }
            text.append(". ");
        }
        text.append("Give the evaluator's key (pruning.auth.operator-key or pruning.auth.viewer-key) with ")
                .append(KEY_OPTION).append(" KEY or ").append(KEY_ENV).append("=KEY, or a bearer token in ")
                .append(TOKEN_ENV).append("; ./pruning demo writes its key to ").append(keyFile)
                .append(" each time it starts, which the other commands read when neither is given.");
        return text.toString();
    }

    /** "the API key from X", "the bearer token from PRUNING_TOKEN", or both. */
    private String sent() {
        List<String> parts = new ArrayList<>();
        if (key != null) {
            parts.add("the API key from " + keySource);
        }
        if (token != null) {
            parts.add("the bearer token from " + TOKEN_ENV);
        }
        if (parts.isEmpty()) {
            return "No credential";
        }
        String joined = String.join(" with ", parts);
        return Character.toUpperCase(joined.charAt(0)) + joined.substring(1);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A header value: printable ASCII, no spaces (what an HTTP header can carry as it is). */
    private static String checkHeaderValue(String value, String source) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new PruningException("the credential from " + source + " has a character an HTTP header cannot "
                        + "carry (at position " + (i + 1) + "): keys and tokens are printable ASCII without spaces");
            }
        }
        return value;
    }
}
