package io.viewsync.core.pg;

import java.nio.file.Path;

/**
 * A child JVM for {@link LocalPostgresIT}: starts a cluster in {@code args[0]} (a throwaway one
 * without arguments), prints {@code READY <port> <data dir>}, and waits to be killed, so that the test
 * can check the watchdog after a {@code kill -9}.
 */
public final class LocalPostgresOwnerMain {
  public static void main(String[] args) throws InterruptedException {
    LocalPostgres.Builder builder = LocalPostgres.builder().fsync(false);
    if (args.length > 0) {
      builder.dataDir(Path.of(args[0]));
    }
    LocalPostgres pg = builder.build().start();
    System.out.println("READY " + pg.port() + " " + pg.dataDir());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  private LocalPostgresOwnerMain() {}
}
