package dev.prune.local;

import dev.prune.events.PipelineTopic;

import java.util.LinkedHashMap;
import java.util.Map;

/** The topics the local broker creates: every pipeline topic and its dead-letter topic ({@link PipelineTopic}). */
public final class PipelineTopics {
    private PipelineTopics() {
    }

    /** Every event topic and its dead-letter topic, each with {@code partitions} partitions. */
    public static Map<String, Integer> all(int partitions) {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (PipelineTopic<?> topic : PipelineTopic.ALL) {
            topics.put(topic.name(), partitions);
            topics.put(topic.deadLetterTopic(), partitions);
        }
        return topics;
    }
}
