package io.viewsync.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Directory trees: deleting them (deepest entries first, symbolic links not followed), and checking that a directory
 * only its owner can change. Stateless; safe from any thread. Linux (uids read from the file system).
 */
public final class FileTrees {

  private FileTrees() {}

  /** Deletes {@code root} and everything under it; nothing when it does not exist. */
  public static void delete(Path root) throws IOException {
    delete(root, true);
  }

  /** Deletes everything under {@code root}, keeping {@code root}; nothing when it does not exist. */
  public static void deleteContents(Path root) throws IOException {
    delete(root, false);
  }

  /** This process's uid. */
  public static int currentUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  /**
   * Refuses {@code dir} unless it is a directory (not a link) owned by {@code uid} that neither its group nor others
   * may write: a place whose contents are run or trusted must be one nobody else could have made or changed.
   *
   * @throws IOException naming the directory, its owner and mode
   */
  public static void requireOwnedOnlyBy(Path dir, int uid) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new IOException(dir + " is a symbolic link, not a directory viewsync made");
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    if (owner != uid || perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(dir + " belongs to uid " + owner + " (mode " + PosixFilePermissions.toString(perms)
          + "): only uid " + uid + " may change it");
    }
  }

  private static void delete(Path root, boolean withRoot) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(root)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    } catch (UncheckedIOException e) { // how Files.walk reports an entry it cannot read
      throw e.getCause();
    }
    for (Path p : all) {
      if (withRoot || !p.equals(root)) {
        Files.deleteIfExists(p);
      }
    }
  }
}
