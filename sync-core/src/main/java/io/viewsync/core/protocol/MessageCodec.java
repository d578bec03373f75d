package io.viewsync.core.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.protocol.ProtocolError.Kind;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryError;
import io.viewsync.core.query.QueryJson;
import io.viewsync.core.query.Result;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads client → server messages (docs/protocol.md, "Client → server"): {@link #parse} turns one text frame into a
 * {@link ClientMessage} or the {@link ProtocolError} the server answers with. Pure: no I/O, no session state (a
 * second {@code connect}, a message before {@code connect}, an unknown query ID and query validation against the
 * schema are the server's checks, not the codec's).
 *
 * <p>{@link #parse} never throws, for any string: in order, a text over the size limit is {@code too_large}
 * (without being read); text that is not one JSON value (trailing tokens, duplicate field names, nesting deeper
 * than {@link #MAX_NESTING_DEPTH}, …) or not an object, a missing or non-string {@code type} is {@code malformed};
 * an unknown {@code type} is {@code unknown_type}; then the message's own fields are checked — a {@code connect}
 * whose {@code protocolVersion} is an integer outside {@link ProtocolVersions} is {@code unsupported_protocol}
 * before anything else in it is looked at (so that a newer client is told about versions, not about fields it may
 * have added), an unknown, missing or mistyped field is {@code malformed}, a {@code schema} that
 * {@link ClientSchema#parse} refuses is {@code malformed} with {@code details.errors}, a {@code query} object that
 * {@link QueryJson#parse} refuses is {@code invalid_query} with {@code details.errors}. Errors carry the
 * {@code queryID} whenever the message has a valid one.
 *
 * <p>Stateless; safe from any thread.
 */
public final class MessageCodec {

  /** What {@link #parse} returns: a {@link ClientMessage} or a {@link ProtocolError}. */
  public sealed interface Parsed permits ClientMessage, ProtocolError {}

  /** The largest message read by default, in chars of the text (UTF-16 units): 256 Ki. */
  public static final int MAX_MESSAGE_CHARS = 256 * 1024;
  /** The longest {@code clientGroupID}, {@code clientID} or {@code queryID}, in chars; the shortest is 1. */
  public static final int MAX_ID_CHARS = 64;
  /** The deepest JSON nesting read (arrays and objects); deeper is {@code malformed}, never a stack overflow. */
  public static final int MAX_NESTING_DEPTH = 256;
  /** The most query or schema errors listed in {@code details.errors}; the message says how many there were. */
  public static final int MAX_DETAIL_ERRORS = 50;
  /** Longest text of client origin (a field name, a path) repeated in an error, in chars; longer is cut. */
  static final int MAX_ECHO_CHARS = 200;

  private static final Set<String> CONNECT = Set.of("type", "protocolVersion", "clientGroupID", "clientID", "schema",
      "cookie", "auth");
  private static final Set<String> SUBSCRIBE = Set.of("type", "queryID", "query");
  private static final Set<String> UNSUBSCRIBE = Set.of("type", "queryID");
  private static final Set<String> PING = Set.of("type", "id");

  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MessageCodec() {}

  /** Reads one message, at most {@link #MAX_MESSAGE_CHARS} long. Never throws. */
  public static Parsed parse(String text) {
    return parse(text, MAX_MESSAGE_CHARS);
  }

  /** Reads one message, at most {@code maxChars} long (a configured limit). Never throws. */
  public static Parsed parse(String text, int maxChars) {
    try {
      return read(text, maxChars);
    } catch (RuntimeException | StackOverflowError e) {
      // A bug (the fuzz test fails on INTERNAL): the connection must survive it all the same.
      return ProtocolError.of(Kind.INTERNAL, "the server failed to read the message: " + e.getClass().getName());
    }
  }

  private static Parsed read(String text, int maxChars) {
    if (text == null) {
      return malformed("no message", null);
    }
    if (text.length() > maxChars) {
      return ProtocolError.of(Kind.TOO_LARGE,
          "message of " + text.length() + " chars, over the limit of " + maxChars + ": ignored");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return malformed("not JSON: " + echo(e.getOriginalMessage(), MAX_ECHO_CHARS), null);
    }
    if (root == null || root.isMissingNode()) {
      return malformed("empty message", null);
    }
    if (!root.isObject()) {
      return malformed("a message is a JSON object, not " + root.getNodeType().name().toLowerCase(Locale.ROOT), null);
    }
    JsonNode type = root.get("type");
    if (type == null) {
      return malformed("missing field \"type\"", null);
    }
    if (!type.isTextual()) {
      return malformed("\"type\" must be a string", null);
    }
    return switch (type.textValue()) {
      case "connect" -> connect(root);
      case "subscribe" -> subscribe(root);
      case "unsubscribe" -> unsubscribe(root);
      case "ping" -> ping(root);
      default -> ProtocolError.of(Kind.UNKNOWN_TYPE, "unknown message type \"" + echo(type.textValue(), 64)
          + "\" (protocol " + ProtocolVersions.MAX + " has connect, subscribe, unsubscribe, ping)");
    };
  }

  private static Parsed connect(JsonNode m) {
    JsonNode version = m.get("protocolVersion");
    if (version != null && version.isIntegralNumber()
        && !(version.canConvertToLong() && ProtocolVersions.supports(version.longValue()))) {
      return ProtocolVersions.unsupported(version.asText());
    }
    String problem = unknownField(m, CONNECT, "connect");
    if (problem != null) {
      return malformed(problem, null);
    }
    if (version == null) {
      return malformed("missing field \"protocolVersion\"", null);
    }
    if (!version.isIntegralNumber()) {
      return malformed("\"protocolVersion\" must be an integer", null);
    }
    for (String field : List.of("clientGroupID", "clientID")) {
      problem = idProblem(m.get(field), field);
      if (problem != null) {
        return malformed(problem, null);
      }
    }
    JsonNode schemaNode = m.get("schema");
    if (schemaNode == null || !schemaNode.isObject()) {
      return malformed(schemaNode == null ? "missing field \"schema\"" : "\"schema\" must be an object", null);
    }
    Result<ClientSchema> schema = ClientSchema.parse(schemaNode);
    if (!schema.isOk()) {
      return withErrors(Kind.MALFORMED, "the schema is not a valid declaration", schema.errors(), null);
    }
    String[] optional = new String[2];
    int i = 0;
    for (String field : List.of("cookie", "auth")) {
      JsonNode n = m.get(field);
      if (n != null && !n.isNull() && !n.isTextual()) {
        return malformed("\"" + field + "\" must be a string or null", null);
      }
      optional[i++] = n == null || n.isNull() ? null : n.textValue();
    }
    return new ClientMessage.Connect(version.intValue(), m.get("clientGroupID").textValue(),
        m.get("clientID").textValue(), schema.orElseThrow(), optional[0], optional[1]);
  }

  private static Parsed subscribe(JsonNode m) {
    String queryID = validId(m.get("queryID"));
    String problem = unknownField(m, SUBSCRIBE, "subscribe");
    if (problem == null) {
      problem = idProblem(m.get("queryID"), "queryID");
    }
    if (problem != null) {
      return malformed(problem, queryID);
    }
    JsonNode queryNode = m.get("query");
    if (queryNode == null || !queryNode.isObject()) {
      return malformed(queryNode == null ? "missing field \"query\"" : "\"query\" must be an object", queryID);
    }
    Result<Query> query = QueryJson.parse(queryNode);
    if (!query.isOk()) {
      return withErrors(Kind.INVALID_QUERY, "the query does not parse", query.errors(), queryID);
    }
    return new ClientMessage.Subscribe(queryID, query.orElseThrow());
  }

  private static Parsed unsubscribe(JsonNode m) {
    String queryID = validId(m.get("queryID"));
    String problem = unknownField(m, UNSUBSCRIBE, "unsubscribe");
    if (problem == null) {
      problem = idProblem(m.get("queryID"), "queryID");
    }
    return problem != null ? malformed(problem, queryID) : new ClientMessage.Unsubscribe(queryID);
  }

  private static Parsed ping(JsonNode m) {
    String problem = unknownField(m, PING, "ping");
    return problem != null ? malformed(problem, null) : new ClientMessage.Ping(m.get("id"));
  }

  // ---- checks

  /** The first field of {@code m} not in {@code allowed}, as an error sentence, or null. */
  private static String unknownField(JsonNode m, Set<String> allowed, String type) {
    for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        return "unknown field \"" + echo(field, 64) + "\" in " + type + " (expected " + new TreeSet<>(allowed) + ")";
      }
    }
    return null;
  }

  /** Why {@code node} is not a valid ID (a string of 1–64 chars, well-formed UTF-16), or null when it is. */
  static String idProblem(JsonNode node, String field) {
    if (node == null) {
      return "missing field \"" + field + "\"";
    }
    if (!node.isTextual()) {
      return "\"" + field + "\" must be a string";
    }
    String id = node.textValue();
    if (id.isEmpty() || id.length() > MAX_ID_CHARS) {
      return "\"" + field + "\" must be 1–" + MAX_ID_CHARS + " chars long, not " + id.length();
    }
    if (!wellFormed(id)) {
      return "\"" + field + "\" holds a lone surrogate (\\uD800–\\uDFFF not in a pair): not Unicode text";
    }
    return null;
  }

  private static String validId(JsonNode node) {
    return idProblem(node, "") == null ? node.textValue() : null;
  }

  private static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  // ---- errors

  private static ProtocolError malformed(String message, String queryID) {
    return new ProtocolError(Kind.MALFORMED, message, null, queryID);
  }

  /** An error whose {@code details.errors} lists (at most {@link #MAX_DETAIL_ERRORS} of) {@code errors}. */
  private static ProtocolError withErrors(Kind kind, String message, List<QueryError> errors, String queryID) {
    List<QueryError> shown = errors.stream().limit(MAX_DETAIL_ERRORS)
        .map(e -> new QueryError(e.kind(), echo(e.path(), MAX_ECHO_CHARS), echo(e.message(), MAX_ECHO_CHARS)))
        .toList();
    ObjectNode details = NODES.objectNode();
    details.set("errors", ServerMessage.errorsJson(shown));
    String count = errors.size() == 1 ? "1 error" : errors.size() + " errors";
    String first = errors.get(0).path().isEmpty() ? errors.get(0).message()
        : errors.get(0).path() + ": " + errors.get(0).message();
    return new ProtocolError(kind, message + " (" + count
        + (errors.size() > MAX_DETAIL_ERRORS ? ", the first " + MAX_DETAIL_ERRORS + " in details" : "")
        + "): " + echo(first, MAX_ECHO_CHARS), details, queryID);
  }

  /**
   * Client text fit to repeat in an error: at most {@code max} chars (cut with …), lone surrogates replaced by
   * U+FFFD so that the error encodes as UTF-8.
   */
  static String echo(String s, int max) {
    if (s == null) {
      return "";
    }
    String cut = s.length() > max ? s.substring(0, max) + "…" : s;
    if (wellFormed(cut)) {
      return cut;
    }
    StringBuilder b = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < cut.length() && Character.isLowSurrogate(cut.charAt(i + 1))) {
        b.append(c).append(cut.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }
}
