package io.viewsync.core.source.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.Lsn;
import io.viewsync.core.change.Change;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage;
import io.viewsync.core.source.pg.pgoutput.PgOutputParseException;
import io.viewsync.core.source.pg.pgoutput.TupleData;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranslatorTest {
  private static final PgOutputMessage.Relation ISSUE = new PgOutputMessage.Relation(7, "public", "issue", 'd',
      List.of(new PgOutputMessage.Column(true, "id", 20, -1)));
  private static final TupleData ROW = new TupleData(new byte[] {TupleData.TEXT}, new String[] {"1"});

  @Test
  void rowChangesCarryTheRelationLastSentForTheirOid() {
    Translator t = new Translator();
    t.translate(ISSUE);
    t.translate(new PgOutputMessage.Begin(Lsn.of(100), 0, 1));
    Change c = t.translate(new PgOutputMessage.Insert(7, ROW));
    assertThat(c).isEqualTo(new Change.Insert(ISSUE, ROW));
    assertThat(t.translate(new PgOutputMessage.Commit((byte) 0, Lsn.of(100), Lsn.of(120), 0)))
        .isEqualTo(new Change.Commit(Lsn.of(100), Lsn.of(120), 0));
  }

  @Test
  void aChangeToARelationNeverDescribedIsAProtocolError() {
    Translator t = new Translator();
    t.translate(new PgOutputMessage.Begin(Lsn.of(100), 0, 1));
    assertThatThrownBy(() -> t.translate(new PgOutputMessage.Insert(8, ROW)))
        .isInstanceOf(PgOutputParseException.class).hasMessageContaining("relation oid 8");
  }

  @Test
  void rowChangesOutsideATransactionAndNestedBeginsAreProtocolErrors() {
    Translator t = new Translator();
    t.translate(ISSUE);
    assertThatThrownBy(() -> t.translate(new PgOutputMessage.Insert(7, ROW)))
        .hasMessageContaining("outside a transaction");
    t.translate(new PgOutputMessage.Begin(Lsn.of(100), 0, 1));
    assertThatThrownBy(() -> t.translate(new PgOutputMessage.Begin(Lsn.of(200), 0, 2)))
        .hasMessageContaining("inside an open transaction");
  }

  @Test
  void typeAndOriginMessagesCarryNothingToApply() {
    Translator t = new Translator();
    assertThat(t.translate(new PgOutputMessage.Type(99, "public", "mood"))).isNull();
    assertThat(t.translate(new PgOutputMessage.Origin(Lsn.of(5), "other"))).isNull();
  }
}
