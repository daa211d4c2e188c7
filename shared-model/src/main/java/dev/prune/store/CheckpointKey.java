package dev.prune.store;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one checkpoint lives: {@code runs/{runId}/iter-{NNN}/{stage}/}, holding {@code model.zip} and
 * {@code manifest.json}. Keys order by run id, iteration, then stage in pipeline order
 * ({@link #PIPELINE_STAGES}; other stages after those, alphabetically).
 */
public record CheckpointKey(String runId, int iteration, String stage) implements Comparable<CheckpointKey> {
    public static final String MODEL_FILE = "model.zip";
    public static final String MANIFEST_FILE = "manifest.json";
    /** The ranked stage stores the filter ranking (JSON) where other stages store a model. */
    public static final String RANKS_FILE = "ranks.json";
    public static final String RANKED_STAGE = CheckpointStage.RANKED;
    /** The ranking the fine-tuning gathered on its last steps (ranks.json), beside the fine-tuned model it is of. */
    public static final String FINETUNE_RANKING_STAGE = CheckpointStage.FINETUNE_RANKING;
    /** The stages of one pruning iteration, in the order they run ({@link CheckpointStage}). */
    public static final List<String> PIPELINE_STAGES = CheckpointStage.IN_ORDER;

    private static final int MAX_NAME_LENGTH = 128;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern KEY = Pattern.compile(
            "runs/([^/]+)/iter-([0-9]{3,9})/([^/]+)(?:/(?:" + Pattern.quote(MODEL_FILE) + "|"
                    + Pattern.quote(MANIFEST_FILE) + ")?)?");
    /** {@code runs/{runId}/run.json}: the run's state, as the evaluator last wrote it. */
    public static final String RUN_FILE = "run.json";
    private static final String KEY_FORMAT = "runs/{runId}/iter-{NNN}/{stage}/, optionally followed by "
            + MODEL_FILE + " or " + MANIFEST_FILE + ", e.g. runs/run-42/iter-003/pruned/";
    private static final Comparator<CheckpointKey> ORDER = Comparator.comparing(CheckpointKey::runId)
            .thenComparingInt(CheckpointKey::iteration)
            .thenComparingInt(key -> stageRank(key.stage()))
            .thenComparing(CheckpointKey::stage);

    public CheckpointKey {
        requireName("run id", runId);
        if (iteration < 0) {
            throw new InvalidCheckpointKeyException("iteration " + iteration + " of run " + runId
                    + " is negative; iterations count from 0 (0 = the unpruned base network)");
        }
        requireName("stage", stage);
    }

    /** Parses a prefix ({@code runs/r/iter-001/pruned/}, trailing slash optional) or a model/manifest key. */
    public static CheckpointKey parse(String prefixOrKey) {
        if (prefixOrKey == null) {
            throw new InvalidCheckpointKeyException("checkpoint key is missing; expected " + KEY_FORMAT);
        }
        Matcher m = KEY.matcher(prefixOrKey.strip());
        if (!m.matches()) {
            throw new InvalidCheckpointKeyException("'" + prefixOrKey + "' is not a checkpoint key; expected "
                    + KEY_FORMAT);
        }
        int iteration = Integer.parseInt(m.group(2));
        if (!String.format("%03d", iteration).equals(m.group(2))) {
            throw new InvalidCheckpointKeyException("'" + prefixOrKey + "' writes iteration " + iteration + " as iter-"
                    + m.group(2) + "; write it zero-padded to three digits: iter-" + String.format("%03d", iteration));
        }
        return new CheckpointKey(m.group(1), iteration, m.group(3));
    }

    /** {@code runs/{runId}/}: the prefix under which all checkpoints of a run live. */
    public static String runPrefix(String runId) {
        requireName("run id", runId);
        return "runs/" + runId + "/";
    }

    /** {@code runs/{runId}/iter-{NNN}/{stage}/}. */
    public String prefix() {
        return runPrefix(runId) + String.format("iter-%03d/", iteration) + stage + "/";
    }

    public String modelKey() {
        return prefix() + payloadFile();
    }

    /** File name of the stored payload: {@code ranks.json} for the ranking stages, {@code model.zip} otherwise. */
    public String payloadFile() {
        return RANKED_STAGE.equals(stage) || FINETUNE_RANKING_STAGE.equals(stage) ? RANKS_FILE : MODEL_FILE;
    }

    /**
     * File name a payload with this sha256 is stored under: {@code model-<sha256>.zip} ({@code ranks-<sha256>.json}
     * for the ranked stage). Content-addressed, so concurrent writers of one key never overwrite each other.
     */
    public String payloadFile(String sha256Hex) {
        String plain = payloadFile();
        int dot = plain.lastIndexOf('.');
        return plain.substring(0, dot) + "-" + sha256Hex + plain.substring(dot);
    }

    public String manifestKey() {
        return prefix() + MANIFEST_FILE;
    }

    @Override
    public int compareTo(CheckpointKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return prefix();
    }

    private static int stageRank(String stage) {
        int rank = PIPELINE_STAGES.indexOf(stage);
        return rank >= 0 ? rank : PIPELINE_STAGES.size();
    }

    private static void requireName(String what, String value) {
        Objects.requireNonNull(what);
        if (value == null || value.isEmpty()) {
            throw new InvalidCheckpointKeyException(what + " is missing; give a non-empty " + what
                    + " made of letters, digits, '.', '_' and '-'");
        }
        if (!NAME.matcher(value).matches() || value.equals(".") || value.equals("..")
                || value.length() > MAX_NAME_LENGTH) {
            throw new InvalidCheckpointKeyException(what + " '" + value + "' is not allowed: use 1 to "
                    + MAX_NAME_LENGTH + " letters, digits, '.', '_' or '-' (not '.' or '..' alone), "
                    + "e.g. run-2024-05-01");
        }
    }
}
