package dev.prune.surgery;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WidthRuleTest {
    @Test
    void withoutRoundingOneFilterAtATimeDownToTheMinimum() {
        var rule = WidthRule.unrounded(2);
        assertEquals(1, rule.nextBlock(3));
        assertEquals(0, rule.nextBlock(2));
        assertEquals(8, rule.removable(10));
        assertEquals(0, rule.removable(1));
    }

    @Test
    void roundedBlocksFirstReachAMultipleThenStepByIt() {
        var rule = new WidthRule(1, 16);
        assertEquals(1, rule.nextBlock(17));
        assertEquals(16, rule.nextBlock(48));
        assertEquals(0, rule.nextBlock(16), "never below round_to");
        assertEquals(0, rule.nextBlock(15), "a layer narrower than round_to is left alone");
        assertEquals(33, rule.removable(49), "49 -> 48 -> 32 -> 16");
        assertEquals(33 + 1 + 0, rule.removable(List.of(49, 17, 12)));
        assertEquals(6, new WidthRule(20, 8).removable(30), "30 -> 24; 16 would be below 20");
        assertEquals(0, new WidthRule(20, 8).removable(22), "22 cannot reach a multiple of 8 without going below 20");
    }
}
