package io.viewsync.core.source.pg.pgoutput;

import io.viewsync.core.Lsn;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Begin;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Column;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Commit;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Delete;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Insert;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Message;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Origin;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Truncate;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Type;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Update;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses pgoutput protocol version 1 messages: bytes in, one record out, no state and no I/O.
 * One method per message tag; see {@link PgOutputMessage} for the wire reference.
 *
 * <p>Stateless and thread-safe.
 */
public final class PgOutputParser {

  private PgOutputParser() {}

  /** Parses one message (the payload of one XLogData); the buffer's position is not moved. */
  public static PgOutputMessage parse(ByteBuffer bytes) {
    ByteCursor c = new ByteCursor(bytes);
    byte tag = c.int8("message tag");
    return switch (tag) {
      case 'B' -> begin(c);
      case 'C' -> commit(c);
      case 'O' -> origin(c);
      case 'R' -> relation(c);
      case 'Y' -> type(c);
      case 'I' -> insert(c);
      case 'U' -> update(c);
      case 'D' -> delete(c);
      case 'T' -> truncate(c);
      case 'M' -> message(c);
      default -> throw new PgOutputParseException("unknown pgoutput message tag '" + printable(tag)
          + "' (protocol version 1 knows B C O R Y I U D T M)");
    };
  }

  private static Begin begin(ByteCursor c) {
    Begin b = new Begin(lsn(c, "final LSN"), c.int64("commit timestamp"), c.int32("xid"));
    c.expectEnd("Begin");
    return b;
  }

  private static Commit commit(ByteCursor c) {
    Commit m = new Commit(c.int8("flags"), lsn(c, "commit LSN"), lsn(c, "end LSN"), c.int64("commit timestamp"));
    c.expectEnd("Commit");
    return m;
  }

  private static Origin origin(ByteCursor c) {
    Origin o = new Origin(lsn(c, "origin commit LSN"), c.cstring("origin name"));
    c.expectEnd("Origin");
    return o;
  }

  private static Relation relation(ByteCursor c) {
    int oid = c.int32("relation oid");
    String namespace = c.cstring("namespace");
    String name = c.cstring("relation name");
    char identity = (char) c.int8("replica identity");
    int n = c.int16("column count");
    if (n < 0) {
      throw new PgOutputParseException("the Relation message has a negative column count " + n);
    }
    List<Column> columns = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean key = (c.int8("column flags") & 1) != 0;
      columns.add(new Column(key, c.cstring("column name"), c.int32("column type oid"), c.int32("type modifier")));
    }
    c.expectEnd("Relation");
    return new Relation(oid, namespace, name, identity, columns);
  }

  private static Type type(ByteCursor c) {
    Type t = new Type(c.int32("type oid"), c.cstring("type namespace"), c.cstring("type name"));
    c.expectEnd("Type");
    return t;
  }

  private static Insert insert(ByteCursor c) {
    int oid = c.int32("relation oid");
    expectMarker(c, 'N', "Insert");
    Insert i = new Insert(oid, tuple(c));
    c.expectEnd("Insert");
    return i;
  }

  private static Update update(ByteCursor c) {
    int oid = c.int32("relation oid");
    char marker = (char) c.int8("tuple marker");
    char oldKind = 0;
    TupleData old = null;
    if (marker == 'K' || marker == 'O') {
      oldKind = marker;
      old = tuple(c);
      marker = (char) c.int8("new tuple marker");
    }
    if (marker != 'N') {
      throw new PgOutputParseException("the Update message has tuple marker '" + printable((byte) marker)
          + "' where K, O or N belongs");
    }
    Update u = new Update(oid, oldKind, old, tuple(c));
    c.expectEnd("Update");
    return u;
  }

  private static Delete delete(ByteCursor c) {
    int oid = c.int32("relation oid");
    char kind = (char) c.int8("tuple marker");
    if (kind != 'K' && kind != 'O') {
      throw new PgOutputParseException("the Delete message has tuple marker '" + printable((byte) kind)
          + "' where K or O belongs");
    }
    Delete d = new Delete(oid, kind, tuple(c));
    c.expectEnd("Delete");
    return d;
  }

  private static Truncate truncate(ByteCursor c) {
    int n = c.int32("relation count");
    int options = c.int8("truncate options");
    if (n < 0 || n > c.remaining() / 4) {
      throw new PgOutputParseException("the Truncate message names " + n + " relations but has room for "
          + c.remaining() / 4);
    }
    int[] oids = new int[n];
    for (int i = 0; i < n; i++) {
      oids[i] = c.int32("relation oid");
    }
    c.expectEnd("Truncate");
    return new Truncate(options, oids);
  }

  private static Message message(ByteCursor c) {
    boolean transactional = (c.int8("flags") & 1) != 0;
    Lsn lsn = lsn(c, "message LSN");
    String prefix = c.cstring("message prefix");
    byte[] content = c.bytes(c.int32("content length"), "message content");
    c.expectEnd("Message");
    return new Message(transactional, lsn, prefix, content);
  }

  private static TupleData tuple(ByteCursor c) {
    int n = c.int16("tuple column count");
    if (n < 0) {
      throw new PgOutputParseException("a tuple has a negative column count " + n);
    }
    byte[] kinds = new byte[n];
    String[] texts = new String[n];
    for (int i = 0; i < n; i++) {
      byte kind = c.int8("column kind");
      switch (kind) {
        case TupleData.NULL, TupleData.UNCHANGED_TOAST -> { }
        case TupleData.TEXT -> texts[i] = new String(c.bytes(c.int32("value length"), "column value"),
            StandardCharsets.UTF_8);
        default -> throw new PgOutputParseException("column " + (i + 1) + " of a tuple has kind '"
            + printable(kind) + "' (expected n, u or t; binary values are not requested)");
      }
      kinds[i] = kind;
    }
    return new TupleData(kinds, texts);
  }

  private static void expectMarker(ByteCursor c, char expected, String message) {
    byte b = c.int8("tuple marker");
    if (b != expected) {
      throw new PgOutputParseException("the " + message + " message has tuple marker '" + printable(b)
          + "' where '" + expected + "' belongs");
    }
  }

  private static Lsn lsn(ByteCursor c, String what) {
    return Lsn.of(c.int64(what));
  }

  private static String printable(byte b) {
    return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
  }
}
