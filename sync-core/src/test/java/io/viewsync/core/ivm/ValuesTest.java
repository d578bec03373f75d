package io.viewsync.core.ivm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void nullSortsBeforeNumbersBeforeTextBeforeBlobs() {
    List<Object> values = new ArrayList<>(Arrays.asList(new byte[] {1}, "a", 2.5, null, 1L));
    values.sort(Values::compare);
    assertThat(values).containsExactly(null, 1L, 2.5, "a", new byte[] {1});
  }

  @Test
  void integersAndRealsCompareByValue() {
    assertThat(Values.compare(1L, 1.0)).isZero();
    assertThat(Values.compare(2L, 1.5)).isPositive();
    assertThat(Values.compare(-2L, -1.5)).isNegative();
    assertThat(Values.compare(1.5, 2L)).isNegative();
  }

  @Test
  void negativeZeroEqualsZeroAsInSqlite() {
    assertThat(Values.compare(-0.0, 0.0)).isZero();
    assertThat(Values.compare(0.0, -0.0)).isZero();
    assertThat(Values.compare(-0.0, 0L)).isZero();
    assertThat(Values.compare(-0.0, -Double.MIN_VALUE)).isPositive();
  }

  @Test
  void largeIntegersAreNotRoundedToDoubles() {
    long big = (1L << 53) + 1;
    assertThat(Values.compare(big, (double) (1L << 53))).isPositive();
    assertThat(Values.compare(Long.MAX_VALUE, 0x1p63)).isNegative();
  }

  @Test
  void canonicalFormsAreEqualExactlyWhenValuesCompareEqual() {
    List<Object> values = Arrays.asList(null, 0L, 0.0, -0.0, 1L, 1.0, 1.5, -3L, -3.0, (1L << 53) + 1,
        (double) (1L << 53), Long.MAX_VALUE, 0x1p63, -0x1p63, Long.MIN_VALUE, "1", new byte[] {1}, new byte[] {1});
    for (Object a : values) {
      for (Object b : values) {
        assertThat(Arrays.deepEquals(new Object[] {Values.canonical(a)}, new Object[] {Values.canonical(b)}))
            .as("%s vs %s", a, b).isEqualTo(Values.compare(a, b) == 0);
      }
    }
  }

  @Test
  void textComparesInUtf8ByteOrderNotUtf16Order() {
    String supplementary = new String(Character.toChars(0x1F600)); // UTF-16 surrogates D83D..., UTF-8 F0...
    String bmpHigh = "\uFF21"; // UTF-8 EF BC A1
    assertThat(supplementary.compareTo(bmpHigh)).isNegative();
    assertThat(Values.compare(supplementary, bmpHigh)).isPositive();
    assertThat(Values.compare("ab", "abc")).isNegative();
    assertThat(Values.compare("B", "a")).isNegative();
  }

  @Test
  void blobsCompareUnsignedBytewise() {
    assertThat(Values.compare(new byte[] {(byte) 0x80}, new byte[] {0x7f})).isPositive();
    assertThat(Values.compare(new byte[] {1}, new byte[] {1, 0})).isNegative();
  }

  @Test
  void onlyStorageClassesAreValues() {
    assertThatThrownBy(() -> Values.check(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Row.of("b", true)).isInstanceOf(IllegalArgumentException.class);
  }
}
