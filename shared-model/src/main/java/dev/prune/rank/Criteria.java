package dev.prune.rank;

import dev.prune.error.PruningException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * The registry of ranking criteria: every {@link RankingCriterion} listed in a
 * {@code META-INF/services/dev.prune.rank.RankingCriterion} on the class path (java.util.ServiceLoader).
 * Run specs ({@code RunSpec}), the CLI and docs/criteria.md (through a test) read their names here.
 *
 * <p>Why ServiceLoader rather than a list in this class: a criterion then comes with its own
 * registration, in shared-model's services file or in any other jar (or a test's resources), and
 * nothing in the engine names it; the order is that of the class path, then of each file
 * (shared-model's: taylor, taylor_batch_mean, weight_l1, mean_activation).
 */
public final class Criteria {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Map<String, RankingCriterion> BY_NAME = load();

    private Criteria() {
    }

    /** The criterion of that name; case and '-' for '_' do not matter ("Taylor-Batch-Mean"). */
    public static RankingCriterion byName(String text) {
        RankingCriterion criterion = text == null ? null
                : BY_NAME.get(text.trim().toLowerCase(Locale.ROOT).replace('-', '_'));
        if (criterion == null) {
            throw new PruningException("unknown criterion '" + text + "': use one of " + names());
        }
        return criterion;
    }

    /** Every registered name, in registry order. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** Every registered criterion, in registry order. */
    public static List<RankingCriterion> all() {
        return List.copyOf(BY_NAME.values());
    }

    private static Map<String, RankingCriterion> load() {
        Map<String, RankingCriterion> byName = new LinkedHashMap<>();
        for (RankingCriterion criterion : ServiceLoader.load(RankingCriterion.class, RankingCriterion.class.getClassLoader())) {
            String name = criterion.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalStateException(criterion.getClass().getName() + " has name '" + name
                        + "': a criterion's name is lower case letters, digits and '_', starting with a letter");
            }
            RankingCriterion earlier = byName.putIfAbsent(name, criterion);
            if (earlier != null && !earlier.getClass().equals(criterion.getClass())) {
                throw new IllegalStateException("two criteria are named '" + name + "': "
                        + earlier.getClass().getName() + " and " + criterion.getClass().getName());
            }
        }
        if (byName.isEmpty()) {
            throw new IllegalStateException("no ranking criterion registered: META-INF/services/"
                    + RankingCriterion.class.getName() + " is missing from the class path");
        }
        return byName;
    }
}
