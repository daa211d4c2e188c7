package dev.prune.evaluator.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Turns an API key into an identity: {@code pruning.auth.operator-key} gives the roles operator and viewer (start,
 * cancel, upload, read), {@code pruning.auth.viewer-key} the role viewer (read). Keys come from the environment
 * (PRUNING_AUTH_OPERATOR_KEY, PRUNING_AUTH_VIEWER_KEY: a Secret in Kubernetes, the demo's generated key locally);
 * an unset key matches nothing. Compared in constant time.
 */
@ApplicationScoped
public class ApiKeyIdentities implements IdentityProvider<ApiKeyRequest> {
    public static final String OPERATOR = "operator";
    public static final String VIEWER = "viewer";

    @ConfigProperty(name = "pruning.auth.operator-key")
    Optional<String> operatorKey;
    @ConfigProperty(name = "pruning.auth.viewer-key")
    Optional<String> viewerKey;

    @Override
    public Class<ApiKeyRequest> getRequestType() {
        return ApiKeyRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyRequest request, AuthenticationRequestContext context) {
        if (matches(operatorKey, request.key())) {
            return Uni.createFrom().item(identity("api-key:operator", OPERATOR, VIEWER));
        }
        if (matches(viewerKey, request.key())) {
            return Uni.createFrom().item(identity("api-key:viewer", VIEWER));
        }
        return Uni.createFrom().failure(new AuthenticationFailedException("the X-API-Key is not one of this evaluator's keys"));
    }

    private static boolean matches(Optional<String> configured, String given) {
        return configured.filter(k -> !k.isBlank()).map(k -> MessageDigest.isEqual(
                k.strip().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))).orElse(false);
    }

    private static SecurityIdentity identity(String name, String... roles) {
        var builder = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name));
        for (String role : roles) {
            builder.addRole(role);
        }
        return builder.build();
    }
}
