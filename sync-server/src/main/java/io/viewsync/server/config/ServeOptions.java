package io.viewsync.server.config;

import io.viewsync.core.TableName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code viewsync serve}: for each one its flag, its environment variable ({@code descriptionKey},
 * read by {@link EnvDefaults}) and its default, in one place. Values arrive as text and are turned into a
 * {@link ServeConfig} by {@link #toConfig()}, whose messages name both the flag and the variable, because the user
 * may have set either. Precedence: flag, then environment, then default.
 *
 * <p>Used as a picocli mixin by the {@code serve} command. Not thread-safe; picocli fills it on one thread.
 */
@Command(name = "serve-options")
public final class ServeOptions {

  static final String ENV_UPSTREAM = "VIEWSYNC_UPSTREAM_URL";
  public static final String ENV_REPLICA_DIR = "VIEWSYNC_REPLICA_DIR";
  public static final String ENV_PORT = "VIEWSYNC_PORT";
  public static final String ENV_BIND = "VIEWSYNC_BIND";
  public static final String ENV_PUBLICATION = "VIEWSYNC_PUBLICATION";
  static final String ENV_SLOT = "VIEWSYNC_SLOT";
  static final String ENV_TABLES = "VIEWSYNC_TABLES";
  static final String ENV_COPY_WORKERS = "VIEWSYNC_COPY_WORKERS";
  static final String ENV_HEARTBEAT = "VIEWSYNC_HEARTBEAT_INTERVAL";
  static final String ENV_READY_LAG = "VIEWSYNC_READY_LAG_BYTES";
  public static final String ENV_ADMIN_TOKEN = "VIEWSYNC_ADMIN_TOKEN";

  private static final Pattern BYTE_SIZE = Pattern.compile("([0-9]{1,18})\\s*(b|kib|mib|gib)?");

  // Secrets (URL, token) never use ${DEFAULT-VALUE} in their description: --help would print them from the env.

  @Option(names = "--upstream", paramLabel = "URL", descriptionKey = ENV_UPSTREAM, description = {
      "Upstream Postgres, e.g. postgres://user:pass@host:5432/db?sslmode=require or jdbc:postgresql://host/db.",
      "Env " + ENV_UPSTREAM + ". Default: none, start an embedded Postgres."})
  String upstream;

  @Option(names = "--replica-dir", paramLabel = "DIR", descriptionKey = ENV_REPLICA_DIR, defaultValue = "./replica",
      description = {"Directory of the SQLite replica; created if missing.",
          "Env " + ENV_REPLICA_DIR + ". Default: ./replica."})
  String replicaDir;

  /** {@code --port}, {@code --bind}, {@code --admin-token}: shared with {@code viewsync demo}. */
  @Mixin
  ListenOptions listen = new ListenOptions();

  @Option(names = "--publication", paramLabel = "NAME", descriptionKey = ENV_PUBLICATION, defaultValue = "viewsync",
      description = {"Publication to create or reuse.", "Env " + ENV_PUBLICATION + ". Default: viewsync."})
  String publication;

  @Option(names = "--slot", paramLabel = "NAME", descriptionKey = ENV_SLOT, defaultValue = "viewsync",
      description = {"Replication slot to create or reuse.", "Env " + ENV_SLOT + ". Default: viewsync."})
  String slot;

  @Option(names = "--tables", paramLabel = "T1,T2", descriptionKey = ENV_TABLES, defaultValue = "",
      description = {"Comma-separated tables (x or schema.x) for a publication that viewsync creates.",
          "Env " + ENV_TABLES + ". Default: all tables."})
  String tables;

  @Option(names = "--copy-workers", paramLabel = "N", descriptionKey = ENV_COPY_WORKERS, defaultValue = "4",
      description = {"Parallel workers for the initial copy and rebuilds.",
          "Env " + ENV_COPY_WORKERS + ". Default: 4."})
  String copyWorkers;

  @Option(names = "--heartbeat-interval", paramLabel = "SECONDS", descriptionKey = ENV_HEARTBEAT,
      defaultValue = "10", description = {"Seconds between upstream heartbeats, so an idle slot still advances.",
          "Env " + ENV_HEARTBEAT + ". Default: 10."})
  String heartbeatInterval;

  @Option(names = "--ready-lag-bytes", paramLabel = "SIZE", descriptionKey = ENV_READY_LAG, defaultValue = "16MiB",
      description = {"/readyz is 503 while the replica is more WAL than this behind; bytes or KiB/MiB/GiB.",
          "Env " + ENV_READY_LAG + ". Default: 16MiB."})
  String readyLagBytes;

  /** Parses {@code serve} options alone, e.g. for {@link ServeConfig#defaults()} and tests. */
  public static ServeConfig parse(String[] args, Map<String, String> env) {
    ServeOptions options = new ServeOptions();
    new CommandLine(options).setDefaultValueProvider(new EnvDefaults(env)).parseArgs(args);
    return options.toConfig();
  }

  /**
   * Turns the option text into a validated config.
   *
   * @throws IllegalArgumentException naming the flag and its environment variable; never echoes a secret
   */
  public ServeConfig toConfig() {
    Optional<UpstreamUrl> upstreamUrl;
    try {
      upstreamUrl = isBlank(upstream) ? Optional.empty() : Optional.of(UpstreamUrl.parse(upstream));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(label("--upstream", ENV_UPSTREAM) + ": " + e.getMessage(), e);
    }
    return new ServeConfig(
        upstreamUrl,
        Path.of(require(replicaDir, "--replica-dir", ENV_REPLICA_DIR)),
        listen.port(),
        listen.bind(),
        require(publication, "--publication", ENV_PUBLICATION).strip(),
        require(slot, "--slot", ENV_SLOT).strip(),
        parseTables(tables),
        parseInt(copyWorkers, "--copy-workers", ENV_COPY_WORKERS),
        Duration.ofSeconds(parseInt(heartbeatInterval, "--heartbeat-interval", ENV_HEARTBEAT)),
        parseBytes(readyLagBytes),
        listen.adminToken());
  }

  /** How messages name an option: {@code --port (env VIEWSYNC_PORT)}. */
  static String label(String flag, String env) {
    return flag + " (env " + env + ")";
  }

  static String require(String text, String flag, String env) {
    if (isBlank(text)) {
      throw new IllegalArgumentException(label(flag, env) + " must not be empty");
    }
    return text;
  }

  static int parseInt(String text, String flag, String env) {
    String t = require(text, flag, env).strip();
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(label(flag, env) + " must be a whole number, got '" + t + "'");
    }
  }

  private static List<TableName> parseTables(String text) {
    List<TableName> result = new ArrayList<>();
    if (isBlank(text)) {
      return result;
    }
    for (String part : text.split(",", -1)) {
      String name = part.strip();
      int dot = name.indexOf('.');
      if (name.isEmpty() || dot == 0 || dot == name.length() - 1 || name.indexOf('.', dot + 1) >= 0) {
        throw new IllegalArgumentException(label("--tables", ENV_TABLES)
            + " must be a comma-separated list of table or schema.table names, got '" + text + "'");
      }
      TableName table = TableName.parse(name);
      if (!result.contains(table)) {
        result.add(table);
      }
    }
    return result;
  }

  /** Parses {@code 16777216}, {@code 512KiB}, {@code 16MiB} or {@code 1GiB} (case-insensitive, spaces allowed). */
  static long parseBytes(String text) {
    String t = require(text, "--ready-lag-bytes", ENV_READY_LAG).strip();
    Matcher m = BYTE_SIZE.matcher(t.toLowerCase(Locale.ROOT));
    try {
      if (!m.matches()) {
        throw new NumberFormatException();
      }
      long unit = switch (m.group(2) == null ? "b" : m.group(2)) {
        case "kib" -> 1L << 10;
        case "mib" -> 1L << 20;
        case "gib" -> 1L << 30;
        default -> 1L;
      };
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(label("--ready-lag-bytes", ENV_READY_LAG)
          + " must be a number of bytes, optionally with KiB, MiB or GiB (e.g. 16MiB), got '" + t + "'");
    }
  }

  static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
