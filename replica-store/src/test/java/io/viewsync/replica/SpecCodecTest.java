package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.IndexSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecCodecTest {

  @Test
  void aSpecRoundTripsWithAttnumsDefaultsAndIndexes() {
    TableSpec spec = new TableSpec(new TableName("app", "docs"), 4711,
        List.of(new ColumnSpec("id", PgType.INT8, "bigint", true, 1, null),
            new ColumnSpec("tags", PgType.TEXT_ARRAY, "text[]", false, 3, "'{}'::text[]"),
            new ColumnSpec("at", PgType.TIMESTAMPTZ, "timestamp with time zone", true, 5, "now()")),
        List.of("id"), "primary key docs_pkey", null,
        List.of(new IndexSpec("docs_pkey", List.of("id"), true, true, false, false, false),
            new IndexSpec("by_at", List.of("at", "id"), false, false, true, false, false),
            new IndexSpec("lower_tags", List.of(), false, false, false, true, true)));

    assertThat(SpecCodec.read(SpecCodec.write(spec))).isEqualTo(spec);
  }

  @Test
  void anUnsyncableSpecRoundTrips() {
    TableSpec spec = new TableSpec(new TableName("public", "logs"), 7,
        List.of(new ColumnSpec("line", PgType.TEXT, "text", false, 2, null)), List.of(), null, "no usable row key",
        List.of(new IndexSpec("uniq_line", List.of("line"), true, false, false, false, false)));

    assertThat(SpecCodec.read(SpecCodec.write(spec))).isEqualTo(spec);
  }

  @Test
  void aSpecWrittenBeforeAttnumsDefaultsAndIndexesReadsWithUnknownAttnumsNoDefaultsAndNoIndexes() {
    // exactly what the previous SpecCodec.write produced
    String old = "{\"schema\":\"public\",\"name\":\"docs\",\"oid\":16384,\"columns\":["
        + "{\"name\":\"id\",\"declared\":\"bigint\",\"notNull\":true,\"type\":{\"oid\":20,\"name\":\"int8\",\"category\":\"N\"}},"
        + "{\"name\":\"ids\",\"declared\":\"integer[]\",\"notNull\":false,\"type\":{\"oid\":1007,\"name\":\"_int4\","
        + "\"category\":\"A\",\"element\":{\"oid\":23,\"name\":\"int4\",\"category\":\"N\"}}}],"
        + "\"key\":[\"id\"],\"keySource\":\"primary key docs_pkey\",\"unsyncable\":null}";

    assertThat(SpecCodec.read(old)).isEqualTo(new TableSpec(new TableName("public", "docs"), 16384,
        List.of(new ColumnSpec("id", PgType.INT8, "bigint", true, 0, null),
            new ColumnSpec("ids", PgType.INT4_ARRAY, "integer[]", false, 0, null)),
        List.of("id"), "primary key docs_pkey", null, List.of()));
  }
}
