package io.viewsync.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deleting directory trees, deepest entries first. Stateless; safe from any thread. Symbolic links are not followed. */
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

  private static void delete(Path root, boolean withRoot) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
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
