package dev.prune.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RunsClient and ./pruning cancel against a small fake evaluator (the JDK's HTTP server). */
class RunsClientTest {
    static final String OPERATOR = "op-key";
    static final String VIEWER = "view-key";

    record Seen(String method, String path, String apiKey, String authorization) {
    }

    private HttpServer server;
    private String url;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** As the evaluator: 401 without a known key, 403 for a viewer's write; runs r-running, r-done; the rest unknown. */
    private void answer(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String key = exchange.getRequestHeaders().getFirst("X-API-Key");
        seen.add(new Seen(method, path, key, exchange.getRequestHeaders().getFirst("Authorization")));
        if (!OPERATOR.equals(key) && !VIEWER.equals(key)) {
            reply(exchange, 401, "");
        } else if (!method.equals("GET") && !OPERATOR.equals(key)) {
            reply(exchange, 403, "");
        } else if (method.equals("DELETE") && path.equals("/runs/r-running")) {
            reply(exchange, 200, "{\"run_id\":\"r-running\",\"status\":\"CANCELLED\",\"iterations\":[]}");
        } else if (method.equals("DELETE") && path.equals("/runs/r-done")) {
            reply(exchange, 409, "{\"error\":\"run r-done has already ended (COMPLETED)\"}");
        } else if (method.equals("GET") && path.equals("/runs/r-done")) {
            reply(exchange, 200, "{\"run_id\":\"r-done\",\"status\":\"COMPLETED\",\"iterations\":[]}");
        } else {
            reply(exchange, 404, "{\"error\":\"no run " + path.substring(path.lastIndexOf('/') + 1) + "\"}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private RunsClient client(String key) {
        return new RunsClient(url, ApiCredentials.lookup(key, Map.<String, String>of()::get, Path.of("/nonexistent/api-key")));
    }

    @Test
    void everyRequestCarriesTheKey() {
        var client = client(OPERATOR);
        client.run("r-done");
        client.cancel("r-running");
        assertThrows(RunsClient.EvaluatorException.class, client::runs);
        assertEquals(3, seen.size());
        assertTrue(seen.stream().allMatch(s -> OPERATOR.equals(s.apiKey())), seen.toString());
        assertEquals(new Seen("DELETE", "/runs/r-running", OPERATOR, null), seen.get(1));
    }

    @Test
    void aBearerTokenGoesInAuthorization() {
        var client = new RunsClient(url, ApiCredentials.lookup(OPERATOR, Map.of("PRUNING_TOKEN", "jwt.a.b")::get,
                Path.of("/nonexistent/api-key")));
        client.run("r-done");
        assertEquals("Bearer jwt.a.b", seen.get(0).authorization());
    }

    @Test
    void a401Or403SaysWhereTheKeyCameFromAndHowToGiveOne() {
        var missing = assertThrows(RunsClient.EvaluatorException.class, () -> client(null).run("r-done"));
        assertEquals(401, missing.status());
        assertTrue(missing.getMessage().contains("No credentials were sent"), missing.getMessage());
        assertTrue(missing.getMessage().contains("--api-key KEY or PRUNING_API_KEY=KEY"), missing.getMessage());

        var wrong = assertThrows(RunsClient.EvaluatorException.class, () -> client("nope").run("r-done"));
        assertTrue(wrong.getMessage().contains("The API key from --api-key was not accepted"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("nope"), wrong.getMessage());

        var viewer = assertThrows(RunsClient.EvaluatorException.class, () -> client(VIEWER).cancel("r-running"));
        assertEquals(403, viewer.status());
        assertTrue(viewer.getMessage().contains("operator"), viewer.getMessage());
    }

    @Test
    void aRunIdIsOnePathSegment() {
        assertThrows(RunsClient.EvaluatorException.class, () -> client(OPERATOR).run("a b/../c"));
        assertEquals("/runs/a%20b%2F..%2Fc", seen.get(0).path());
    }

    private int cancel(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        var command = new CancelCommand();
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        var cli = new CommandLine(command);
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return 2;
        });
        return cli.execute(args);
    }

    @Test
    void cancelPrintsTheNewStatus() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        assertEquals(0, cancel(out, err, "--url", url, "--api-key", OPERATOR, "r-running"), err.toString());
        assertEquals("run r-running: CANCELLED", out.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void cancelOfAnUnknownOrEndedRunExitsNonZeroWithTheEvaluatorsMessage() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        assertEquals(1, cancel(out, err, "--url", url, "--api-key", OPERATOR, "r-nobody"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("has no run r-nobody (the evaluator: no run r-nobody)"),
                err.toString(StandardCharsets.UTF_8));

        err.reset();
        assertEquals(1, cancel(out, err, "--url", url, "--api-key", OPERATOR, "r-done"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot be cancelled, it has already ended "
                + "(the evaluator: run r-done has already ended (COMPLETED))"), err.toString(StandardCharsets.UTF_8));

        err.reset();
        assertEquals(2, cancel(out, err, "--url", url, "--api-key", VIEWER, "r-running"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("403"), err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void cancelIsACommandOfPruning() {
        assertTrue(new CommandLine(new PruningCli()).getSubcommands().containsKey("cancel"));
    }
}
