package io.viewsync.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;

/**
 * The kinds of error an HTTP endpoint answers with, each with its status code. The body is
 * {@code {"error": "<wireName>", "message": "<sentence>"}}. Values are part of the HTTP contract: only add, never
 * rename.
 */
public enum ErrorKind {
  BAD_REQUEST(HttpResponseStatus.BAD_REQUEST),
  UNAUTHORIZED(HttpResponseStatus.UNAUTHORIZED),
  /** Refused whoever asks: admin endpoints while no admin token is configured. */
  FORBIDDEN(HttpResponseStatus.FORBIDDEN),
  NOT_FOUND(HttpResponseStatus.NOT_FOUND),
  METHOD_NOT_ALLOWED(HttpResponseStatus.METHOD_NOT_ALLOWED),
  INTERNAL(HttpResponseStatus.INTERNAL_SERVER_ERROR),
  /** The request is valid but the resource's state refuses it (e.g. resyncing an unsyncable table). */
  CONFLICT(HttpResponseStatus.CONFLICT),
  /** The service cannot do it right now (e.g. replication not streaming); the same request may work later. */
  UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE);

  private final HttpResponseStatus status;

  ErrorKind(HttpResponseStatus status) {
    this.status = status;
  }

  public HttpResponseStatus status() {
    return status;
  }

  /** The name in the JSON body, e.g. {@code not_found}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
