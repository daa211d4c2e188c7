package dev.prune.cli;

import dev.prune.error.PruningException;
import dev.prune.process.AllCpus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL for the local mode: the server already answering on the port, or else Debian's
 * PostgreSQL run under its own user with its data in the project's work folder (installed with
 * apt-get first when missing, as root). Stops what it started.
 */
final class LocalPostgres implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private final boolean started;
    private final Path bin;

    private LocalPostgres(Path dataDir, int port, boolean started, Path bin) {
        this.dataDir = dataDir;
        this.port = port;
        this.started = started;
        this.bin = bin;
    }

    static LocalPostgres ensureRunning(Path dataDir, int port, ProgressLine out) {
        if (answers(port)) {
            out.line("postgres: using the server on 127.0.0.1:" + port);
            return new LocalPostgres(dataDir, port, false, null);
        }
        Path bin = binaries().orElseGet(() -> {
            out.line("postgres: not installed; installing Debian's postgresql with apt-get (needs root)");
            run(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"));
            return binaries().orElseThrow(() -> new PruningException("postgresql installed but no initdb under /usr/lib/postgresql"));
        });
        try {
            Files.createDirectories(dataDir.getParent());
            if (!Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
                out.line("postgres: creating a cluster in " + dataDir + " (initdb as user postgres)");
                Files.createDirectories(dataDir);
                run(List.of("chown", "postgres:postgres", dataDir.toString()));
                asPostgres(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-A", "trust", "-U", "postgres"));
            }
            out.line("postgres: starting it on 127.0.0.1:" + port + " (log " + dataDir.resolve("server.log") + ")");
            asPostgres(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", dataDir.resolve("server.log").toString(),
                    "-w", "-o", "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1", "start"));
            var postgres = new LocalPostgres(dataDir, port, true, bin);
            postgres.createDatabase("test");
            return postgres;
        } catch (IOException e) {
            throw new PruningException("cannot prepare " + dataDir + " for PostgreSQL: " + e.getMessage(), e);
        }
    }

    private void createDatabase(String name) {
        List<String> command = List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres",
                "-tAc", "select 1 from pg_database where datname='" + name + "'");
        if (!output(command).contains("1")) {
            asPostgres(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres", name));
        }
    }

    boolean startedHere() {
        return started;
    }

    @Override
    public void close() {
        if (started) {
            asPostgres(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"));
        }
    }

    static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> binaries() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** PostgreSQL refuses to run as root, so its tools run as its own user. */
    private static void asPostgres(List<String> command) {
        List<String> full = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Result result = exec(command);
            if (result.exit() != 0) {
                throw new PruningException(String.join(" ", command) + " failed (exit " + result.exit() + "): " + result.output().strip());
            }
        } catch (IOException e) {
            throw new PruningException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PruningException("interrupted", e);
        }
    }

    /** The command's output, or "" when it cannot run (a query whose answer is then "no"). */
    private static String output(List<String> command) {
        try {
            return exec(command).output();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result exec(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(AllCpus.command(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        return new Result(process.waitFor(), output);
    }
}
