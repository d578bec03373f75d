package io.viewsync.core.pg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operating-system account that runs {@code initdb}, {@code pg_ctl} and {@code postgres}.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM runs as root, the server runs as the system user
 * {@value #USER} (created with {@code useradd --system} on first use, or {@code nobody} when that
 * fails) and every command is wrapped in {@code runuser -u USER --} ({@code setpriv} when there is no
 * {@code runuser}). Otherwise commands run as the JVM's own user, unwrapped.
 *
 * <p>Immutable; safe from any thread. {@link #forThisProcess()} is computed once per JVM.
 */
final class ServerAccount {

  static final String USER = "viewsync-pg";
  private static final Logger log = LoggerFactory.getLogger(ServerAccount.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Null when commands run as the JVM's own user. */
  private final String user;
  private final List<String> prefix;

  private ServerAccount(String user, List<String> prefix) {
    this.user = user;
    this.prefix = List.copyOf(prefix);
  }

  private static final class Holder {
    static final ServerAccount INSTANCE = create();
  }

  static ServerAccount forThisProcess() {
    return Holder.INSTANCE;
  }

  /** The account name, or empty when commands run as the JVM's own user. */
  Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** {@code command}, run as this account. */
  List<String> wrap(List<String> command) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(command);
    return all;
  }

  /**
   * Makes {@code dir} and everything in it belong to this account, then checks that the account can
   * reach and write it (every parent must be traversable). Throws {@link IllegalStateException} with
   * the offending parent otherwise.
   */
  void takeOwnership(Path dir) {
    if (user == null) {
      return;
    }
    Command.check(List.of("chown", "-R", user + ":", dir.toString()), Duration.ofMinutes(10));
    if (!Command.run(wrap(List.of("test", "-w", dir.toString())), TIMEOUT).ok()) {
      throw new IllegalStateException(
          "the PostgreSQL data directory "
              + dir
              + " is not reachable by the unprivileged user '"
              + user
              + "' that runs PostgreSQL (the JVM runs as root)"
              + untraversableParent(dir).map(p -> ": " + p + " is not traversable by others; run chmod o+x " + p).orElse("")
              + ", or choose a data directory under /tmp or another world-traversable path");
    }
  }

  /** True when this account can reach {@code dir} (always, when the JVM runs the server as itself). */
  boolean canReach(Path dir) {
    return user == null || untraversableParent(dir).isEmpty();
  }

  private static Optional<Path> untraversableParent(Path dir) {
    for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      try {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return Optional.of(p);
        }
      } catch (IOException | UnsupportedOperationException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static ServerAccount create() {
    if (!isRoot()) {
      return new ServerAccount(null, List.of());
    }
    String user = ensureSystemUser();
    List<String> prefix;
    if (onPath("runuser")) {
      prefix = List.of("runuser", "-u", user, "--");
    } else if (onPath("setpriv")) {
      prefix = List.of("setpriv", "--reuid=" + user, "--regid=" + primaryGroup(user), "--init-groups", "--");
    } else {
      throw new IllegalStateException(
          "this JVM runs as root and PostgreSQL refuses to; neither runuser nor setpriv (util-linux) is"
              + " available to drop to the user '"
              + user
              + "'. Install util-linux or run as an unprivileged user.");
    }
    log.info("JVM runs as root; PostgreSQL will run as '{}' via {}", user, prefix.get(0));
    return new ServerAccount(user, prefix);
  }

  static boolean isRoot() {
    try {
      Command.Result id = Command.run(List.of("id", "-u"), TIMEOUT);
      if (id.ok()) {
        return id.output().strip().equals("0");
      }
    } catch (RuntimeException e) {
      // fall through to the property
    }
    return "root".equals(System.getProperty("user.name"));
  }

  /** {@value #USER}, created if missing; {@code nobody} when it cannot be created. */
  private static String ensureSystemUser() {
    if (exists(USER)) {
      return USER;
    }
    Command.Result add =
        Command.run(
            List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER), TIMEOUT);
    // Another JVM may have created it at the same moment, so look again rather than trust the exit code.
    if (exists(USER)) {
      log.info("created system user '{}' to run PostgreSQL", USER);
      return USER;
    }
    log.warn("could not create system user '{}' ({}); PostgreSQL will run as 'nobody'", USER, add.output().strip());
    if (!exists("nobody")) {
      throw new IllegalStateException(
          "this JVM runs as root, PostgreSQL refuses to, and neither '" + USER + "' could be created nor"
              + " 'nobody' exists: " + add.output().strip());
    }
    return "nobody";
  }

  private static boolean exists(String user) {
    return Command.run(List.of("id", "-u", user), TIMEOUT).ok();
  }

  private static String primaryGroup(String user) {
    return Command.check(List.of("id", "-g", user), TIMEOUT).strip();
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
