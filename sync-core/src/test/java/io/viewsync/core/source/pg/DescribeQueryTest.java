package io.viewsync.core.source.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DescribeQueryTest {

  @Test
  void theSameTextIsAFunctionBodyAndAJdbcQueryWithOnePlaceholder() {
    assertThat(DescribeQuery.TEXT).contains("$1").doesNotContain("?");
    assertThat(DescribeQuery.jdbc()).doesNotContain("$").containsOnlyOnce("?");
    assertThat(DescribeQuery.jdbc().replace("?", "$1")).isEqualTo(DescribeQuery.TEXT);
  }

  @Test
  void aTextThatCouldNotServeBothUsesIsRejected() {
    assertThatThrownBy(() -> DescribeQuery.check("SELECT 1")).hasMessageContaining("exactly once");
    assertThatThrownBy(() -> DescribeQuery.check("SELECT $1, $1")).hasMessageContaining("exactly once");
    assertThatThrownBy(() -> DescribeQuery.check("SELECT $1, $$x$$")).hasMessageContaining("dollar");
    assertThatThrownBy(() -> DescribeQuery.check("SELECT $1 -- why?")).hasMessageContaining("question mark");
  }

  @Test
  void oidsAboveTwoToTheThirtyFirstAreWrittenUnsigned() {
    assertThat(DescribeQuery.oidArray(List.of(16384, (int) 3000000000L))).isEqualTo("{16384,3000000000}");
    assertThat(DescribeQuery.oidArray(List.of())).isEqualTo("{}");
  }
}
