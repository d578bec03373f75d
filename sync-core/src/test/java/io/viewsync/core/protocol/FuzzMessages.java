package io.viewsync.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random and mutated protocol messages, for fuzzing the codec ({@link MessageFuzzTest}) and the server's socket. */
public final class FuzzMessages {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private FuzzMessages() {}


  /**
   * A random message made from {@code base}: characters deleted, inserted (any UTF-16 unit, lone surrogates
   * included) or changed; fields dropped, duplicated or given random JSON values; values nested deeply; huge
   * strings; or a random JSON value altogether.
   */
  public static String mutate(Random r, String base) {
    try {
      return generate(r, base);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String generate(Random r, String base) throws Exception {
    return switch (r.nextInt(10)) {
      case 0, 1, 2 -> mutateChars(base, r);
      case 3, 4, 5 -> MAPPER.writeValueAsString(mutateTree(MAPPER.readTree(base), r));
      case 6 -> duplicateField(base, r);
      case 7 -> nestDeeply(base, r);
      case 8 -> hugeString(base, r);
      default -> r.nextBoolean() ? MAPPER.writeValueAsString(randomValue(r, 4))
          : mutateChars(MAPPER.writeValueAsString(randomValue(r, 4)), r);
    };
  }

  private static String mutateChars(String s, Random r) {
    StringBuilder b = new StringBuilder(s);
    int edits = 1 + r.nextInt(6);
    for (int e = 0; e < edits; e++) {
      int at = b.length() == 0 ? 0 : r.nextInt(b.length());
      switch (r.nextInt(3)) {
        case 0 -> {
          if (b.length() > 0) {
            b.deleteCharAt(at);
          }
        }
        case 1 -> b.insert(at, randomChar(r));
        default -> {
          if (b.length() > 0) {
            b.setCharAt(at, randomChar(r));
          }
        }
      }
    }
    return b.toString();
  }

  /** Mostly JSON punctuation and ASCII, sometimes any UTF-16 unit (a lone surrogate among them). */
  private static char randomChar(Random r) {
    String syntax = "{}[]\",:0123456789.eE-+ \\ntrufalsn\u0000";
    return switch (r.nextInt(4)) {
      case 0, 1 -> syntax.charAt(r.nextInt(syntax.length()));
      case 2 -> (char) (32 + r.nextInt(95));
      default -> (char) r.nextInt(0x10000);
    };
  }

  private static JsonNode mutateTree(JsonNode root, Random r) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    int edits = 1 + r.nextInt(3);
    for (int e = 0; e < edits && !containers.isEmpty(); e++) {
      JsonNode target = containers.get(r.nextInt(containers.size()));
      if (target instanceof ObjectNode o && o.size() > 0) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        String name = names.get(r.nextInt(names.size()));
        switch (r.nextInt(4)) {
          case 0 -> o.remove(name);
          case 1 -> o.set(name, randomValue(r, 3));
          case 2 -> o.set(randomString(r, 8), randomValue(r, 2));
          default -> o.set(name, retype(o.get(name), r));
        }
      } else if (target instanceof ArrayNode a) {
        if (a.size() > 0 && r.nextBoolean()) {
          a.set(r.nextInt(a.size()), randomValue(r, 3));
        } else {
          a.add(randomValue(r, 2));
        }
      }
    }
    return root;
  }

  /** The same content as another JSON type: "1" for 1, 1 for "1", [x] for x, … */
  private static JsonNode retype(JsonNode v, Random r) {
    if (v.isTextual()) {
      return r.nextBoolean() ? NODES.numberNode(v.textValue().length()) : NODES.arrayNode().add(v);
    }
    if (v.isNumber()) {
      return r.nextBoolean() ? NODES.textNode(v.asText()) : NODES.numberNode(v.asDouble() + 0.5);
    }
    if (v.isContainerNode()) {
      return r.nextBoolean() ? NODES.textNode(v.toString()) : NODES.arrayNode().add(v);
    }
    return NODES.textNode(v.asText());
  }

  private static void collect(JsonNode node, List<JsonNode> into) {
    if (node.isContainerNode()) {
      into.add(node);
      node.elements().forEachRemaining(child -> collect(child, into));
    }
  }

  /** A field of the top object written twice (Jackson's tree cannot hold that, so by text). */
  private static String duplicateField(String base, Random r) throws Exception {
    ObjectNode o = (ObjectNode) MAPPER.readTree(base);
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    String name = names.get(r.nextInt(names.size()));
    String field = MAPPER.writeValueAsString(name) + ":" + MAPPER.writeValueAsString(o.get(name));
    String text = MAPPER.writeValueAsString(o);
    return "{" + field + "," + text.substring(1);
  }

  private static String nestDeeply(String base, Random r) throws Exception {
    int depth = r.nextInt(4) == 0 ? 1 + r.nextInt(100_000) : 1 + r.nextInt(400);
    boolean arrays = r.nextBoolean();
    String open = arrays ? "[" : "{\"a\":";
    String close = arrays ? "]" : "}";
    String inner = open.repeat(depth) + "1" + close.repeat(r.nextInt(10) == 0 ? depth / 2 : depth);
    ObjectNode o = (ObjectNode) MAPPER.readTree(base);
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    String name = r.nextBoolean() ? "id" : names.get(r.nextInt(names.size()));
    o.remove(name);
    String text = MAPPER.writeValueAsString(o);
    return "{" + MAPPER.writeValueAsString(name) + ":" + inner + (o.isEmpty() ? "" : ",") + text.substring(1);
  }

  private static String hugeString(String base, Random r) throws Exception {
    JsonNode root = MAPPER.readTree(base);
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    List<ObjectNode> objects = containers.stream().filter(JsonNode::isObject).map(ObjectNode.class::cast).toList();
    ObjectNode target = objects.get(r.nextInt(objects.size()));
    int length = r.nextInt(3) == 0 ? MessageCodec.MAX_MESSAGE_CHARS - 200 + r.nextInt(400)
        : r.nextInt(MessageCodec.MAX_MESSAGE_CHARS / 2);
    String huge = r.nextBoolean() ? "x".repeat(length) : randomString(r, Math.min(length, 20_000));
    if (r.nextBoolean() || target.isEmpty()) {
      target.put(r.nextBoolean() ? huge : "type", huge);
    } else {
      target.put(target.fieldNames().next(), huge);
    }
    return MAPPER.writeValueAsString(root);
  }

  private static JsonNode randomValue(Random r, int depth) {
    int pick = r.nextInt(depth <= 0 ? 6 : 8);
    return switch (pick) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(r.nextBoolean());
      case 2 -> NODES.numberNode(r.nextInt(5) == 0 ? r.nextLong() : r.nextInt(5) - 1);
      case 3 -> NODES.numberNode(r.nextBoolean() ? r.nextDouble() * 1e300 : r.nextGaussian());
      case 4 -> NODES.textNode(randomString(r, 70));
      case 5 -> NODES.textNode(List.of("connect", "subscribe", "unsubscribe", "ping", "pong", "cmp", "and", "issues",
          "id", "=", "IN", "").get(r.nextInt(12)));
      case 6 -> {
        ArrayNode a = NODES.arrayNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          a.add(randomValue(r, depth - 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          o.set(r.nextInt(3) == 0 ? "type" : randomString(r, 6), randomValue(r, depth - 1));
        }
        yield o;
      }
    };
  }

  /** Random UTF-16: ASCII, other BMP, pairs and lone surrogates. */
  private static String randomString(Random r, int maxLength) {
    int length = r.nextInt(maxLength + 1);
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      switch (r.nextInt(5)) {
        case 0 -> b.append((char) (0xD800 + r.nextInt(0x800)));
        case 1 -> b.appendCodePoint(0x10000 + r.nextInt(0x100000));
        case 2 -> b.append((char) r.nextInt(0x10000));
        default -> b.append((char) ('a' + r.nextInt(26)));
      }
    }
    return b.toString();
  }

}
