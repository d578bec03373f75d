package io.viewsync.core.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgTypeTest {

  @Test
  void integersBooleansAndTimestampsAreStoredAsInteger() {
    for (PgType t : new PgType[] {PgType.BOOL, PgType.INT2, PgType.INT4, PgType.INT8, PgType.OID,
        PgType.TIMESTAMP, PgType.TIMESTAMPTZ}) {
      assertThat(t.storageClass()).as(t.name()).isEqualTo(StorageClass.INTEGER);
    }
  }

  @Test
  void floatsAreStoredAsRealAndByteaAsBlob() {
    assertThat(PgType.FLOAT4.storageClass()).isEqualTo(StorageClass.REAL);
    assertThat(PgType.FLOAT8.storageClass()).isEqualTo(StorageClass.REAL);
    assertThat(PgType.BYTEA.storageClass()).isEqualTo(StorageClass.BLOB);
  }

  @Test
  void everythingElseIsStoredAsText() {
    for (PgType t : new PgType[] {PgType.NUMERIC, PgType.TEXT, PgType.VARCHAR, PgType.BPCHAR, PgType.NAME,
        PgType.UUID, PgType.JSON, PgType.JSONB, PgType.DATE, PgType.TIME, PgType.TIMETZ, PgType.INTERVAL,
        PgType.INT4_ARRAY, PgType.BOOL_ARRAY, PgType.FLOAT8_ARRAY, PgType.INT2VECTOR,
        PgType.of(16_384, "mood", 'E', null), PgType.of(16_500, "citext", 'S', null)}) {
      assertThat(t.storageClass()).as(t.name()).isEqualTo(StorageClass.TEXT);
    }
  }

  @Test
  void storageClassFollowsTheOidNotTheName() {
    assertThat(PgType.of(16_400, "int4", 'U', null).storageClass()).isEqualTo(StorageClass.TEXT);
  }

  @Test
  void arrayTypesAreNamedAfterTheirElementAndKnowIt() {
    assertThat(PgType.INT4_ARRAY.name()).isEqualTo("_int4");
    assertThat(PgType.INT4_ARRAY.element()).isEqualTo(PgType.INT4);
    assertThat(PgType.INT4_ARRAY.isArray()).isTrue();
    assertThat(PgType.INT4.isArray()).isFalse();
  }

  @Test
  void vectorTypesHaveArrayCategoryButAreNotArrays() {
    assertThat(PgType.INT2VECTOR.category()).isEqualTo('A');
    assertThat(PgType.INT2VECTOR.isArray()).isFalse();
    assertThat(PgType.OIDVECTOR.isArray()).isFalse();
  }

  @Test
  void builtinTypesAreFoundByOid() {
    assertThat(PgType.builtin(1184)).contains(PgType.TIMESTAMPTZ);
    assertThat(PgType.builtin(3807)).contains(PgType.JSONB_ARRAY);
    assertThat(PgType.builtin(16_384)).isEmpty();
  }

  @Test
  void onlyArraysMayHaveAnElementType() {
    assertThatThrownBy(() -> PgType.of(23, "int4", 'N', PgType.INT4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PgType.of(23, "", 'N', null)).isInstanceOf(IllegalArgumentException.class);
  }
}
