package io.viewsync.core.source.pg.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.Lsn;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Begin;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Column;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Commit;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Delete;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Insert;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Message;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Truncate;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Type;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Update;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Messages built byte by byte as the protocol documentation lays them out. */
class PgOutputParserTest {

  /** A tiny writer of protocol bytes for the tests. */
  private static final class Bytes {
    final ByteArrayOutputStream bos = new ByteArrayOutputStream();
    final DataOutputStream out = new DataOutputStream(bos);

    Bytes i8(int v) throws IOException { out.writeByte(v); return this; }
    Bytes i16(int v) throws IOException { out.writeShort(v); return this; }
    Bytes i32(int v) throws IOException { out.writeInt(v); return this; }
    Bytes i64(long v) throws IOException { out.writeLong(v); return this; }
    Bytes str(String s) throws IOException { out.write(s.getBytes(StandardCharsets.UTF_8)); out.writeByte(0); return this; }
    Bytes text(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.writeByte('t');
      out.writeInt(b.length);
      out.write(b);
      return this;
    }
    ByteBuffer buf() { return ByteBuffer.wrap(bos.toByteArray()); }
  }

  @Test
  void beginCarriesTheCommitLsnTimestampAndXid() throws IOException {
    var m = PgOutputParser.parse(new Bytes().i8('B').i64(0x16B374D848L).i64(123456789L).i32(742).buf());
    assertThat(m).isEqualTo(new Begin(Lsn.parse("16/B374D848"), 123456789L, 742));
  }

  @Test
  void commitCarriesCommitAndEndLsn() throws IOException {
    var m = PgOutputParser.parse(new Bytes().i8('C').i8(0).i64(100).i64(180).i64(55).buf());
    assertThat(m).isEqualTo(new Commit((byte) 0, Lsn.of(100), Lsn.of(180), 55));
  }

  @Test
  void relationListsColumnsWithKeyFlagsTypesAndModifiers() throws IOException {
    var m = PgOutputParser.parse(new Bytes().i8('R').i32(16384).str("public").str("issue").i8('d').i16(2)
        .i8(1).str("id").i32(20).i32(-1)
        .i8(0).str("tïtle").i32(1043).i32(104).buf());
    assertThat(m).isEqualTo(new Relation(16384, "public", "issue", 'd',
        List.of(new Column(true, "id", 20, -1), new Column(false, "tïtle", 1043, 104))));
  }

  @Test
  void typeNamesANonBuiltinType() throws IOException {
    assertThat(PgOutputParser.parse(new Bytes().i8('Y').i32(99999).str("public").str("mood").buf()))
        .isEqualTo(new Type(99999, "public", "mood"));
  }

  @Test
  void insertCarriesTextNullAndUnicodeValues() throws IOException {
    var m = (Insert) PgOutputParser.parse(new Bytes().i8('I').i32(16384).i8('N').i16(3)
        .text("42").i8('n').text("ünïcødé 🚀").buf());
    assertThat(m.relationOid()).isEqualTo(16384);
    assertThat(m.newTuple().text(0)).isEqualTo("42");
    assertThat(m.newTuple().isNull(1)).isTrue();
    assertThat(m.newTuple().text(2)).isEqualTo("ünïcødé 🚀");
  }

  @Test
  void updateWithoutOldTupleHasOnlyTheNewRowAndKeepsUnchangedToastMarkers() throws IOException {
    var m = (Update) PgOutputParser.parse(new Bytes().i8('U').i32(7).i8('N').i16(2).text("1").i8('u').buf());
    assertThat(m.oldKind()).isEqualTo((char) 0);
    assertThat(m.oldTuple()).isNull();
    assertThat(m.newTuple().isUnchangedToast(1)).isTrue();
    assertThat(m.newTuple().hasUnchangedToast()).isTrue();
  }

  @Test
  void updateOfTheKeyCarriesTheOldKeyTuple() throws IOException {
    var m = (Update) PgOutputParser.parse(new Bytes().i8('U').i32(7).i8('K').i16(2).text("1").i8('n')
        .i8('N').i16(2).text("2").text("x").buf());
    assertThat(m.oldKind()).isEqualTo('K');
    assertThat(m.oldTuple().text(0)).isEqualTo("1");
    assertThat(m.newTuple().text(0)).isEqualTo("2");
  }

  @Test
  void deleteCarriesTheOldKeyOrWholeRow() throws IOException {
    var k = (Delete) PgOutputParser.parse(new Bytes().i8('D').i32(7).i8('K').i16(1).text("9").buf());
    var o = (Delete) PgOutputParser.parse(new Bytes().i8('D').i32(7).i8('O').i16(2).text("9").text("z").buf());
    assertThat(k.oldKind()).isEqualTo('K');
    assertThat(o.oldKind()).isEqualTo('O');
    assertThat(o.oldTuple().text(1)).isEqualTo("z");
  }

  @Test
  void truncateListsEveryRelation() throws IOException {
    assertThat(PgOutputParser.parse(new Bytes().i8('T').i32(2).i8(1).i32(10).i32(11).buf()))
        .isEqualTo(new Truncate(1, new int[] {10, 11}));
  }

  @Test
  void logicalMessageCarriesPrefixAndContent() throws IOException {
    var m = PgOutputParser.parse(new Bytes().i8('M').i8(0).i64(500).str("viewsync.heartbeat").i32(3)
        .i8('a').i8('b').i8('c').buf());
    assertThat(m).isEqualTo(new Message(false, Lsn.of(500), "viewsync.heartbeat", "abc".getBytes()));
  }

  @Test
  void aTruncatedMessageIsAParseErrorWithASentence() throws IOException {
    assertThatThrownBy(() -> PgOutputParser.parse(new Bytes().i8('B').i64(1).buf()))
        .isInstanceOf(PgOutputParseException.class).hasMessageContaining("ends inside the commit timestamp");
  }

  @Test
  void anUnknownTagIsAParseError() throws IOException {
    assertThatThrownBy(() -> PgOutputParser.parse(new Bytes().i8('Z').buf()))
        .isInstanceOf(PgOutputParseException.class).hasMessageContaining("unknown pgoutput message tag 'Z'");
  }

  @Test
  void trailingBytesAreAParseError() throws IOException {
    assertThatThrownBy(() -> PgOutputParser.parse(new Bytes().i8('Y').i32(1).str("a").str("b").i8(0).buf()))
        .isInstanceOf(PgOutputParseException.class).hasMessageContaining("trailing");
  }

  @Test
  void anUnknownColumnKindIsAParseError() throws IOException {
    assertThatThrownBy(() -> PgOutputParser.parse(new Bytes().i8('I').i32(1).i8('N').i16(1).i8('b').i32(0).buf()))
        .isInstanceOf(PgOutputParseException.class).hasMessageContaining("kind 'b'");
  }

  @Test
  void aNegativeValueLengthIsAParseError() throws IOException {
    assertThatThrownBy(() -> PgOutputParser.parse(new Bytes().i8('I').i32(1).i8('N').i16(1).i8('t').i32(-5).buf()))
        .isInstanceOf(PgOutputParseException.class).hasMessageContaining("negative length");
  }

  @Test
  void parsingDoesNotMoveTheCallersBuffer() throws IOException {
    ByteBuffer b = new Bytes().i8('Y').i32(1).str("a").str("b").buf();
    PgOutputParser.parse(b);
    assertThat(b.position()).isZero();
  }
}
