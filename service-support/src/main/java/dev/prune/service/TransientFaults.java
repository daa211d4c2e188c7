package dev.prune.service;

import dev.prune.error.TransientFault;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Tells a fault worth retrying (store, database or broker briefly away, a timeout) from bad input, by walking the
 * cause chain: the engine's {@link TransientFault}s, connection and timeout exceptions, JDBC's transient and
 * recoverable ones and SQL states 08 (connection) and 57P (server shutting down), Kafka's retriable errors and
 * Mutiny's await timeout.
 */
public final class TransientFaults {
    private TransientFaults() {
    }

    public static boolean isTransient(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof TransientFault || e instanceof ConnectException || e instanceof SocketTimeoutException
                    || e instanceof NoRouteToHostException || e instanceof UnknownHostException
                    || e instanceof SQLTransientException || e instanceof SQLRecoverableException
                    || e instanceof org.apache.kafka.common.errors.RetriableException
                    || e instanceof io.smallrye.mutiny.TimeoutException
                    || e instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            if (e instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
            String name = e.getClass().getName();
            // Hibernate's and Agroal's names for "no connection", without compiling against either here
            if (name.equals("org.hibernate.exception.JDBCConnectionException")
                    || (e instanceof SQLException && String.valueOf(e.getMessage()).contains("Acquisition timeout"))) {
                return true;
            }
        }
        return false;
    }
}
