package dev.prune.cli;

import dev.prune.rank.Criteria;

import java.util.Iterator;

/** The registered criteria's names, for picocli's {@code --criterion} help and completion (${COMPLETION-CANDIDATES}). */
final class CriterionNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Criteria.names().iterator();
    }
}
