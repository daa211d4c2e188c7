package dev.prune.evaluator.ledger;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;

/** One pruning run: table {@code runs}. */
@Entity
@Table(name = "runs")
public class RunEntity extends PanacheEntityBase {
    @Id
    @Column(name = "id", length = 128)
    public String id;

    @Enumerated(EnumType.STRING)
    @Column(name = "status", nullable = false, length = 16)
    public RunStatus status;

    /** The run's RunSpec as JSON; null when the run is only known from a dead letter without one. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "spec")
    public String spec;

    @Column(name = "base_checkpoint")
    public String baseCheckpoint;

    @Column(name = "final_checkpoint")
    public String finalCheckpoint;

    @Column(name = "best_iteration")
    public Integer bestIteration;

    @Column(name = "failure_reason")
    public String failureReason;

    /** The topic whose event failed (the dead-letter-topic header). */
    @Column(name = "failure_topic")
    public String failureTopic;

    @Column(name = "stop_reason")
    public String stopReason;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    static RunEntity create(String id, RunStatus status, Instant now) {
        RunEntity run = new RunEntity();
        run.id = id;
        run.status = status;
        run.createdAt = now;
        run.updatedAt = now;
        return run;
    }
}
