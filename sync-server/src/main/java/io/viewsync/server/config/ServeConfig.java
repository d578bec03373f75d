package io.viewsync.server.config;

import io.viewsync.core.TableName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything {@code viewsync serve} is configured with, validated. This record is the one home of the service's
 * configuration: {@link ServeOptions} builds it from flags, environment variables and defaults (where each option's
 * default is documented), and services receive it whole.
 *
 * <p>Immutable value; safe from any thread. {@link #toString()} redacts the upstream password and the admin token.
 *
 * @param upstream          the upstream Postgres; empty means "start an embedded Postgres"
 * @param replicaDir        directory of the replica files ({@code replica.db} and friends)
 * @param port              HTTP and WebSocket port; 0 picks a free port (useful for tests)
 * @param bind              address to listen on
 * @param publication       name of the publication to create or reuse
 * @param slot              name of the replication slot to create or reuse
 * @param tables            tables of a publication that viewsync creates; empty means all tables
 * @param copyWorkers       parallel workers of the initial copy and of rebuilds
 * @param heartbeatInterval how often a heartbeat message is written upstream so an idle slot still advances
 * @param readyLagBytes     {@code /readyz} answers 503 while the replica is more than this many WAL bytes behind
 * @param adminToken        bearer token for {@code /admin/*}; empty means admin endpoints need no token
 */
public record ServeConfig(
    Optional<UpstreamUrl> upstream,
    Path replicaDir,
    int port,
    String bind,
    String publication,
    String slot,
    List<TableName> tables,
    int copyWorkers,
    Duration heartbeatInterval,
    long readyLagBytes,
    Optional<String> adminToken) {

  /** Postgres' rule for replication slot names (see {@code ReplicationSlotValidateName}), max 63 bytes. */
  private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
  /** An unquoted Postgres identifier, which is what viewsync creates; max 63 bytes. */
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

  public ServeConfig {
    requireNonNull(upstream, "upstream");
    requireNonNull(replicaDir, "replicaDir");
    requireNonNull(bind, "bind");
    requireNonNull(publication, "publication");
    requireNonNull(slot, "slot");
    requireNonNull(tables, "tables");
    requireNonNull(heartbeatInterval, "heartbeatInterval");
    requireNonNull(adminToken, "adminToken");
    tables = List.copyOf(tables);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(label("--port", ServeOptions.ENV_PORT) + " must be between 0 and 65535 (0 picks a free port), got " + port);
    }
    if (bind.isBlank()) {
      throw new IllegalArgumentException(label("--bind", ServeOptions.ENV_BIND) + " must not be empty");
    }
    if (!IDENTIFIER.matcher(publication).matches()) {
      throw new IllegalArgumentException(label("--publication", ServeOptions.ENV_PUBLICATION) + " must be a lower-case Postgres identifier"
          + " (letters, digits, _ and $, at most 63 characters, not starting with a digit), got '"
          + publication + "'");
    }
    if (!SLOT_NAME.matcher(slot).matches()) {
      throw new IllegalArgumentException(label("--slot", ServeOptions.ENV_SLOT) + " may contain only lower-case letters, digits and _"
          + " (at most 63 characters), got '" + slot + "'");
    }
    if (copyWorkers < 1 || copyWorkers > 64) {
      throw new IllegalArgumentException(label("--copy-workers", ServeOptions.ENV_COPY_WORKERS) + " must be between 1 and 64, got " + copyWorkers);
    }
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException(label("--heartbeat-interval", ServeOptions.ENV_HEARTBEAT) + " must be positive, got " + heartbeatInterval);
    }
    if (readyLagBytes < 0) {
      throw new IllegalArgumentException(label("--ready-lag-bytes", ServeOptions.ENV_READY_LAG) + " must not be negative, got " + readyLagBytes);
    }
    if (adminToken.isPresent() && adminToken.get().isBlank()) {
      throw new IllegalArgumentException(label("--admin-token", ServeOptions.ENV_ADMIN_TOKEN) + " must not be blank");
    }
  }

  /** The configuration with every option at its default and no environment; see {@link ServeOptions}. */
  public static ServeConfig defaults() {
    return ServeOptions.parse(new String[0], Map.of());
  }

  /** True when no upstream is configured and the service should start an embedded Postgres. */
  public boolean embeddedUpstream() {
    return upstream.isEmpty();
  }

  /** True when {@link #tables()} is empty: a publication that viewsync creates covers all tables. */
  public boolean allTables() {
    return tables.isEmpty();
  }

  /**
   * Checks that the replica directory exists and is writable, or can be created. Touches the file system, so it is
   * not part of the constructor; call it once at start-up.
   *
   * @throws IllegalArgumentException with a sentence that says what is wrong with which path
   */
  public void checkReplicaDirWritable() {
    Path dir = replicaDir.toAbsolutePath().normalize();
    String label = label("--replica-dir", ServeOptions.ENV_REPLICA_DIR) + ": ";
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException(label + dir + " exists but is not a directory");
      }
      if (!Files.isWritable(dir)) {
        throw new IllegalArgumentException(label + dir + " is not writable by this user");
      }
      return;
    }
    Path ancestor = dir.getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null || !Files.isDirectory(ancestor) || !Files.isWritable(ancestor)) {
      throw new IllegalArgumentException(label + dir + " does not exist and cannot be created: "
          + (ancestor == null ? "no existing parent" : ancestor + " is not a writable directory"));
    }
  }

  /** Creates the replica directory if needed; call after {@link #checkReplicaDirWritable()}. */
  public Path createReplicaDir() throws IOException {
    return Files.createDirectories(replicaDir);
  }

  @Override
  public String toString() {
    return "ServeConfig[upstream=" + upstream.map(UpstreamUrl::redacted).orElse("(embedded)")
        + ", replicaDir=" + replicaDir
        + ", port=" + port
        + ", bind=" + bind
        + ", publication=" + publication
        + ", slot=" + slot
        + ", tables=" + (tables.isEmpty() ? "(all)" : tables)
        + ", copyWorkers=" + copyWorkers
        + ", heartbeatInterval=" + heartbeatInterval
        + ", readyLagBytes=" + readyLagBytes
        + ", adminToken=" + (adminToken.isPresent() ? "***" : "(none)")
        + "]";
  }

  private static String label(String flag, String env) {
    return ServeOptions.label(flag, env);
  }

  private static void requireNonNull(Object value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
  }
}
