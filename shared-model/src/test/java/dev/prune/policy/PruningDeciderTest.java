package dev.prune.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruningDeciderTest {
    private final PruningPolicy policy = new PruningPolicy(16, 0.5, 0.005, 6, 1);

    @Test
    void continuesWhileWithinBudgetAndShortOfTarget() {
        var d = PruningDecider.decide(policy, List.of(new IterationOutcome(0, 0.90, 1000, 188),
                new IterationOutcome(1, 0.899, 800, 172)));
        assertEquals(Decision.Action.CONTINUE, d.action());
        assertEquals(1, d.bestIteration());
    }

    @Test
    void stopsWhenTargetReached() {
        var d = PruningDecider.decide(policy, List.of(new IterationOutcome(0, 0.90, 1000, 188),
                new IterationOutcome(1, 0.90, 490, 100)));
        assertTrue(d.isStop());
        assertTrue(d.reason().startsWith("target reached"), d.reason());
        assertEquals(1, d.bestIteration());
    }

    @Test
    void budgetSpentReturnsLastIterationWithinBudget() {
        var d = PruningDecider.decide(policy, List.of(new IterationOutcome(0, 0.90, 1000, 188),
                new IterationOutcome(1, 0.897, 900, 172), new IterationOutcome(2, 0.893, 800, 156)));
        assertTrue(d.isStop());
        assertTrue(d.reason().startsWith("accuracy budget spent"), d.reason());
        assertEquals(1, d.bestIteration());
    }

    @Test
    void stopsAtIterationCap() {
        var d = PruningDecider.decide(new PruningPolicy(16, 0.9, 0.05, 1, 1), List.of(
                new IterationOutcome(0, 0.90, 1000, 188), new IterationOutcome(1, 0.90, 900, 172)));
        assertTrue(d.isStop());
        assertTrue(d.reason().contains("cap"), d.reason());
    }

    @Test
    void policyOutOfRangeIsRefused() {
        assertThrows(dev.prune.error.PruningException.class, () -> new PruningPolicy(0, 0.5, 0.005, 6, 1));
        assertThrows(dev.prune.error.PruningException.class, () -> new PruningPolicy(16, 0.5, -0.1, 6, 1));
        assertThrows(dev.prune.error.PruningException.class, () -> new PruningPolicy(16, 1.5, 0.005, 6, 1));
    }
}
