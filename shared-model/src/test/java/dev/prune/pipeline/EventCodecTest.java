package dev.prune.pipeline;

import dev.prune.events.BadEventException;
import dev.prune.events.EventCodec;
import dev.prune.events.RunSpec;
import dev.prune.events.StartPruning;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {
    @Test
    void roundTripsWithSnakeCaseKeys() {
        var event = new StartPruning(1, "r1", "runs/r1/iter-000/base/", RunSpec.defaults());
        String json = EventCodec.encode(event);
        assertTrue(json.contains("\"run_id\":\"r1\"") && json.contains("\"filters_per_iteration\":16"), json);
        assertEquals(event, EventCodec.decode(json, StartPruning.class));
    }

    @Test
    void refusesBadEventsWithTheRunIdWhenKnown() {
        var malformed = assertThrows(BadEventException.class, () -> EventCodec.decode("{not json", StartPruning.class));
        assertNull(malformed.runId());
        String good = EventCodec.encode(new StartPruning(1, "r2", "runs/r2/iter-000/base/", RunSpec.defaults()));
        var version = assertThrows(BadEventException.class,
                () -> EventCodec.decode(good.replace("\"version\":1", "\"version\":9"), StartPruning.class));
        assertEquals("r2", version.runId());
        assertTrue(version.getMessage().contains("version 9"), version.getMessage());
        var policy = assertThrows(BadEventException.class,
                () -> EventCodec.decode(good.replace("\"filters_per_iteration\":16", "\"filters_per_iteration\":0"), StartPruning.class));
        assertTrue(policy.getMessage().contains("filters per iteration must be > 0"), policy.getMessage());
        var budget = assertThrows(BadEventException.class,
                () -> EventCodec.decode(good.replace("\"accuracy_budget\":0.02", "\"accuracy_budget\":-1.0"), StartPruning.class));
        assertTrue(budget.getMessage().contains("accuracy budget"), budget.getMessage());
        assertEquals("r2", EventCodec.runIdOf(good));
    }

    @Test
    void anEventWithoutRoundToReadsAsOneAndRoundToZeroIsRefused() {
        String good = EventCodec.encode(new StartPruning(1, "r3", "runs/r3/iter-000/base/", RunSpec.defaults()));
        assertTrue(good.contains("\"round_to\":1,"), good);
        String older = good.replace("\"round_to\":1,", "");
        assertEquals(1, EventCodec.decode(older, StartPruning.class).spec().roundTo());
        assertEquals(16, EventCodec.decode(good.replace("\"round_to\":1", "\"round_to\":16"), StartPruning.class).spec().roundTo());
        var zero = assertThrows(BadEventException.class,
                () -> EventCodec.decode(good.replace("\"round_to\":1", "\"round_to\":0"), StartPruning.class));
        assertTrue(zero.getMessage().contains("round_to must be >= 1"), zero.getMessage());
        var nothing = assertThrows(BadEventException.class,
                () -> EventCodec.decode(good.replace("\"round_to\":1", "\"round_to\":null"), StartPruning.class));
        assertEquals("r3", nothing.runId());
    }
}
