package dev.prune.events;

import dev.prune.store.CheckpointKey;
import dev.prune.store.CheckpointStage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline's one definition: topics in order, their events, dead-letter topics, the constants the services annotate with. */
class PipelineTopicTest {
    static final RunSpec SPEC = new RunSpec(4, 0.5, 0.05, 3, 1, 1, "taylor", 0, "fashion-mnist", 256, 128, 64,
            "sample", "adam", 1e-3, 32, 1, 128, 7);

    @Test
    void topicsInPipelineOrderEachWithItsEventAndDeadLetterTopic() {
        assertEquals(List.of("start-pruning", "evaluated", "ranks-computed", "filters-pruned", "finetuned"), PipelineTopic.names());
        assertEquals(List.of(StartPruning.class, Evaluated.class, RanksComputed.class, FiltersPruned.class, Finetuned.class),
                PipelineTopic.ALL.stream().map(PipelineTopic::eventType).toList());
        assertEquals(List.of("start-pruning.dlq", "evaluated.dlq", "ranks-computed.dlq", "filters-pruned.dlq", "finetuned.dlq"),
                PipelineTopic.deadLetterTopics());
        assertSame(PipelineTopic.FILTERS_PRUNED, PipelineTopic.named("filters-pruned").orElseThrow());
        assertSame(PipelineTopic.EVALUATED, PipelineTopic.ofDeadLetterTopic("evaluated.dlq").orElseThrow());
        assertTrue(PipelineTopic.named("train-requested").isEmpty());
        assertTrue(PipelineTopic.ofDeadLetterTopic("evaluated").isEmpty());
    }

    @Test
    void theAnnotationConstantsAreTheTopicNames() throws Exception {
        for (PipelineTopic<?> topic : PipelineTopic.ALL) {
            String constant = topic.name().toUpperCase().replace('-', '_');
            assertEquals(topic.name(), PipelineTopic.Names.class.getField(constant).get(null), constant);
        }
        assertEquals(PipelineTopic.ALL.size(), PipelineTopic.Names.class.getFields().length, "a constant per topic, no other");
    }

    @Test
    void decodeIsTypedAndKeepsTheVersionCheck() {
        String base = "runs/r1/iter-000/base/";
        StartPruning event = new StartPruning(1, "r1", base, SPEC);
        StartPruning decoded = PipelineTopic.START_PRUNING.decode(EventCodec.encode(event));
        assertEquals(event, decoded);
        String v2 = EventCodec.encode(event).replace("\"version\":1", "\"version\":2");
        BadEventException bad = assertThrows(BadEventException.class, () -> PipelineTopic.START_PRUNING.decode(v2));
        assertTrue(bad.getMessage().contains("version 2"), bad.getMessage());
        assertThrows(BadEventException.class, () -> PipelineTopic.EVALUATED.decode("{\"version\":1,\"run_id\":"));
        var evaluated = new Evaluated(1, "r1", 0, base, Evaluated.CONTINUE, "base", 0, base, Map.of(), SPEC);
        assertEquals(evaluated, PipelineTopic.EVALUATED.decode(EventCodec.encode(evaluated)));
    }

    @Test
    void checkpointStagesAreTheStoresKeysInOrder() {
        assertEquals(List.of("base", "ranked", "pruned", "finetuned", "finetune-ranking"), CheckpointStage.IN_ORDER);
        assertSame(CheckpointStage.IN_ORDER, CheckpointKey.PIPELINE_STAGES);
        assertEquals(CheckpointStage.RANKED, CheckpointKey.RANKED_STAGE);
        assertTrue(new CheckpointKey("r", 1, CheckpointStage.PRUNED).compareTo(new CheckpointKey("r", 1, CheckpointStage.FINETUNED)) < 0);
    }
}
