package dev.prune.evaluator.ledger;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;

/** One measured iteration of a run (0 = the base network): table {@code iterations}, unique per (run, iteration). */
@Entity
@Table(name = "iterations")
public class IterationEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id")
    public Long id;

    @Column(name = "run_id", nullable = false, length = 128)
    public String runId;

    @Column(name = "iteration", nullable = false)
    public int iteration;

    @Column(name = "checkpoint", nullable = false)
    public String checkpoint;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "filters_per_layer", nullable = false)
    public String filtersPerLayer;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "removed")
    public String removed;

    @Column(name = "accuracy", nullable = false)
    public double accuracy;

    @Column(name = "loss", nullable = false)
    public double loss;

    @Column(name = "params", nullable = false)
    public long params;

    @Column(name = "conv_flops", nullable = false)
    public long convFlops;

    @Column(name = "total_flops", nullable = false)
    public long totalFlops;

    @Column(name = "file_bytes", nullable = false)
    public long fileBytes;

    @Column(name = "latency_b1_ms", nullable = false)
    public double latencyB1Ms;

    @Column(name = "latency_b64_ms", nullable = false)
    public double latencyB64Ms;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "stage_seconds")
    public String stageSeconds;

    @Column(name = "decision", nullable = false, length = 16)
    public String decision;

    @Column(name = "reason", nullable = false)
    public String reason;

    @Column(name = "best_iteration", nullable = false)
    public int bestIteration;

    /** The evaluated event as published; a redelivered input re-publishes exactly this. */
    @Column(name = "evaluated_event", nullable = false)
    public String evaluatedEvent;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
