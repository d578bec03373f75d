package io.viewsync.core.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgArrayLiteralTest {

  private static List<Object> list(Object... items) {
    return Arrays.asList(items);
  }

  @Test
  void unquotedElementsAreSplitOnCommas() {
    assertThat(PgArrayLiteral.parse("{1,2,3}")).isEqualTo(list("1", "2", "3"));
  }

  @Test
  void unquotedNullInAnyCaseIsSqlNull() {
    assertThat(PgArrayLiteral.parse("{1,NULL,null}")).isEqualTo(list("1", null, null));
  }

  @Test
  void quotedNullIsTheString() {
    assertThat(PgArrayLiteral.parse("{\"NULL\",NULL}")).isEqualTo(list("NULL", null));
  }

  @Test
  void quotedElementsLoseQuotesAndBackslashes() {
    assertThat(PgArrayLiteral.parse("{\"a b\",\"c\\\"d\",\"e\\\\f\",\"g,h\",\"{}\",\"\"}"))
        .isEqualTo(list("a b", "c\"d", "e\\f", "g,h", "{}", ""));
  }

  @Test
  void backslashesAlsoEscapeInUnquotedElements() {
    assertThat(PgArrayLiteral.parse("{a\\,b,\\NULL}")).isEqualTo(list("a,b", "NULL"));
  }

  @Test
  void whitespaceAroundElementsIsDroppedButKeptInside() {
    assertThat(PgArrayLiteral.parse(" { a b , \"c \" , d\\  } ")).isEqualTo(list("a b", "c ", "d "));
  }

  @Test
  void emptyArrayHasNoElements() {
    assertThat(PgArrayLiteral.parse("{}")).isEmpty();
  }

  @Test
  void nestedArraysBecomeNestedLists() {
    assertThat(PgArrayLiteral.parse("{{1,2},{3,4}}")).isEqualTo(list(list("1", "2"), list("3", "4")));
    assertThat(PgArrayLiteral.parse("{{{a}},{{NULL}}}")).isEqualTo(list(list(list("a")), list(list((Object) null))));
  }

  @Test
  void explicitBoundsAreDroppedKeepingTheElements() {
    assertThat(PgArrayLiteral.parse("[0:1]={1,2}")).isEqualTo(list("1", "2"));
    assertThat(PgArrayLiteral.parse("[-1:0][2:3]={{1,2},{3,4}}")).isEqualTo(list(list("1", "2"), list("3", "4")));
  }

  @Test
  void nonAsciiTextIsKept() {
    assertThat(PgArrayLiteral.parse("{fünf,\"🐛 b\"}")).isEqualTo(list("fünf", "🐛 b"));
  }

  @Test
  void malformedLiteralsAreRejected() {
    for (String bad : new String[] {"", "1,2", "{1,2", "{1,,2}", "{1,2}x", "{\"a}", "{a\"b\"}", "[0:1]{1}", "{1,{2}"}) {
      assertThatThrownBy(() -> PgArrayLiteral.parse(bad)).as(bad).isInstanceOf(ValueFormatException.class);
    }
  }
}
