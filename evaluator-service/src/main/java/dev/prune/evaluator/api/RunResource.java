package dev.prune.evaluator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune.evaluator.api.RunViews.Accepted;
import dev.prune.evaluator.api.RunViews.ApiError;
import dev.prune.evaluator.api.RunViews.RunDetail;
import dev.prune.evaluator.api.RunViews.RunOutcome;
import dev.prune.evaluator.api.RunViews.RunSummary;
import dev.prune.evaluator.api.StartRunRequests.InvalidRequest;
import dev.prune.evaluator.api.StartRunRequests.StartRun;
import dev.prune.evaluator.ledger.LedgerConflictException;
import dev.prune.evaluator.ledger.RunEntity;
import dev.prune.evaluator.ledger.RunLedger;
import dev.prune.evaluator.messaging.StartPruningPublisher;
import dev.prune.report.RunReport;
import dev.prune.events.EventCodec;
import dev.prune.events.PipelineEvent;
import dev.prune.events.StartPruning;
import dev.prune.store.CheckpointStore;
import dev.prune.error.PruningException;
import dev.prune.evaluator.ledger.RunRecords;
import dev.prune.evaluator.ledger.RunStatus;
import dev.prune.evaluator.ledger.UnknownRunException;
import dev.prune.evaluator.security.ApiKeyIdentities;
import dev.prune.pipeline.DataCatalog;
import dev.prune.service.StageMetrics;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/** The run ledger over HTTP, and the way to start a run. */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs")
public class RunResource {
    private static final Logger LOG = Logger.getLogger(RunResource.class);
    private static final int MAX_LIMIT = 1000;

    /** Longest error message a caller gets back: a 400 never echoes a huge value. */
    static final int MAX_MESSAGE = 600;

    private final RunLedger ledger;
    private final StartPruningPublisher publisher;
    private final CheckpointStore store;
    private final ObjectMapper json;
    private final DataCatalog data;
    private final RunLimits limits;
    private final RunRecords records;
    private final StageMetrics metrics;

    public RunResource(RunLedger ledger, StartPruningPublisher publisher, CheckpointStore store, ObjectMapper json,
                       DataCatalog data, RunLimits limits, RunRecords records, StageMetrics metrics) {
        this.ledger = ledger;
        this.publisher = publisher;
        this.store = store;
        this.json = json;
        this.data = data;
        this.limits = limits;
        this.records = records;
        this.metrics = metrics;
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(ApiKeyIdentities.OPERATOR)
    @Operation(summary = "Cancel a run: it becomes CANCELLED and every stage drops its events from then on (repeatable; "
            + "409 for a run that has COMPLETED or FAILED)")
    public Response cancel(@PathParam("id") String id) {
        RunEntity run;
        try {
            run = ledger.cancel(id);
        } catch (UnknownRunException e) {
            return notFound(id);
        } catch (LedgerConflictException e) {
            return error(Response.Status.CONFLICT, e.getMessage());
        }
        try {
            records.write(id, RunStatus.CANCELLED, run.stopReason);
        } catch (RuntimeException e) {
            LOG.errorf(e, "run %s is CANCELLED in the ledger but its store record could not be written", id);
            return error(Response.Status.SERVICE_UNAVAILABLE, "run " + id + " is CANCELLED in the ledger, but the stages "
                    + "could not be told through the store (" + e.getMessage() + "); send the DELETE again");
        }
        metrics.removeRunGauges(id);
        LOG.infof("run %s cancelled", id);
        return Response.ok(RunDetail.of(run, ledger.iterations(id))).build();
    }

    @GET
    @RolesAllowed({ApiKeyIdentities.VIEWER, ApiKeyIdentities.OPERATOR})
    @Operation(summary = "The runs, newest first")
    public List<RunSummary> list(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequest("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        List<RunEntity> runs = ledger.runs(limit);
        Map<String, Long> counts = ledger.iterationCounts(runs.stream().map(r -> r.id).toList());
        return runs.stream().map(r -> RunSummary.of(r, counts.getOrDefault(r.id, 0L))).toList();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ApiKeyIdentities.VIEWER, ApiKeyIdentities.OPERATOR})
    @Operation(summary = "One run with its spec and every iteration")
    public Response get(@PathParam("id") String id) {
        return ledger.run(id)
                .map(run -> Response.ok(RunDetail.of(run, ledger.iterations(id))).build())
                .orElseGet(() -> notFound(id));
    }

    @GET
    @Path("/{id}/report")
    @RolesAllowed({ApiKeyIdentities.VIEWER, ApiKeyIdentities.OPERATOR})
    @Operation(summary = "The run's result against its base network (numbers; GET /runs/{id}/report/summary.html for the charts)")
    public Response report(@PathParam("id") String id) {
        return ledger.run(id)
                .map(run -> Response.ok(RunOutcome.of(run, ledger.iterations(id))).build())
                .orElseGet(() -> notFound(id));
    }

    @GET
    @Path("/{id}/report/{file}")
    @RolesAllowed({ApiKeyIdentities.VIEWER, ApiKeyIdentities.OPERATOR})
    @Produces({MediaType.TEXT_HTML, "text/markdown", MediaType.APPLICATION_JSON, "image/png"})
    @Operation(summary = "One file of the run's report, as the CLI writes it: summary.html (open this one in a browser),"
            + " summary.md, report.json, accuracy-vs-flops.png, filters-per-layer.png")
    public Response reportFile(@PathParam("id") String id, @PathParam("file") String file) {
        var run = ledger.run(id);
        if (run.isEmpty()) {
            return notFound(id);
        }
        JsonNode view = json.valueToTree(RunDetail.of(run.get(), ledger.iterations(id)));
        return new RunReport(view).file(file)
                .map(f -> Response.ok(f.content(), f.mediaType()).build())
                .orElseGet(() -> error(Response.Status.NOT_FOUND, "a run report has no file '" + file + "'; it has "
                        + String.join(", ", RunReport.FILES)));
    }

    @POST
    @RolesAllowed(ApiKeyIdentities.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a run: validates the spec and publishes start-pruning (202; the run id is in the answer)")
    public Response start(JsonNode body, @Context UriInfo uri) {
        StartRun request;
        try {
            request = StartRunRequests.read(body);
            limits.check(request.spec());
            data.checkAllowed(request.spec().dataset());
        } catch (InvalidRequest | PruningException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        String base = request.baseCheckpoint().prefix();
        if (!store.exists(request.baseCheckpoint())) {
            return error(Response.Status.BAD_REQUEST, "base_checkpoint " + base + " is not in the checkpoint store ("
                    + store.describe() + "): train or import the network there first");
        }
        try {
            ledger.createRequested(request.runId(), base, request.spec());
        } catch (LedgerConflictException e) {
            return error(Response.Status.CONFLICT, e.getMessage());
        }
        StartPruning event = new StartPruning(PipelineEvent.CURRENT_VERSION, request.runId(), base, request.spec());
        try {
            publisher.publish(event);
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot publish start-pruning for run %s", request.runId());
            ledger.forgetRequested(request.runId());
            return error(Response.Status.SERVICE_UNAVAILABLE, "the start-pruning event could not be published ("
                    + e.getMessage() + "); is Kafka up? Try again");
        }
        LOG.infof("run %s requested on %s", request.runId(), base);
        return Response.accepted(new Accepted(request.runId(), "CREATED", base, EventCodec.json().valueToTree(request.spec())))
                .location(uri.getAbsolutePathBuilder().path(request.runId()).build())
                .build();
    }

    @jakarta.ws.rs.ext.Provider
    public static class InvalidRequestMapper implements jakarta.ws.rs.ext.ExceptionMapper<InvalidRequest> {
        @Override
        public Response toResponse(InvalidRequest e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    private static Response notFound(String id) {
        return error(Response.Status.NOT_FOUND, "no run '" + id + "' in the ledger; GET /runs lists them");
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(bounded(message))).build();
    }

    static String bounded(String message) {
        if (message == null || message.length() <= MAX_MESSAGE) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE) + "... (" + (message.length() - MAX_MESSAGE) + " more characters cut)";
    }
}
