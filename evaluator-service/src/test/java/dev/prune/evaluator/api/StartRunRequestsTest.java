package dev.prune.evaluator.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune.evaluator.api.StartRunRequests.InvalidRequest;
import dev.prune.events.EventCodec;
import dev.prune.events.RunSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /runs bodies: defaults, validation messages, run ids (no Quarkus, no Kafka). */
class StartRunRequestsTest {

    private static JsonNode json(String text) throws Exception {
        return EventCodec.json().readTree(text);
    }

    @Test
    void leftOutSpecFieldsTakeTheDefaults() throws Exception {
        var request = StartRunRequests.read(json("{\"run_id\": \"run-a\", \"base_checkpoint\": \"runs/run-a/iter-000/base\","
                + " \"spec\": {\"filters_per_iteration\": 8, \"max_iterations\": 3}}"));
        assertEquals("run-a", request.runId());
        assertEquals("runs/run-a/iter-000/base/", request.baseCheckpoint().prefix());
        RunSpec d = RunSpec.defaults();
        assertEquals(new RunSpec(8, d.targetFlopsReduction(), d.accuracyBudget(), 3, d.minFiltersPerLayer(), d.roundTo(), d.criterion(),
                d.flopsLambda(), d.dataset(), d.trainImages(), d.testImages(), d.rankImages(), d.rankSource(), d.optimizer(), d.learningRate(),
                d.batchSize(), d.fineTuneEpochs(), d.fineTuneImages(), d.seed()), request.spec());
    }

    @Test
    void aMissingSpecIsTheDefaultsAndAMissingRunIdIsGenerated() throws Exception {
        var request = StartRunRequests.read(json("{\"base_checkpoint\": \"runs/r/iter-000/base/\"}"));
        assertEquals(RunSpec.defaults(), request.spec());
        assertTrue(request.runId().matches("run-\\d{8}-\\d{6}-[0-9a-f]{6}"), request.runId());
    }

    @Test
    void aPolicyOutOfRangeIsRejectedWithTheFieldsMessage() throws Exception {
        var e = assertThrows(InvalidRequest.class, () -> StartRunRequests.read(json(
                "{\"base_checkpoint\": \"runs/r/iter-000/base/\", \"spec\": {\"filters_per_iteration\": 0}}")));
        assertEquals("invalid spec: filters per iteration must be > 0, got 0", e.getMessage());
        e = assertThrows(InvalidRequest.class, () -> StartRunRequests.spec(json("{\"accuracy_budget\": 2}")));
        assertTrue(e.getMessage().contains("accuracy budget must be between 0 and 1"), e.getMessage());
        e = assertThrows(InvalidRequest.class, () -> StartRunRequests.spec(json("{\"rank_source\": \"sometimes\"}")));
        assertEquals("invalid spec: unknown rank_source 'sometimes': use one of [sample, finetune]", e.getMessage());
        assertEquals("finetune", StartRunRequests.spec(json("{\"rank_source\": \"finetune\"}")).rankSource());
    }

    @Test
    void roundToDefaultsToOneAndMustBePositive() throws Exception {
        assertEquals(1, StartRunRequests.spec(json("{}")).roundTo());
        assertEquals(16, StartRunRequests.spec(json("{\"round_to\": 16}")).roundTo());
        var e = assertThrows(InvalidRequest.class, () -> StartRunRequests.spec(json("{\"round_to\": 0}")));
        assertTrue(e.getMessage().startsWith("invalid spec: round_to must be >= 1"), e.getMessage());
    }

    @Test
    void unknownFieldsWrongTypesAndBadKeysAreNamed() {
        var e = assertThrows(InvalidRequest.class, () -> StartRunRequests.spec(json("{\"filter_per_iteration\": 4}")));
        assertTrue(e.getMessage().startsWith("unknown spec field 'filter_per_iteration'; known fields: [filters_per_iteration"),
                e.getMessage());
        e = assertThrows(InvalidRequest.class, () -> StartRunRequests.spec(json("{\"max_iterations\": \"many\"}")));
        assertTrue(e.getMessage().startsWith("spec is not readable"), e.getMessage());
        e = assertThrows(InvalidRequest.class, () -> StartRunRequests.read(json("{\"base_checkpoint\": \"models/vgg.zip\"}")));
        assertTrue(e.getMessage().startsWith("base_checkpoint: 'models/vgg.zip' is not a checkpoint key"), e.getMessage());
        e = assertThrows(InvalidRequest.class, () -> StartRunRequests.read(json(
                "{\"run_id\": \"a/b\", \"base_checkpoint\": \"runs/r/iter-000/base/\"}")));
        assertTrue(e.getMessage().startsWith("run_id: run id 'a/b' is not allowed"), e.getMessage());
        e = assertThrows(InvalidRequest.class, () -> StartRunRequests.read(json("[]")));
        assertTrue(e.getMessage().startsWith("the body must be a JSON object"), e.getMessage());
        e = assertThrows(InvalidRequest.class, () -> StartRunRequests.read(json("{\"base\": \"x\"}")));
        assertTrue(e.getMessage().startsWith("unknown field 'base'"), e.getMessage());
    }
}
