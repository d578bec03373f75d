package io.viewsync.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.viewsync.replica.ResyncResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /admin/tables/{name}/resync}: asks the {@link TableResyncer} to copy one table again and answers at
 * once; the copy runs in the background and shows in {@code /admin/status} as state {@code resyncing}.
 *
 * <pre>
 * 202 {"table": name, "result": "accepted"}         queued
 * 200 {"table": name, "result": "already-running"}  a resync of it is queued or running; nothing new started
 * 404 {"error": "not_found",   "message", "table", "result": "unknown-table"}
 * 409 {"error": "conflict",    "message", "table", "result": "unsyncable"}     message says why
 * 503 {"error": "unavailable", "message", "table", "result": "not-streaming"}  try again later
 * </pre>
 *
 * The {@code result} values are part of the HTTP contract: only add, never rename. Access control is
 * {@link AdminAuthHandler}'s job. Safe from any thread; does not block as long as the resyncer keeps its contract.
 */
public final class AdminResyncEndpoint implements TemplateEndpoint {

  public static final String PATH = "/admin/tables/{name}/resync";

  private final TableResyncer resyncer;

  public AdminResyncEndpoint(TableResyncer resyncer) {
    this.resyncer = resyncer;
  }

  @Override
  public FullHttpResponse handle(FullHttpRequest request, PathParams params) {
    String table = params.get("name");
    TableResyncer.Answer answer = resyncer.requestResync(table);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("table", table);
    body.put("result", wireName(answer.result()));
    return switch (answer.result()) {
      case ACCEPTED -> JsonResponses.json(HttpResponseStatus.ACCEPTED, body);
      case ALREADY_RUNNING -> JsonResponses.json(HttpResponseStatus.OK, body);
      case UNKNOWN_TABLE -> JsonResponses.error(ErrorKind.NOT_FOUND,
          "the replica has no table " + table + " (/admin/status lists the tables by name)", body);
      case UNSYNCABLE -> JsonResponses.error(ErrorKind.CONFLICT,
          "table " + table + " cannot be synced, so a resync would not help: "
              + orElse(answer.reason(), "see its reason in /admin/status"), body);
      case NOT_STREAMING -> JsonResponses.error(ErrorKind.UNAVAILABLE,
          "a resync needs replication to be streaming; try again later"
              + (answer.reason() == null ? "" : " (" + answer.reason() + ")"), body);
    };
  }

  /** The {@code result} field of the answer. */
  static String wireName(ResyncResult result) {
    return switch (result) {
      case ACCEPTED -> "accepted";
      case ALREADY_RUNNING -> "already-running";
      case UNKNOWN_TABLE -> "unknown-table";
      case UNSYNCABLE -> "unsyncable";
      case NOT_STREAMING -> "not-streaming";
    };
  }

  private static String orElse(String s, String fallback) {
    return s == null || s.isBlank() ? fallback : s;
  }
}
