package io.viewsync.core.pg;

import java.nio.file.Path;

/**
 * A child JVM for {@link LocalPostgresIT}: starts a cluster in {@code args[0]}, prints {@code READY
 * <port>}, and waits to be killed, so that the test can check the watchdog after a {@code kill -9}.
 */
public final class LocalPostgresOwnerMain {
  public static void main(String[] args) throws InterruptedException {
    LocalPostgres pg = LocalPostgres.builder().dataDir(Path.of(args[0])).fsync(false).build().start();
    System.out.println("READY " + pg.port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  private LocalPostgresOwnerMain() {}
}
