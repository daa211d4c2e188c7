package dev.prune.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checkpoints as objects in an S3 bucket (AWS S3, MinIO, any S3-compatible server). Each object is one PUT,
 * which S3 makes visible only when complete; the model is uploaded with its sha256 so the server rejects a
 * damaged upload.
 */
public final class S3CheckpointStore extends AbstractCheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3CheckpointStore.class);

    private final S3Client client;
    private final String bucket;
    private final boolean ownsClient;
    private final String endpoint;
    private final S3ErrorTranslator errors;

    /** Uses a client the caller built and keeps owning; {@link #close()} leaves it open. */
    public S3CheckpointStore(S3Client client, String bucket) {
        this(client, bucket, false, Clock.systemUTC());
    }

    private S3CheckpointStore(S3Client client, String bucket, boolean ownsClient, Clock clock) {
        super(clock);
        this.client = Objects.requireNonNull(client, "client");
        if (bucket == null || bucket.isBlank()) {
            throw new CheckpointStoreSettingsException("S3 bucket is missing; set pruning.store.s3.bucket");
        }
        this.bucket = bucket;
        this.ownsClient = ownsClient;
        this.endpoint = client.serviceClientConfiguration().endpointOverride()
                .map(URI::toString)
                .orElseGet(() -> "AWS S3 (" + client.serviceClientConfiguration().region() + ")");
        this.errors = new S3ErrorTranslator(endpoint, bucket);
    }

    /**
     * Builds a client from the settings, checks the bucket is there (creating it when
     * {@link S3Settings#createBucket()} is set) and returns a store that closes the client on {@link #close()}.
     */
    public static S3CheckpointStore connect(S3Settings settings) {
        S3Client client = buildClient(settings);
        try {
            S3CheckpointStore store = new S3CheckpointStore(client, settings.bucket(), true, Clock.systemUTC());
            store.ensureBucket(settings.createBucket());
            return store;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    static S3Client buildClient(S3Settings settings) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials(settings))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(settings.connectTimeout())
                        .socketTimeout(settings.readTimeout()))
                // many S3-compatible servers reject the SDK's default trailing checksums; we send sha256 ourselves
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.hasStaticCredentials()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public String describe() {
        return "S3 bucket '" + bucket + "' at " + endpoint;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    private void ensureBucket(boolean create) {
        try {
            client.headBucket(b -> b.bucket(bucket));
            return;
        } catch (SdkException e) {
            if (!S3ErrorTranslator.isMissingBucket(e) && !S3ErrorTranslator.isNotFound(e)) {
                throw errors.translate(e, "check that the bucket exists");
            }
        }
        if (!create) {
            throw new CheckpointStoreException("S3 bucket '" + bucket + "' does not exist at " + endpoint
                    + "; create it, set pruning.store.s3.create-bucket=true, or fix pruning.store.s3.bucket");
        }
        try {
            client.createBucket(b -> b.bucket(bucket));
            LOG.info("created S3 bucket '{}' at {}", bucket, endpoint);
        } catch (BucketAlreadyOwnedByYouException e) {
            LOG.debug("S3 bucket '{}' was created concurrently", bucket);
        } catch (SdkException e) {
            throw errors.translate(e, "create the missing bucket");
        }
    }

    @Override
    protected Optional<byte[]> readObject(String objectKey) {
        try {
            return Optional.of(client.getObjectAsBytes(b -> b.bucket(bucket).key(objectKey)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw errors.translate(e, "read " + objectKey);
        }
    }

    @Override
    protected boolean objectExists(String objectKey) {
        try {
            client.headObject(b -> b.bucket(bucket).key(objectKey));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (SdkException e) {
            // HEAD responses have no body, so a missing object can arrive as a bare 404
            if (S3ErrorTranslator.isNotFound(e)) {
                return false;
            }
            throw errors.translate(e, "look up " + objectKey);
        }
    }

    @Override
    protected void writeObject(String objectKey, Path source, String sha256Hex) {
        try {
            client.putObject(b -> b.bucket(bucket).key(objectKey).contentType("application/zip")
                    .checksumSHA256(Sha256.hexToBase64(sha256Hex)), RequestBody.fromFile(source));
        } catch (SdkException e) {
            throw errors.translate(e, "write " + objectKey);
        }
    }

    @Override
    protected void writeObject(String objectKey, byte[] content) {
        try {
            client.putObject(b -> b.bucket(bucket).key(objectKey).contentType("application/json")
                    .checksumSHA256(Sha256.hexToBase64(Sha256.ofBytes(content))), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw errors.translate(e, "write " + objectKey);
        }
    }

    /**
     * PutObject with {@code If-None-Match: *} (AWS S3, MinIO): the server refuses with 412 when the object exists, so
     * of two writers exactly one commits. A server that answers 501 to the header is refused with a clear message.
     */
    @Override
    protected boolean writeObjectIfAbsent(String objectKey, byte[] content) {
        try {
            client.putObject(b -> b.bucket(bucket).key(objectKey).contentType("application/json").ifNoneMatch("*")
                    .checksumSHA256(Sha256.hexToBase64(Sha256.ofBytes(content))), RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw errors.translate(e, "create " + objectKey + " if absent");
        } catch (SdkException e) {
            throw errors.translate(e, "create " + objectKey + " if absent");
        }
    }

    @Override
    protected void deleteObject(String objectKey) {
        try {
            client.deleteObject(b -> b.bucket(bucket).key(objectKey));
        } catch (SdkException e) {
            LOG.warn("could not delete {} from bucket {}: {}", objectKey, bucket, e.getMessage());
        }
    }

    @Override
    protected boolean downloadObject(String objectKey, Path target) {
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(bucket).key(objectKey))) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (SdkException e) {
            throw errors.translate(e, "read " + objectKey);
        } catch (IOException e) {
            throw new CheckpointStoreException("cannot download " + objectKey + " from " + describe() + " to "
                    + target + ": " + e.getMessage() + "; check the connection to " + endpoint
                    + " and that the destination folder has free space", e);
        }
    }

    @Override
    protected List<String> listObjectKeys(String prefix) {
        try {
            return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                    .map(S3Object::key)
                    .toList();
        } catch (SdkException e) {
            throw errors.translate(e, "list " + prefix);
        }
    }
}
