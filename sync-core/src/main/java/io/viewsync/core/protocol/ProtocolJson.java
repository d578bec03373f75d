package io.viewsync.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the message writers of both sides share: a message object with its type, and writing it as text. Stateless; any thread. */
final class ProtocolJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ProtocolJson() {}

  /** A new message object whose first field is {@code type}. */
  static ObjectNode message(String type) {
    return JsonNodeFactory.instance.objectNode().put("type", type);
  }

  /** The message as one line of JSON text. */
  static String write(ObjectNode o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }
}
