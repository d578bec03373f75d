package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TableWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void rowKeysAreWrittenAsTheJsonJacksonWouldWrite() throws Exception {
    Object[][] keys = {
        {1L}, {-9223372036854775808L, "a"}, {"quote\"back\\slash\ttab\u0001ü🚀"}, {new byte[] {0, -1, 7}},
        {1.5, 0.1, -0.0}, {null}, {}};
    for (Object[] key : keys) {
      assertThat(TableWriter.keyJson(key)).isEqualTo(JSON.writeValueAsString(key));
    }
  }

  @Test
  void randomStringKeysRoundTripThroughAJsonParser() throws Exception {
    Random rnd = new Random(42);
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = rnd.nextInt(20); j > 0; j--) {
        sb.appendCodePoint(rnd.nextInt(4) == 0 ? rnd.nextInt(0x20) : rnd.nextInt(0x2FFF) + 0x20);
      }
      String s = sb.toString();
      Object[] parsed = JSON.readValue(TableWriter.keyJson(new Object[] {s, (long) i}), Object[].class);
      assertThat(parsed[0]).isEqualTo(s);
    }
  }
}
