package io.viewsync.core.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgByteaTest {

  @Test
  void hexFormatIsDecoded() {
    assertThat(PgBytea.fromText("\\x0a0bff00")).containsExactly(0x0a, 0x0b, 0xff, 0x00);
    assertThat(PgBytea.fromText("\\xDEADbeef")).containsExactly(0xde, 0xad, 0xbe, 0xef);
  }

  @Test
  void emptyHexIsEmptyBytes() {
    assertThat(PgBytea.fromText("\\x")).isEmpty();
  }

  @Test
  void whitespaceBetweenHexPairsIsIgnoredAsByteaInDoes() {
    assertThat(PgBytea.fromText("\\x01 02\n03")).containsExactly(1, 2, 3);
  }

  @Test
  void badHexIsRejected() {
    assertThatThrownBy(() -> PgBytea.fromText("\\x0")).isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> PgBytea.fromText("\\x0g")).isInstanceOf(ValueFormatException.class);
  }

  @Test
  void legacyEscapeFormatIsDecoded() {
    assertThat(PgBytea.fromText("ab\\000\\\\\\377c")).containsExactly('a', 'b', 0, '\\', 0xff, 'c');
    assertThat(PgBytea.fromText("")).isEmpty();
  }

  @Test
  void badEscapesAreRejected() {
    assertThatThrownBy(() -> PgBytea.fromText("\\")).isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> PgBytea.fromText("\\12")).isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> PgBytea.fromText("\\400")).isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> PgBytea.fromText("\\8aa")).isInstanceOf(ValueFormatException.class);
  }
}
