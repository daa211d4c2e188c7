package dev.prune.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The local mode's own PostgreSQL: Debian's server under its own user, data in a project folder. */
class LocalPostgresTest {

    @Test
    void startsAPrivateClusterWhenNothingAnswersAndStopsIt() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "starting Debian's server as user postgres needs root");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // under target/, whose parents the postgres user can traverse (a JUnit temp dir is private to root)
        Path data = Path.of("target").toAbsolutePath().resolve("pg-test-" + port).resolve("data");
        var out = new ProgressLine(new PrintStream(java.io.OutputStream.nullOutputStream()));
        try (LocalPostgres postgres = LocalPostgres.ensureRunning(data, port, out)) {
            assertTrue(postgres.startedHere());
            assertTrue(LocalPostgres.answers(port));
            assertTrue(Files.isRegularFile(data.resolve("PG_VERSION")));
        }
        assertFalse(LocalPostgres.answers(port), "the cluster it started must be stopped on close");
        try (LocalPostgres again = LocalPostgres.ensureRunning(data, port, out)) {
            assertTrue(again.startedHere(), "a second start reuses the cluster's data");
        }
    }
}
