package io.viewsync.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewsync.core.protocol.ProtocolError.Kind;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageCodec#parse} on random and mutated messages ({@link FuzzMessages}): it never throws and always answers a message or an
 * error of a kind the codec can give (never {@code internal}, which would be a caught bug), and every error writes
 * as JSON. Mutations start from the doc's examples: characters deleted, inserted (any UTF-16 unit, lone surrogates
 * included) or changed; fields dropped, duplicated or given random JSON values; values nested deeply; huge strings;
 * and random JSON values as whole messages. 20,000 cases, 10× with {@code -Dviewsync.stress=true}. Seeded: the
 * seed is printed, {@code -Dviewsync.seed=N} replays it. The slowest case's time is printed (not asserted: shared
 * CI machines are noisy; the run finishing is the assertion).
 */
class MessageFuzzTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long SEED = seed();
  private static final int CASES = Boolean.getBoolean("viewsync.stress") ? 200_000 : 20_000;

  private static final List<String> VALID = List.of(MessageCodecTest.CONNECT, MessageCodecTest.SUBSCRIBE,
      MessageCodecTest.UNSUBSCRIBE, MessageCodecTest.PING, "{\"type\":\"ping\"}",
      "{\"type\":\"connect\",\"protocolVersion\":1,\"clientGroupID\":\"g\",\"clientID\":\"c\","
          + "\"schema\":{\"tables\":{}},\"cookie\":\"k\",\"auth\":\"a\"}",
      "{\"type\":\"subscribe\",\"queryID\":\"q\",\"query\":{\"table\":\"t\",\"where\":{\"type\":\"and\","
          + "\"conditions\":[{\"type\":\"cmp\",\"column\":\"a\",\"op\":\"IN\",\"value\":[1,2]},{\"type\":\"not\","
          + "\"condition\":{\"type\":\"exists\",\"correlation\":{\"parent\":[\"id\"],\"child\":[\"t_id\"]},"
          + "\"query\":{\"table\":\"u\"},\"negated\":false}}]},\"start\":{\"row\":{\"a\":1},\"exclusive\":true}}}");

  private static final List<Kind> PARSE_KINDS = List.of(Kind.MALFORMED, Kind.UNKNOWN_TYPE,
      Kind.UNSUPPORTED_PROTOCOL, Kind.INVALID_QUERY, Kind.TOO_LARGE);

  @Test
  void theValidExamplesParse() {
    for (String text : VALID) {
      assertThat(MessageCodec.parse(text)).as(text).isInstanceOf(ClientMessage.class);
    }
  }

  @Test
  void randomAndMutatedMessagesNeverThrowAndGetAKnownAnswer() throws Exception {
    Random random = new Random(SEED);
    Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    int messages = 0;
    long slowest = 0;
    String slowestCase = "";
    for (int i = 0; i < CASES; i++) {
      String text = FuzzMessages.mutate(random, VALID.get(random.nextInt(VALID.size())));
      long start = System.nanoTime();
      MessageCodec.Parsed parsed = MessageCodec.parse(text);
      long took = System.nanoTime() - start;
      if (took > slowest) {
        slowest = took;
        slowestCase = "case " + i + " (" + text.length() + " chars)";
      }
      String what = "seed " + SEED + " case " + i + ": " + shorten(text);
      assertThat(parsed).as(what).isNotNull();
      if (parsed instanceof ProtocolError e) {
        assertThat(e.kind()).as(what + " → " + e).isIn(PARSE_KINDS);
        assertThat(e.message()).as(what).isNotEmpty();
        JsonNode written = MAPPER.readTree(ServerMessage.error(e));
        assertThat(written.get("kind").textValue()).as(what).isEqualTo(e.kind().wire());
        kinds.merge(e.kind(), 1, Integer::sum);
      } else {
        assertThat(parsed).as(what).isInstanceOf(ClientMessage.class);
        messages++;
      }
    }
    System.out.printf("MessageFuzzTest seed %d: %d cases, %d messages, errors %s; slowest parse %.2f ms (%s)%n",
        SEED, CASES, messages, kinds, slowest / 1e6, slowestCase);
    assertThat(messages).as("some mutations stay valid").isPositive();
    assertThat(kinds).as("mutations reach the error kinds").containsKeys(Kind.MALFORMED, Kind.UNKNOWN_TYPE,
        Kind.INVALID_QUERY, Kind.TOO_LARGE);
  }

  private static String shorten(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "… (" + s.length() + " chars)" : s;
  }

  /** -Dviewsync.seed=N replays a run; else a fresh seed, printed. */
  private static long seed() {
    String s = System.getProperty("viewsync.seed");
    long seed = s == null || s.isBlank() ? System.nanoTime() : Long.parseLong(s);
    System.out.println("MessageFuzzTest seed: " + seed + " (replay with -Dviewsync.seed=" + seed + ")");
    return seed;
  }
}
