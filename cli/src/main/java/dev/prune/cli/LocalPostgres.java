package dev.prune.cli;

import dev.prune.error.PruningException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Makes sure a PostgreSQL answers on 127.0.0.1:5432, starting or installing Debian's server (as root) when not. */
final class LocalPostgres {
    private LocalPostgres() {
    }

    static void ensureRunning(ProgressLine out) {
        if (answers()) {
            out.line("postgres: using the server on 127.0.0.1:5432");
            return;
        }
        if (!Files.isDirectory(Path.of("/etc/postgresql"))) {
            out.line("postgres: not installed; installing Debian's postgresql with apt-get (needs root)");
            run(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"));
        }
        out.line("postgres: starting Debian's server with pg_ctlcluster");
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            String version = versions.map(p -> p.getFileName().toString()).sorted().findFirst()
                    .orElseThrow(() -> new PruningException("no PostgreSQL cluster under /etc/postgresql"));
            run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"));
        } catch (IOException e) {
            throw new PruningException("cannot read /etc/postgresql: " + e.getMessage(), e);
        }
        for (int i = 0; i < 30 && !answers(); i++) {
            sleep(1000);
        }
        if (!answers()) {
            throw new PruningException("PostgreSQL does not answer on 127.0.0.1:5432; start it, or point the evaluator "
                    + "at one with quarkus.datasource.jdbc.url");
        }
    }

    static boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5432), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new PruningException(String.join(" ", command) + " failed (exit " + process.exitValue() + ")");
            }
        } catch (IOException e) {
            throw new PruningException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PruningException("interrupted", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
