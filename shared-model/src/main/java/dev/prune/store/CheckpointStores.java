package dev.prune.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Opens the checkpoint store the settings describe. Keys (the {@code pruning.} prefix, as in
 * application.properties, may be left out):
 * <pre>
 * pruning.store.type             folder (default) | s3
 * pruning.store.folder.root      folder for type=folder (default .pruning/checkpoints)
 * pruning.store.s3.endpoint      e.g. http://minio:9000; unset for AWS S3
 * pruning.store.s3.bucket        required for type=s3
 * pruning.store.s3.region        default us-east-1
 * pruning.store.s3.access-key    with secret-key; both unset: AWS default credential chain
 * pruning.store.s3.secret-key
 * pruning.store.s3.path-style    true (default) | false
 * pruning.store.s3.create-bucket true (default) | false
 * </pre>
 */
public final class CheckpointStores {
    public static final String PREFIX = "pruning.";
    public static final String TYPE = "store.type";
    public static final String FOLDER_ROOT = "store.folder.root";
    public static final String S3_ENDPOINT = "store.s3.endpoint";
    public static final String S3_BUCKET = "store.s3.bucket";
    public static final String S3_REGION = "store.s3.region";
    public static final String S3_ACCESS_KEY = "store.s3.access-key";
    public static final String S3_SECRET_KEY = "store.s3.secret-key";
    public static final String S3_PATH_STYLE = "store.s3.path-style";
    public static final String S3_CREATE_BUCKET = "store.s3.create-bucket";

    public static final String DEFAULT_FOLDER_ROOT = ".pruning/checkpoints";
    private static final List<String> TYPES = List.of("folder", "s3");

    private CheckpointStores() {
    }

    public static CheckpointStore fromSettings(Properties properties) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            settings.put(name, properties.getProperty(name));
        }
        return fromSettings(settings);
    }

    public static CheckpointStore fromSettings(Map<String, String> settings) {
        Objects.requireNonNull(settings, "settings");
        String type = get(settings, TYPE, "folder").toLowerCase(Locale.ROOT);
        return switch (type) {
            case "folder" -> new FolderCheckpointStore(folderRoot(settings));
            case "s3" -> S3CheckpointStore.connect(s3Settings(settings));
            default -> throw new CheckpointStoreSettingsException(PREFIX + TYPE + "='" + type
                    + "' is not a checkpoint store type; use one of: " + String.join(", ", TYPES));
        };
    }

    /** The S3 part of the settings, for callers that want an {@link S3CheckpointStore} directly. */
    public static S3Settings s3Settings(Map<String, String> settings) {
        String bucket = get(settings, S3_BUCKET, null);
        if (bucket == null) {
            throw new CheckpointStoreSettingsException(PREFIX + TYPE + "=s3 needs a bucket; set " + PREFIX
                    + S3_BUCKET);
        }
        return new S3Settings(endpoint(settings), get(settings, S3_REGION, null), bucket,
                get(settings, S3_ACCESS_KEY, null), get(settings, S3_SECRET_KEY, null),
                flag(settings, S3_PATH_STYLE, true), flag(settings, S3_CREATE_BUCKET, true), null, null);
    }

    private static Path folderRoot(Map<String, String> settings) {
        String root = get(settings, FOLDER_ROOT, DEFAULT_FOLDER_ROOT);
        try {
            return Path.of(root);
        } catch (InvalidPathException e) {
            throw new CheckpointStoreSettingsException(PREFIX + FOLDER_ROOT + "='" + root + "' is not a valid path ("
                    + e.getReason() + "); set it to a folder, e.g. /var/lib/pruning/checkpoints");
        }
    }

    private static URI endpoint(Map<String, String> settings) {
        String endpoint = get(settings, S3_ENDPOINT, null);
        if (endpoint == null) {
            return null;
        }
        try {
            return new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new CheckpointStoreSettingsException(PREFIX + S3_ENDPOINT + "='" + endpoint + "' is not a URL ("
                    + e.getReason() + "); set it to e.g. http://minio:9000, or leave it unset for AWS S3");
        }
    }

    private static boolean flag(Map<String, String> settings, String name, boolean fallback) {
        String value = get(settings, name, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new CheckpointStoreSettingsException(PREFIX + name + "='" + value
                    + "' is not a boolean; use true or false");
        };
    }

    /** The trimmed value under {@code name} or {@code pruning.name}; blank counts as unset. */
    private static String get(Map<String, String> settings, String name, String fallback) {
        String bare = blankToNull(settings.get(name));
        String prefixed = blankToNull(settings.get(PREFIX + name));
        if (bare != null && prefixed != null && !bare.equals(prefixed)) {
            boolean secret = name.equals(S3_SECRET_KEY);
            throw new CheckpointStoreSettingsException("both " + name + " and " + PREFIX + name + " are set, to "
                    + "different values" + (secret ? "" : " ('" + bare + "' and '" + prefixed + "')")
                    + "; keep only one of them");
        }
        String value = prefixed != null ? prefixed : bare;
        return value != null ? value : fallback;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
