package io.viewsync.core.value;

import static io.viewsync.core.value.ValueCodec.fromText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ValueCodecArrayTest {

  @Test
  void integerElementsAreJsonNumbersWithExactDigits() {
    assertThat(fromText(PgType.INT4_ARRAY, "{1,-2,NULL}")).isEqualTo("[1,-2,null]");
    assertThat(fromText(PgType.INT8_ARRAY, "{9223372036854775807}")).isEqualTo("[9223372036854775807]");
    assertThat(fromText(PgType.INT2_ARRAY, "{}")).isEqualTo("[]");
  }

  @Test
  void booleanElementsAreJsonBooleans() {
    assertThat(fromText(PgType.BOOL_ARRAY, "{t,f,NULL}")).isEqualTo("[true,false,null]");
  }

  @Test
  void textElementsAreJsonStringsWithQuotesAndNullWordKept() {
    assertThat(fromText(PgType.TEXT_ARRAY, "{\"a b\",\"c\\\"d\",NULL,\"NULL\",\"\\\\\",\"\"}"))
        .isEqualTo("[\"a b\",\"c\\\"d\",null,\"NULL\",\"\\\\\",\"\"]");
  }

  @Test
  void controlAndNonAsciiCharactersAreValidJson() {
    assertThat(fromText(PgType.TEXT_ARRAY, "{\"tab\there\",fünf}")).isEqualTo("[\"tab\\there\",\"fünf\"]");
  }

  @Test
  void numericAndFloatElementsAreStringsSoNothingIsLost() {
    assertThat(fromText(PgType.NUMERIC_ARRAY, "{1.10,NaN,12345678901234567890.5}"))
        .isEqualTo("[\"1.10\",\"NaN\",\"12345678901234567890.5\"]");
    assertThat(fromText(PgType.FLOAT8_ARRAY, "{0.1,NaN,-Infinity,-0}"))
        .isEqualTo("[\"0.1\",\"NaN\",\"-Infinity\",\"-0\"]");
  }

  @Test
  void timestampElementsKeepTheirPostgresTextForm() {
    assertThat(fromText(PgType.TIMESTAMPTZ_ARRAY, "{\"2020-01-01 00:00:00+00\",infinity}"))
        .isEqualTo("[\"2020-01-01 00:00:00+00\",\"infinity\"]");
  }

  @Test
  void nestedArraysBecomeNestedJsonArrays() {
    assertThat(fromText(PgType.INT4_ARRAY, "{{1,2},{3,NULL}}")).isEqualTo("[[1,2],[3,null]]");
  }

  @Test
  void explicitBoundsAreDropped() {
    assertThat(fromText(PgType.INT4_ARRAY, "[0:1]={1,2}")).isEqualTo("[1,2]");
  }

  @Test
  void anArrayOfUnknownElementTypeHasStringElements() {
    assertThat(fromText(PgType.of(16_385, "_mood", 'A', null), "{sad,happy}")).isEqualTo("[\"sad\",\"happy\"]");
  }

  @Test
  void anArrayOfEnumsHasStringElements() {
    PgType mood = PgType.of(16_384, "mood", 'E', null);
    assertThat(fromText(PgType.arrayOf(16_385, mood), "{sad,NULL}")).isEqualTo("[\"sad\",null]");
  }

  @Test
  void malformedElementsOfTypedArraysAreRejected() {
    assertThatThrownBy(() -> fromText(PgType.INT4_ARRAY, "{1,x}")).isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> fromText(PgType.BOOL_ARRAY, "{t,maybe}")).isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> fromText(PgType.INT4_ARRAY, "{1,2")).isInstanceOf(ValueFormatException.class);
  }
}
