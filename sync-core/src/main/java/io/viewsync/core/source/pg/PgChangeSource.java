package io.viewsync.core.source.pg;

import io.viewsync.core.Lsn;
import io.viewsync.core.change.Change;
import io.viewsync.core.source.ChangeSink;
import io.viewsync.core.source.ChangeSource;
import io.viewsync.core.source.pg.pgoutput.PgOutputParser;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a logical replication slot with pgoutput (protocol version 1, text tuples, logical messages on)
 * through the PgJDBC replication API.
 *
 * <p>Drains what is pending without blocking, so several upstream transactions share one durable replica
 * commit; when nothing is pending it asks the sink to flush, confirms the sink's durable position, and only
 * then blocks for more. The first transaction after such an idle wait is flushed as soon as it commits. PgJDBC sends status updates only from inside {@code read()}/{@code readPending()}
 * or {@code forceUpdateStatus()}, so confirmations are forced right after each durable commit.
 *
 * <p>{@link #stream} runs on one thread; {@link #close} may be called from any thread.
 */
public final class PgChangeSource implements ChangeSource {
  private static final Logger log = LoggerFactory.getLogger(PgChangeSource.class);

  private final PgConnector connector;
  private final String slot;
  private final String publication;
  private volatile Connection connection;
  private volatile boolean closed;

  public PgChangeSource(PgConnector connector, String slot, String publication) {
    this.connector = connector;
    this.slot = slot;
    this.publication = publication;
  }

  @Override
  public void stream(Lsn resumeFrom, ChangeSink sink) throws Exception {
    try (Connection conn = connector.openReplication()) {
      connection = conn;
      if (closed) {
        return;
      }
      PGReplicationStream stream = conn.unwrap(PGConnection.class).getReplicationAPI()
          .replicationStream().logical()
          .withSlotName(slot)
          .withStartPosition(LogSequenceNumber.valueOf(resumeFrom.value()))
          .withSlotOption("proto_version", "1")
          .withSlotOption("publication_names", quoteLiteralList(publication))
          .withSlotOption("messages", "true")
          .withStatusInterval(10, TimeUnit.SECONDS)
          .start();
      log.info("streaming slot {} from {}", slot, resumeFrom);
      Translator translator = new Translator();
      Lsn confirmed = resumeFrom;
      boolean wokeFromIdle = false;
      while (!closed) {
        ByteBuffer buf = stream.readPending();
        if (buf == null) {
          confirmed = confirm(stream, confirmed, sink.flush());
          buf = stream.read();
          if (buf == null) {
            continue;
          }
          wokeFromIdle = true;
        }
        Change change = translator.translate(PgOutputParser.parse(buf));
        if (change != null) {
          sink.accept(change);
          if (wokeFromIdle && change instanceof Change.Commit) {
            // The first transaction after an idle spell is flushed at once: asking readPending() whether more
            // follows costs up to 1 ms (PgJDBC peeks with a 1 ms socket timeout), which would be pure latency.
            // Under load readPending() answers at once and transactions share commits as before.
            wokeFromIdle = false;
            confirmed = confirm(stream, confirmed, sink.flush());
          } else {
            confirmed = confirm(stream, confirmed, sink.confirmableLsn());
          }
        }
      }
    } catch (SQLException e) {
      if (closed) {
        return; // close() cut the connection under a blocking read
      }
      throw e;
    } finally {
      connection = null;
    }
  }

  private static Lsn confirm(PGReplicationStream stream, Lsn confirmed, Lsn durable) throws SQLException {
    if (durable.isAfter(confirmed)) {
      LogSequenceNumber lsn = LogSequenceNumber.valueOf(durable.value());
      stream.setAppliedLSN(lsn);
      stream.setFlushedLSN(lsn);
      stream.forceUpdateStatus();
      return durable;
    }
    return confirmed;
  }

  /** pgoutput reads publication_names as a comma-separated list of identifiers. */
  private static String quoteLiteralList(String publication) {
    return "\"" + publication.replace("\"", "\"\"") + "\"";
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        log.debug("closing the replication connection", e);
      }
    }
  }
}
