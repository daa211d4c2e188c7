package dev.prune.ranker;

import dev.prune.events.Evaluated;
import dev.prune.events.EventCodec;
import dev.prune.events.RanksComputed;
import dev.prune.events.RunSpec;
import dev.prune.local.KafkaTestClient;
import dev.prune.local.ServiceProcess;
import dev.prune.local.StageServiceFixture;
import dev.prune.net.VggBuilder;
import dev.prune.net.VggSpec;
import dev.prune.store.CheckpointKey;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stage much longer than the consumer's limits: the packaged ranker-service with
 * {@code max.poll.interval.ms} cut to 10 s ranks for more than 60 s (the throttled strategy's default max age), and the record is neither redelivered nor does the
 * channel turn unhealthy.
 *
 * <p>Why this holds (see application.properties):
 * <ul>
 *   <li>The Kafka poll loop runs on its own thread (smallrye-kafka-consumer-thread-N), and {@code RankConsumer.rank} is
 *   {@code @Blocking("ranker")}: the ranking runs on the "ranker" worker pool, so the poll loop keeps calling
 *   {@code poll()} while it works (pausing the partitions when it has enough in hand) and
 *   {@code max.poll.interval.ms} cannot expire: no rebalance, no redelivery, however long the stage.</li>
 *   <li>The throttled commit strategy marks the channel unhealthy (readiness DOWN) once a received record stays
 *   unacknowledged longer than {@code throttled.unprocessed-record-max-age.ms}, 60 s by default; a ranking takes
 *   minutes, so application.properties raises it to an hour. This test's stage lasts longer than those 60 s, so
 *   readiness staying UP throughout shows the raised limit at work.</li>
 * </ul>
 * Had the poll loop stalled for the stage, the member would be dropped from the group after 10 s and the uncommitted
 * record handed over again: a second stage count and a second ranks-computed. A max age below the stage turns
 * readiness DOWN while it runs (checked by hand with 5 s: the readiness assertion fails).
 * Its own broker and service, so RankerServiceIT's counts are untouched.
 */
@Timeout(value = 420)
class RankerLongStageIT {
    static final String IN = "evaluated";
    static final String OUT = "ranks-computed";
    static final String DLQ = "evaluated.dlq";
    static final String RUN = "run-long";
    static final String RANK_COUNT = "pruning_stage_seconds_count{stage=\"rank\"}";
    static final String RANK_SUM = "pruning_stage_seconds_sum{stage=\"rank\"}";
    /** The consumer's poll interval in this test: the stage must take clearly longer. */
    static final long POLL_INTERVAL_MS = 10_000;
    /** The throttled commit strategy's default unprocessed-record max age, which the stage must outlast. */
    static final long DEFAULT_MAX_AGE_MS = 60_000;
    /**
     * Images ranked, by vgg-small with BatchNorm: after the ranking pass stopped backpropagating below the first
     * feature map, 40,000 images through vgg-small without BatchNorm took 59.3 s on a 2-core machine, under the
     * 60 s default max age; the whole training set through the slower BatchNorm network takes well over it.
     */
    static final int RANK_IMAGES = 60_000;
    static final RunSpec SPEC = new RunSpec(4, 0.5, 0.05, 3, 1, 1, "taylor", 0, "fashion-mnist", RANK_IMAGES, 128, RANK_IMAGES,
            "sample", "adam", 1e-3, 32, 1, 128, 7);
    /** After the first output, how long to watch for a second one (a redelivery would rank again and emit again). */
    static final Duration DUPLICATE_WATCH = Duration.ofSeconds(15);
    static final Duration WAIT = Duration.ofSeconds(420);

    @TempDir
    static Path dir;
    static StageServiceFixture fixture;
    static KafkaTestClient topics;
    static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        fixture = StageServiceFixture.start(dir, Map.of(IN, 3, OUT, 3, DLQ, 1));
        topics = fixture.topics();
        fixture.store().putRunRecord(new dev.prune.store.RunRecord(RUN, dev.prune.store.RunState.RUNNING, null, "test"));
        fixture.io().saveModel(new CheckpointKey(RUN, 0, "base"), VggBuilder.build(VggSpec.vggSmall(true, 0)), null, "test",
                Map.of());
        service = fixture.startService("ranker-service", "ranker-service-long-stage.log", Map.of(
                // the poll interval far below the stage; a consumer's session timeout must not exceed it
                "mp.messaging.incoming.evaluated.max.poll.interval.ms", Long.toString(POLL_INTERVAL_MS),
                "mp.messaging.incoming.evaluated.session.timeout.ms", "6000",
                "mp.messaging.incoming.evaluated.heartbeat.interval.ms", "2000"));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static String log() {
        return "---- ranker-service log ----\n" + service.logTail();
    }

    /** GET /q/health/ready; remembers any answer other than 200 (with its body) in {@code downs}. */
    static void checkReady(List<String> downs, long startNanos) {
        int status = service.status("/q/health/ready");
        if (status != 200) {
            downs.add(String.format("%.1f s: %d %s", (System.nanoTime() - startNanos) / 1e9, status,
                    status > 0 ? service.body("/q/health/ready") : "(no answer)"));
        }
    }

    @Test
    void aStageLongerThanThePollIntervalIsNotRedeliveredAndKeepsTheChannelReady() {
        String base = "runs/" + RUN + "/iter-000/base/";
        topics.send(IN, RUN, EventCodec.encode(new Evaluated(1, RUN, 0, base, Evaluated.CONTINUE, "test", 0, base,
                Map.of("accuracy", 0.5), SPEC)));

        // while the stage runs: readiness must stay UP the whole time
        List<String> downs = new ArrayList<>();
        int checks = 0;
        long start = System.nanoTime();
        long deadline = start + WAIT.toNanos();
        while (service.metric(RANK_COUNT) < 1) {
            assertTrue(System.nanoTime() < deadline, () -> "the ranking did not end within " + WAIT.toSeconds() + " s\n" + log());
            assertTrue(service.isAlive(), RankerLongStageIT::log);
            checkReady(downs, start);
            checks++;
            ServiceProcess.pause(500);
        }
        double stageSeconds = service.metric(RANK_SUM);
        List<ConsumerRecord<String, String>> first = topics.await(OUT, KafkaTestClient.key(RUN), 1, WAIT, RankerLongStageIT::log);

        // after it: watch for a duplicate (a rebalance would hand the record over again), still READY
        long watchEnd = System.nanoTime() + DUPLICATE_WATCH.toNanos();
        while (System.nanoTime() < watchEnd) {
            checkReady(downs, start);
            checks++;
            ServiceProcess.pause(500);
        }
        List<ConsumerRecord<String, String>> all = topics.read(OUT).stream().filter(KafkaTestClient.key(RUN)).toList();

        System.out.printf("RankerLongStageIT: rank stage took %.1f s (poll interval %d ms), %d readiness checks%n",
                stageSeconds, POLL_INTERVAL_MS, checks);
        assertTrue(stageSeconds * 1000 > Math.max(POLL_INTERVAL_MS * 1.5, DEFAULT_MAX_AGE_MS), () -> String.format(
                "the stage took only %.1f s: not longer than the %d ms poll interval and the %d ms default max age, "
                        + "so the test proves nothing; raise RANK_IMAGES", stageSeconds, POLL_INTERVAL_MS, DEFAULT_MAX_AGE_MS));
        assertTrue(checks >= 10, "readiness was checked " + checks + " times");
        assertEquals(List.of(), downs, () -> "readiness was not UP throughout\n" + log());
        assertEquals(1, first.size());
        assertEquals(1, all.size(), () -> "ranks-computed for " + RUN + " more than once: " + all + "\n" + log());
        RanksComputed out = EventCodec.decode(all.get(0).value(), RanksComputed.class);
        assertEquals("runs/" + RUN + "/iter-001/ranked/", out.ranksCheckpoint());
        assertEquals(1, service.metric(RANK_COUNT), 0.0, "the stage ran once: no redelivery");
        assertEquals(1, service.metric("pruning_events_in_total{topic=\"evaluated\"}"), 0.0, "one event received");
        assertEquals(0, topics.read(DLQ).size(), "nothing dead-lettered");
        topics.awaitCommitted("ranker", IN, WAIT, RankerLongStageIT::log);
        assertEquals(200, service.status("/q/health/ready"), () -> service.body("/q/health/ready"));
    }
}
