package dev.prune.store;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Set;

/** Turns AWS SDK failures into {@link CheckpointStoreException}s that say what went wrong and what to fix. */
final class S3ErrorTranslator {
    private static final Set<String> CREDENTIAL_ERRORS = Set.of("AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed",
            "RequestTimeTooSkewed");
    private static final Set<String> CHECKSUM_ERRORS = Set.of("BadDigest", "XAmzContentSHA256Mismatch",
            "InvalidDigest");

    private final String endpoint;
    private final String bucket;

    S3ErrorTranslator(String endpoint, String bucket) {
        this.endpoint = endpoint;
        this.bucket = bucket;
    }

    static boolean isNotFound(SdkException e) {
        return e instanceof S3Exception s3 && s3.statusCode() == 404;
    }

    static boolean isMissingBucket(SdkException e) {
        return e instanceof NoSuchBucketException || "NoSuchBucket".equals(errorCode(e));
    }

    /** @param action what was being done, e.g. "write runs/r/iter-001/base/model.zip" */
    CheckpointStoreException translate(SdkException e, String action) {
        if (e instanceof SdkClientException) {
            return new CheckpointStoreUnavailableException("cannot reach S3 endpoint " + endpoint + " to " + action + ": "
                    + e.getMessage() + "; check pruning.store.s3.endpoint and that the S3 server is running and "
                    + "reachable from here", e);
        }
        String code = errorCode(e);
        String detail = code + ": " + serviceMessage(e);
        if (isMissingBucket(e)) {
            return new CheckpointStoreException("S3 bucket '" + bucket + "' does not exist at " + endpoint
                    + " (could not " + action + "); create it, set pruning.store.s3.create-bucket=true, or fix "
                    + "pruning.store.s3.bucket", e);
        }
        if (CREDENTIAL_ERRORS.contains(code) || statusCode(e) == 403 || statusCode(e) == 401) {
            return new CheckpointStoreException("S3 endpoint " + endpoint + " refused the credentials for bucket '"
                    + bucket + "' while trying to " + action + " (" + detail + "); check "
                    + "pruning.store.s3.access-key and pruning.store.s3.secret-key, and that they may read and "
                    + "write this bucket", e);
        }
        if (CHECKSUM_ERRORS.contains(code)) {
            return new CheckpointStoreException("S3 endpoint " + endpoint + " rejected the upload to " + action
                    + " because the data did not match its checksum (" + detail + "); the file changed while "
                    + "uploading or was damaged in transit: retry the stage", e);
        }
        if (statusCode(e) >= 500) {
            return new CheckpointStoreUnavailableException("S3 endpoint " + endpoint + " answered HTTP " + statusCode(e)
                    + " to " + action + " in bucket '" + bucket + "' (" + detail + "); the server is busy or failing", e);
        }
        return new CheckpointStoreException("S3 request to " + action + " in bucket '" + bucket + "' at " + endpoint
                + " failed with HTTP " + statusCode(e) + " (" + detail + "); check the S3 server's logs and the "
                + "pruning.store.s3.* settings", e);
    }

    private static int statusCode(SdkException e) {
        return e instanceof S3Exception s3 ? s3.statusCode() : 0;
    }

    private static String errorCode(SdkException e) {
        if (e instanceof S3Exception s3) {
            AwsErrorDetails details = s3.awsErrorDetails();
            if (details != null && details.errorCode() != null) {
                return details.errorCode();
            }
            return "HTTP " + s3.statusCode();
        }
        return e.getClass().getSimpleName();
    }

    private static String serviceMessage(SdkException e) {
        if (e instanceof S3Exception s3 && s3.awsErrorDetails() != null
                && s3.awsErrorDetails().errorMessage() != null) {
            return s3.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }
}
