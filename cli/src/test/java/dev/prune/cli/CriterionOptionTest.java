package dev.prune.cli;

import dev.prune.error.PruningException;
import dev.prune.rank.Criteria;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --criterion's help and checks come from the criteria registry, not from a list of their own. */
class CriterionOptionTest {

    @Test
    void helpListsEveryRegisteredCriterion() {
        for (Object command : new Object[]{new BenchCommand(), new StartCommand()}) {
            String usage = new CommandLine(command).getUsageMessage().replaceAll("\\s+", " "); // help wraps lines
            assertTrue(usage.contains(String.join(", ", Criteria.names())), usage);
        }
    }

    @Test
    void benchRefusesAnUnknownCriterionBeforeAnyWork() {
        StringWriter err = new StringWriter();
        var line = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err));
        assertNotEquals(0, line.execute("--criterion", "no_such_criterion", "--out", "target/criterion-option-test"));
        assertTrue(err.toString().contains("unknown criterion 'no_such_criterion': use one of " + Criteria.names()), err.toString());
    }

    @Test
    void startRefusesAnUnknownCriterionAndPassesAKnownOneAsTyped() {
        var start = new StartCommand();
        new CommandLine(start).parseArgs("--base", "runs/demo/iter-000/base/", "--criterion", "no_such_criterion");
        var e = assertThrows(PruningException.class, start::spec);
        assertTrue(e.getMessage().contains(Criteria.names().toString()), e.getMessage());

        var known = new StartCommand();
        new CommandLine(known).parseArgs("--base", "runs/demo/iter-000/base/", "--criterion", "weight_l1");
        assertEquals("weight_l1", known.spec().path("criterion").asText());
    }
}
