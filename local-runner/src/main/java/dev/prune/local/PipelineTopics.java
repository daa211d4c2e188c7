package dev.prune.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The topics of the pipeline and their dead-letter topics. */
public final class PipelineTopics {
    public static final List<String> EVENTS = List.of("start-pruning", "evaluated", "ranks-computed", "filters-pruned",
            "finetuned", "train-requested", "trained");

    private PipelineTopics() {
    }

    public static String deadLetter(String topic) {
        return topic + ".dlq";
    }

    /** Every event topic and its dead-letter topic, each with {@code partitions} partitions. */
    public static Map<String, Integer> all(int partitions) {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String topic : EVENTS) {
            topics.put(topic, partitions);
            topics.put(deadLetter(topic), partitions);
        }
        return topics;
    }
}
