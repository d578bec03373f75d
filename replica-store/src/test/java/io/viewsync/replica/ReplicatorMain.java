package io.viewsync.replica;

import io.viewsync.core.source.pg.PgConnector;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Runs a replicator in a child JVM for the crash and memory tests:
 * {@code ReplicatorMain JDBC_URL USER PASSWORD REPLICA_DIR SLOT}. Prints "STREAMING" once streaming, then
 * runs until killed. Exits 3 on a fatal replication error.
 */
public final class ReplicatorMain {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", args[1]);
    if (!args[2].isEmpty()) {
      p.setProperty("password", args[2]);
    }
    ReplicatorConfig config = ReplicatorConfig.defaults(new PgConnector(args[0], p), Path.of(args[3]))
        .withSlot(args[4]);
    Replicator r = new Replicator(config, lsn -> { });
    r.start();
    r.terminated().whenComplete((v, e) -> {
      if (e != null) {
        System.out.println("FAILED " + e.getMessage());
        System.exit(3);
      }
    });
    while (!"streaming".equals(r.status().phase())) {
      Thread.sleep(50);
    }
    System.out.println("STREAMING");
    System.out.flush();
    Thread.currentThread().join();
  }
}
