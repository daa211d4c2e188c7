package dev.prune.store;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach the S3 bucket that holds checkpoints.
 *
 * @param endpoint       S3 endpoint, e.g. http://minio:9000; null for AWS S3 itself
 * @param region         signing region; MinIO accepts any, default us-east-1
 * @param accessKey      with secretKey: static credentials; both null: the AWS default credential chain
 * @param pathStyle      http://host/bucket/key instead of http://bucket.host/key (MinIO needs this)
 * @param createBucket   create the bucket on connect when it does not exist
 * @param connectTimeout how long to wait for a TCP connection
 * @param readTimeout    how long to wait for data on an open connection
 */
public record S3Settings(URI endpoint, String region, String bucket, String accessKey, String secretKey,
                         boolean pathStyle, boolean createBucket, Duration connectTimeout, Duration readTimeout) {
    public static final String DEFAULT_REGION = "us-east-1";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new CheckpointStoreSettingsException("S3 bucket is missing; set pruning.store.s3.bucket");
        }
        if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https")))) {
            throw new CheckpointStoreSettingsException("S3 endpoint '" + endpoint + "' is not an http(s) URL; set "
                    + "pruning.store.s3.endpoint to e.g. http://minio:9000, or leave it unset for AWS S3");
        }
        if ((accessKey == null || accessKey.isEmpty()) != (secretKey == null || secretKey.isEmpty())) {
            throw new CheckpointStoreSettingsException("S3 credentials are incomplete: set both "
                    + "pruning.store.s3.access-key and pruning.store.s3.secret-key, or neither to use the AWS "
                    + "default credential chain");
        }
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        connectTimeout = positiveOr(connectTimeout, DEFAULT_CONNECT_TIMEOUT, "connect timeout");
        readTimeout = positiveOr(readTimeout, DEFAULT_READ_TIMEOUT, "read timeout");
    }

    /** Path-style access, bucket created when missing, default timeouts. */
    public static S3Settings of(URI endpoint, String region, String bucket, String accessKey, String secretKey) {
        return new S3Settings(endpoint, region, bucket, accessKey, secretKey, true, true, null, null);
    }

    public S3Settings withPathStyle(boolean pathStyle) {
        return new S3Settings(endpoint, region, bucket, accessKey, secretKey, pathStyle, createBucket,
                connectTimeout, readTimeout);
    }

    public S3Settings withCreateBucket(boolean createBucket) {
        return new S3Settings(endpoint, region, bucket, accessKey, secretKey, pathStyle, createBucket,
                connectTimeout, readTimeout);
    }

    public S3Settings withTimeouts(Duration connectTimeout, Duration readTimeout) {
        return new S3Settings(endpoint, region, bucket, accessKey, secretKey, pathStyle, createBucket,
                connectTimeout, readTimeout);
    }

    public boolean hasStaticCredentials() {
        return accessKey != null && !accessKey.isEmpty();
    }

    /** Where the bucket lives, for messages. */
    public String describeEndpoint() {
        return endpoint != null ? endpoint.toString() : "AWS S3 (" + region + ")";
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + describeEndpoint() + ", region=" + region + ", bucket=" + bucket
                + ", accessKey=" + accessKey + ", secretKey=" + (secretKey == null ? null : "****")
                + ", pathStyle=" + pathStyle + ", createBucket=" + createBucket + ", connectTimeout="
                + connectTimeout + ", readTimeout=" + readTimeout + "]";
    }

    private static Duration positiveOr(Duration value, Duration fallback, String what) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new CheckpointStoreSettingsException("S3 " + what + " " + value + " must be positive; e.g. "
                    + fallback);
        }
        return value;
    }
}
