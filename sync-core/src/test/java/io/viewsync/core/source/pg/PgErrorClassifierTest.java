package io.viewsync.core.source.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.source.pg.PgErrorClassifier.Verdict;
import java.io.EOFException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PgErrorClassifierTest {

  @Test
  void authenticationPrivilegeAndConfigurationErrorsAreFatal() {
    for (String state : new String[] {"28P01", "28000", "42501", "3D000", "53400"}) {
      assertThat(PgErrorClassifier.classify(new SQLException("x", state))).as(state).isEqualTo(Verdict.FATAL);
    }
  }

  @Test
  void connectionLossRestartsAndBusySlotsAreRetried() {
    for (String state : new String[] {"08006", "08001", "57P01", "57P03", "55006", "53300", "42704"}) {
      assertThat(PgErrorClassifier.classify(new SQLException("x", state))).as(state).isEqualTo(Verdict.RETRY);
    }
    assertThat(PgErrorClassifier.classify(new RuntimeException(new EOFException()))).isEqualTo(Verdict.RETRY);
  }

  @Test
  void theSqlStateIsFoundInsideWrappingExceptions() {
    assertThat(PgErrorClassifier.classify(new IllegalStateException(new SQLException("x", "28P01"))))
        .isEqualTo(Verdict.FATAL);
  }

  @Test
  void explanationsSayWhatToCheck() {
    assertThat(PgErrorClassifier.explain(new SQLException("password authentication failed", "28P01")))
        .contains("credentials");
    assertThat(PgErrorClassifier.explain(new SQLException("Connection refused", "08001"))).contains("cannot reach");
  }
}
