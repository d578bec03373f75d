package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {

  private static PathParams match(String template, String rawPath) {
    return PathTemplate.parse(template).match(PathTemplate.segments(rawPath));
  }

  @Test
  void aParameterTakesOneWholeSegment() {
    assertThat(match("/admin/tables/{name}/resync", "/admin/tables/app.orders/resync").values())
        .isEqualTo(Map.of("name", "app.orders"));
    assertThat(match("/a/{x}/b/{y}", "/a/1/b/2").values()).containsExactly(Map.entry("x", "1"), Map.entry("y", "2"));
  }

  @Test
  void literalsAndSegmentCountMustMatch() {
    assertThat(match("/admin/tables/{name}/resync", "/admin/tables/x/rebuild")).isNull();
    assertThat(match("/admin/tables/{name}/resync", "/admin/tables/x")).isNull();
    assertThat(match("/admin/tables/{name}/resync", "/admin/tables/x/y/resync")).isNull();
    assertThat(match("/admin/tables/{name}/resync", "/admin/tables/x/resync/")).as("no trailing-slash folding")
        .isNull();
  }

  @Test
  void anEmptySegmentMatchesNoParameter() {
    assertThat(match("/admin/tables/{name}/resync", "/admin/tables//resync")).isNull();
  }

  @Test
  void segmentsAreDecodedOneByOneSoAnEncodedSlashStaysInTheValue() {
    assertThat(PathTemplate.segments("/admin/tables/a%2Fb/resync")).containsExactly("admin", "tables", "a/b", "resync");
    assertThat(match("/t/{name}", "/t/we%20ird%2F%22name%22%E2%9C%93").get("name")).isEqualTo("we ird/\"name\"✓");
  }

  @Test
  void aPlusInAPathIsAPlusNotASpace() {
    assertThat(PathTemplate.segments("/a+b%2Bc")).containsExactly("a+b+c");
  }

  @Test
  void brokenPercentEncodingIsRejected() {
    assertThatThrownBy(() -> PathTemplate.segments("/a%2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathTemplate.segments("/a%zz")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathTemplate.segments("/%FF")).hasMessageContaining("UTF-8");
    assertThatThrownBy(() -> PathTemplate.segments("/%E2%9C")).as("a truncated sequence").hasMessageContaining("UTF-8");
  }

  @Test
  void theShapeErasesParameterNames() {
    assertThat(PathTemplate.parse("/admin/tables/{name}/resync").shape()).isEqualTo("/admin/tables/{}/resync");
    assertThat(PathTemplate.parse("/t/{a}").shape()).isEqualTo(PathTemplate.parse("/t/{b}").shape());
  }

  @Test
  void malformedTemplatesAreWiringErrors() {
    for (String bad : List.of("t/{x}", "/t/{}", "/t/x{y}", "/t/{y}z", "/t/{a}{b}", "/t/{1x}", "/t//{x}", "/t/{x}/{x}",
        "/t/{x")) {
      assertThatThrownBy(() -> PathTemplate.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void pathParamsNameAMissingParameterAsAWiringError() {
    PathParams params = match("/t/{name}", "/t/x");

    assertThatThrownBy(() -> params.get("table")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{table}").hasMessageContaining("name");
    assertThat(PathParams.NONE.values()).isEmpty();
  }
}
