package dev.prune.evaluator.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The key a caller sent in {@value ApiKeyMechanism#HEADER}. */
final class ApiKeyRequest extends BaseAuthenticationRequest {
    private final String key;

    ApiKeyRequest(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }
}
