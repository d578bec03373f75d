package io.viewsync.core.pg;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command to completion and captures its combined output.
 *
 * <p>Output goes to a temporary file rather than a pipe: {@code pg_ctl start} leaves a server behind
 * that could inherit a pipe and keep it open, which would make a pipe reader wait forever. Stdin is
 * {@code /dev/null}, so a child never reads the JVM's terminal.
 *
 * <p>Stateless; safe from any thread.
 */
final class Command {

  /** What a finished command left behind. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private Command() {}

  static Result run(List<String> command, Duration timeout) {
    Path out = null;
    try {
      out = Files.createTempFile("viewsync-cmd-", ".out");
      Process process =
          new ProcessBuilder(command)
              .directory(new File("/")) // the JVM's cwd may not be traversable by the server user
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command) + "\n" + read(out));
      }
      return new Result(process.exitValue(), read(out));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a leftover temp file is harmless
        }
      }
    }
  }

  /** Runs the command and throws, with its output, unless it exits 0. */
  static String check(List<String> command, Duration timeout) {
    Result result = run(command, timeout);
    if (!result.ok()) {
      throw new IllegalStateException(
          "command failed (exit " + result.exitCode() + "): " + String.join(" ", command) + "\n" + result.output());
    }
    return result.output();
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
