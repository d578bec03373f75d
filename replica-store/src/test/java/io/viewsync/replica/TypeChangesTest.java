package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.value.PgType;
import org.junit.jupiter.api.Test;

class TypeChangesTest {

  private static boolean keeps(PgType from, String fromDecl, PgType to, String toDecl) {
    return TypeChanges.whyValuesChange(new ColumnSpec("c", from, fromDecl, false),
        new ColumnSpec("c", to, toDecl, false)) == null;
  }

  @Test
  void widerOrNarrowerIntegersAndStringsKeepTheirValues() {
    assertThat(keeps(PgType.INT4, "integer", PgType.INT8, "bigint")).isTrue();
    assertThat(keeps(PgType.INT8, "bigint", PgType.INT2, "smallint")).isTrue();
    assertThat(keeps(PgType.VARCHAR, "character varying(10)", PgType.TEXT, "text")).isTrue();
    assertThat(keeps(PgType.VARCHAR, "character varying(10)", PgType.VARCHAR, "character varying(5)")).isTrue();
    assertThat(keeps(PgType.INT4_ARRAY, "integer[]", PgType.INT8_ARRAY, "bigint[]")).isTrue();
  }

  @Test
  void float4WidensExactlyToFloat8ButNotInsideAnArray() {
    assertThat(keeps(PgType.FLOAT4, "real", PgType.FLOAT8, "double precision")).isTrue();
    assertThat(keeps(PgType.FLOAT8, "double precision", PgType.FLOAT4, "real")).isFalse();
    assertThat(keeps(PgType.FLOAT4_ARRAY, "real[]", PgType.FLOAT8_ARRAY, "double precision[]")).isFalse();
  }

  @Test
  void aModifierThatRoundsOrPadsChangesValues() {
    assertThat(keeps(PgType.NUMERIC, "numeric(10,2)", PgType.NUMERIC, "numeric(12,2)")).isTrue();
    assertThat(keeps(PgType.NUMERIC, "numeric(10,2)", PgType.NUMERIC, "numeric")).isTrue();
    assertThat(keeps(PgType.NUMERIC, "numeric(10,2)", PgType.NUMERIC, "numeric(10,1)")).isFalse();
    assertThat(keeps(PgType.NUMERIC, "numeric", PgType.NUMERIC, "numeric(10,2)")).isFalse();
    assertThat(keeps(PgType.NUMERIC, "money_amount", PgType.NUMERIC, "numeric(10,2)")).as("a domain").isFalse();
    assertThat(keeps(PgType.BPCHAR, "character(5)", PgType.BPCHAR, "character(8)")).isFalse();
    assertThat(keeps(PgType.TIMESTAMPTZ, "timestamp(3) with time zone", PgType.TIMESTAMPTZ,
        "timestamp with time zone")).isTrue();
    assertThat(keeps(PgType.TIMESTAMPTZ, "timestamp with time zone", PgType.TIMESTAMPTZ,
        "timestamp(3) with time zone")).isFalse();
    assertThat(keeps(PgType.INTERVAL, "interval", PgType.INTERVAL, "interval day")).isFalse();
    assertThat(keeps(PgType.NUMERIC_ARRAY, "numeric(10,2)[]", PgType.NUMERIC_ARRAY, "numeric(10,0)[]")).isFalse();
  }

  @Test
  void aSharedStorageClassIsNotEnough() {
    assertThat(keeps(PgType.TIMESTAMP, "timestamp without time zone", PgType.TIMESTAMPTZ,
        "timestamp with time zone")).isFalse();
    assertThat(keeps(PgType.JSON, "json", PgType.JSONB, "jsonb")).isFalse();
    assertThat(keeps(PgType.TEXT, "text", PgType.UUID, "uuid")).isFalse();
    assertThat(keeps(PgType.INT4, "integer", PgType.BOOL, "boolean")).isFalse();
  }

  @Test
  void theReasonSaysWhetherTheStorageClassChanged() {
    assertThat(TypeChanges.whyValuesChange(new ColumnSpec("n", PgType.INT4, "integer", false),
        new ColumnSpec("n", PgType.TEXT, "text", false)))
        .isEqualTo("column n changed type from integer to text, which is stored as TEXT instead of INTEGER");
    assertThat(TypeChanges.whyValuesChange(new ColumnSpec("p", PgType.NUMERIC, "numeric(10,2)", false),
        new ColumnSpec("p", PgType.NUMERIC, "numeric(10,1)", false)))
        .isEqualTo("column p changed type from numeric(10,2) to numeric(10,1), which changes its values");
  }
}
