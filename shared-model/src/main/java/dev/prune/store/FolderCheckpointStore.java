package dev.prune.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checkpoints as files under a root folder: {@code root/runs/{runId}/iter-{NNN}/{stage}/model.zip}. Each file is
 * written to a temporary file in its own folder, flushed to disk, then renamed into place, so readers never
 * see a partial file.
 */
public final class FolderCheckpointStore extends AbstractCheckpointStore {
    private final Path root;

    public FolderCheckpointStore(Path root) {
        this(root, Clock.systemUTC());
    }

    public FolderCheckpointStore(Path root, Clock clock) {
        super(clock);
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public String describe() {
        return "folder store " + root;
    }

    @Override
    protected Optional<byte[]> readObject(String objectKey) {
        Path file = pathOf(objectKey);
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", file, e);
        }
    }

    @Override
    protected boolean objectExists(String objectKey) {
        return Files.isRegularFile(pathOf(objectKey));
    }

    @Override
    protected void writeObject(String objectKey, Path source, String sha256Hex) {
        Path target = pathOf(objectKey);
        Path temp = null;
        try {
            temp = newTempBeside(target);
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                long size = in.size();
                long copied = 0;
                while (copied < size) {
                    copied += in.transferTo(copied, size - copied, out);
                }
                out.force(true);
            }
            moveReplacing(temp, target);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("write", target, e);
        }
    }

    @Override
    protected void writeObject(String objectKey, byte[] content) {
        Path target = pathOf(objectKey);
        Path temp = null;
        try {
            temp = newTempBeside(target);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            moveReplacing(temp, target);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("write", target, e);
        }
    }

    /** A hard link is created atomically and never replaces an existing name: the no-clobber commit of a manifest. */
    @Override
    protected boolean writeObjectIfAbsent(String objectKey, byte[] content) {
        Path target = pathOf(objectKey);
        Path temp = null;
        try {
            temp = newTempBeside(target);
            Files.write(temp, content, StandardOpenOption.WRITE);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw failure("write", target, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    protected void deleteObject(String objectKey) {
        deleteQuietly(pathOf(objectKey));
    }

    @Override
    protected boolean downloadObject(String objectKey, Path target) {
        Path file = pathOf(objectKey);
        try {
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (NoSuchFileException e) {
            if (Files.exists(file)) {
                throw failure("copy", file, e);
            }
            return false;
        } catch (IOException e) {
            throw failure("read", file, e);
        }
    }

    @Override
    protected List<String> listObjectKeys(String prefix) {
        Path folder = pathOf(prefix);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/"))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new CheckpointStoreException("cannot list " + folder + " in " + describe() + ": " + e.getMessage()
                    + "; check the folder is readable", e);
        }
    }

    private Path pathOf(String objectKey) {
        // keys are validated by CheckpointKey (no '..', no '/' inside names), so they cannot escape the root
        return root.resolve(objectKey);
    }

    private static Path newTempBeside(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        return Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    }

    private CheckpointStoreException failure(String action, Path file, IOException e) {
        return new CheckpointStoreException("cannot " + action + " " + file + " in " + describe() + ": " + e
                + "; check that pruning.store.folder.root points to a writable folder with free space", e);
    }
}
