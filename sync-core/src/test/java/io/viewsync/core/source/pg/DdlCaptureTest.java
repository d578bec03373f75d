package io.viewsync.core.source.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DdlCaptureTest {

  @Test
  void modesHaveStableWireNames() {
    assertThat(DdlCapture.Mode.EVENT_TRIGGERS.wireName()).isEqualTo("event-triggers");
    assertThat(DdlCapture.Mode.FALLBACK.wireName()).isEqualTo("fallback");
    for (DdlCapture.Mode m : DdlCapture.Mode.values()) {
      assertThat(DdlCapture.Mode.fromWireName(m.wireName())).isEqualTo(m);
    }
    assertThatThrownBy(() -> DdlCapture.Mode.fromWireName("EVENT_TRIGGERS")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theInstallScriptIsOneTransactionThatRegistersThePublicationAndCreatesTheTriggers() {
    String script = DdlCapture.installScript("it's", true);
    assertThat(script).startsWith("-- viewsync DDL capture for publication it's (managed)")
        .contains("\nBEGIN;\n")
        .contains("VALUES ('it''s', true)")
        .contains("CREATE OR REPLACE FUNCTION _viewsync.describe_tables(oid[])")
        .contains(DescribeQuery.TEXT)
        .contains("CREATE OR REPLACE FUNCTION _viewsync.on_ddl_command_end()")
        .contains("CREATE EVENT TRIGGER viewsync_ddl_command_end ON ddl_command_end")
        .contains("CREATE EVENT TRIGGER viewsync_sql_drop ON sql_drop")
        .contains("CREATE EVENT TRIGGER viewsync_table_rewrite ON table_rewrite")
        .endsWith("\nCOMMIT;\n");
    assertThat(DdlCapture.installScript("p", false)).contains("VALUES ('p', false)").doesNotContain("(managed)");
    assertThat(DdlCapture.installScript("a\nDROP TABLE x; --", false)).startsWith("-- viewsync DDL capture for publication a DROP TABLE x; --.");
  }

  @Test
  void literalsAreQuotedWhateverStandardConformingStringsSays() {
    assertThat(DdlCapture.quoteLiteral("plain")).isEqualTo("'plain'");
    assertThat(DdlCapture.quoteLiteral("o'k")).isEqualTo("'o''k'");
    assertThat(DdlCapture.quoteLiteral("back\\slash'")).isEqualTo("E'back\\\\slash'''");
  }
}
