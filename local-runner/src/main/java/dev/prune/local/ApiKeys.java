package dev.prune.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The API key of a local pipeline: made fresh for every start, handed to the evaluator in its environment
 * ({@value #OPERATOR_KEY_ENV}, never on a command line, which {@code ps} shows to every user) and kept for the CLI
 * in a file only its owner can read.
 */
public final class ApiKeys {
    /** The evaluator's {@code pruning.auth.operator-key} in environment form. */
    public static final String OPERATOR_KEY_ENV = "PRUNING_AUTH_OPERATOR_KEY";
    /** Random bytes in a key (it is written as twice as many hex digits). */
    public static final int KEY_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private ApiKeys() {
    }

    /** A new key: {@value #KEY_BYTES} bytes from {@link SecureRandom}, as 64 lower-case hex digits. */
    public static String generate() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Writes {@code key} (and a newline) to {@code file}, readable and writable by its owner only (rw-------) where the
     * file system has POSIX permissions. The key goes into a new file created with those permissions in the same
     * folder, which then replaces {@code file}: at no moment is the key in a file others can read, and an older file
     * with wider permissions is replaced, not reused.
     */
    public static void write(Path file, String key) {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temp = null;
        try {
            Files.createDirectories(dir);
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                    : new FileAttribute<?>[0];
            temp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp", attributes);
            Files.writeString(temp, key + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the API key file " + file + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temporary file is owner-only; nothing more to do
                }
            }
        }
    }
}
