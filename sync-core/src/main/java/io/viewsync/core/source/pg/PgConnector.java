package io.viewsync.core.source.pg;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * Opens connections to the upstream: ordinary ones (catalog, copy, heartbeats, locks) and logical replication
 * ones. Every session gets the text formats viewsync decodes (ISO dates, postgres interval style, shortest
 * exact floats), whatever the server's defaults. Immutable and thread-safe.
 */
public final class PgConnector {
  private final String jdbcUrl;
  private final Properties properties;

  /** @param jdbcUrl a {@code jdbc:postgresql:} URL; credentials go in {@code properties} (user, password). */
  public PgConnector(String jdbcUrl, Properties properties) {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
    }
    this.jdbcUrl = jdbcUrl;
    this.properties = new Properties();
    this.properties.putAll(properties);
    PGProperty.OPTIONS.set(this.properties,
        "-c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3 -c TimeZone=UTC"
            // The server notices a vanished viewsync within about a minute and frees its slot and lock.
            + " -c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3");
    PGProperty.CONNECT_TIMEOUT.set(this.properties, 10);
    PGProperty.TCP_KEEP_ALIVE.set(this.properties, true);
    if (this.properties.getProperty(PGProperty.APPLICATION_NAME.getName()) == null) { // getOrDefault: never null
      PGProperty.APPLICATION_NAME.set(this.properties, "viewsync");
    }
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return PGProperty.USER.getOrDefault(properties);
  }

  public Connection open() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  /** A connection in logical replication mode (database = the URL's), for slots and streaming. */
  public Connection openReplication() throws SQLException {
    Properties p = new Properties();
    p.putAll(properties);
    PGProperty.REPLICATION.set(p, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
    PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    return DriverManager.getConnection(jdbcUrl, p);
  }
}
