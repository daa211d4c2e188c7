package dev.prune.rank;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** docs/criteria.md describes every criterion shipped with the engine, by its registered name. */
class CriteriaDocsTest {

    @Test
    void docsNameEveryShippedCriterion() throws IOException {
        String docs = Files.readString(repositoryRoot().resolve("docs/criteria.md"));
        // shipped = compiled with the engine; criteria from the test sources (SignedTaylorCriterion) are not documented
        var engine = RankingCriterion.class.getProtectionDomain().getCodeSource().getLocation();
        List<String> shipped = Criteria.all().stream()
                .filter(c -> c.getClass().getProtectionDomain().getCodeSource().getLocation().equals(engine))
                .map(RankingCriterion::name).toList();
        assertFalse(shipped.isEmpty());
        assertEquals(List.of(), shipped.stream().filter(name -> !docs.contains("`" + name + "`")).toList(),
                "criteria docs/criteria.md does not name (in backticks)");
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/criteria.md"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no docs/criteria.md above " + Path.of("").toAbsolutePath());
    }
}
