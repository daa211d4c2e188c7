package dev.prune.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts a local Kafka broker and keeps it running until this process is stopped.
 *
 * <pre>
 * java -jar local-kafka/target/local-kafka.jar --data .pruning/kafka --port 9092
 * </pre>
 *
 * Prints {@code KAFKA_READY 127.0.0.1:PORT} on standard output (one line, flushed) once the
 * broker answers; everything else goes to standard error. Standard input is not read, so a
 * supervisor may start it with stdin closed or from /dev/null. SIGTERM / Ctrl-C stop the broker
 * cleanly; if this process is killed outright the broker stops by itself (it watches this
 * process's pid, see {@link BrokerLauncher}). Exits with 1 when the broker cannot start or dies,
 * 2 on bad arguments.
 */
public final class LocalKafkaMain {

    private static final String USAGE = String.join("\n",
            "usage: LocalKafkaMain --data DIR [--port N] [--controller-port N] [--partitions N]",
            "                      [--auto-create-topics true|false] [--heap 512m] [--timeout SECONDS]",
            "                      [--topic NAME:PARTITIONS]...",
            "  --data DIR          data folder (formatted on first use, reused afterwards)",
            "  --port N            client (PLAINTEXT) port on 127.0.0.1; 0 or absent: a free one",
            "  --controller-port N KRaft controller port; 0 or absent: a free one",
            "  --partitions N      num.partitions of auto-created topics (default 4)",
            "  --topic NAME:P      create this topic with P partitions if it does not exist",
            "Prints 'KAFKA_READY 127.0.0.1:PORT' on stdout when the broker answers.");

    private LocalKafkaMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = null;
        KafkaBroker.Builder builder;
        int port = 0;
        int controllerPort = 0;
        Integer partitions = null;
        Boolean autoCreate = null;
        String heap = null;
        Duration timeout = null;
        Map<String, Integer> topics = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("-h") || arg.equals("--help")) {
                    System.err.println(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + arg);
                }
                String value = args[++i];
                switch (arg) {
                    case "--data": data = Path.of(value); break;
                    case "--port": port = Integer.parseInt(value); break;
                    case "--controller-port": controllerPort = Integer.parseInt(value); break;
                    case "--partitions": partitions = Integer.parseInt(value); break;
                    case "--auto-create-topics": autoCreate = Boolean.parseBoolean(value); break;
                    case "--heap": heap = value; break;
                    case "--timeout": timeout = Duration.ofSeconds(Long.parseLong(value)); break;
                    case "--topic": {
                        int colon = value.lastIndexOf(':');
                        if (colon <= 0) {
                            throw new IllegalArgumentException("--topic wants NAME:PARTITIONS, got " + value);
                        }
                        topics.put(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
                        break;
                    }
                    default: throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (data == null) {
                throw new IllegalArgumentException("--data DIR is required");
            }
            builder = KafkaBroker.builder(data).port(port).controllerPort(controllerPort);
            if (partitions != null) {
                builder.defaultPartitions(partitions);
            }
            if (autoCreate != null) {
                builder.autoCreateTopics(autoCreate);
            }
            if (heap != null) {
                builder.heap(heap);
            }
            if (timeout != null) {
                builder.startTimeout(timeout);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("local-kafka: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        KafkaBroker broker;
        try {
            System.err.println("local-kafka: starting Kafka in " + data.toAbsolutePath()
                    + " (log: " + data.toAbsolutePath().resolve(KafkaBroker.LOG_FILE) + ")");
            broker = builder.start();
            broker.createTopics(topics);
        } catch (RuntimeException e) {
            System.err.println("local-kafka: " + e.getMessage());
            System.exit(1);
            return;
        }
        KafkaBroker running = broker;
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            running.close();
        }, "local-kafka-main-shutdown"));
        System.err.println("local-kafka: broker pid " + broker.pid() + " ready in "
                + broker.startupTime().toMillis() + " ms" + (broker.formattedStorage() ? " (storage formatted)" : "")
                + "; log " + broker.logFile());
        System.out.println("KAFKA_READY " + broker.bootstrapServers());
        System.out.flush();

        int code = broker.waitFor();
        if (stopping.get()) {
            return; // stopped by our shutdown hook: the JVM is exiting anyway
        }
        System.err.println("local-kafka: the broker exited with code " + code + "; see " + broker.logFile());
        System.exit(code == 0 ? 1 : code);
    }
}
