package io.viewsync.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewsync.server.config.AdminClientConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Calls the admin endpoints of a running service over HTTP/1.1 with the JDK's {@link HttpClient}, for the CLI's
 * admin commands. Sends the bearer token when one is configured and never puts it in a message.
 *
 * <p>Used on the main thread, one request at a time.
 */
final class AdminClient {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Admin endpoints answer at once (long work runs in the background), so a slow answer means a stuck service. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AdminClientConfig config;
  private final HttpClient http;

  AdminClient(AdminClientConfig config) {
    this.config = config;
    // HTTP/1.1: the default (HTTP/2) would offer an h2c upgrade to a server that only speaks HTTP/1.1.
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
  }

  /**
   * An answer of the service. {@code result} and {@code message} are the fields of viewsync's JSON answers, null
   * when the body has none; {@code body} is the whole JSON answer, null when it is not JSON (e.g. it is not viewsync
   * answering).
   */
  record Reply(URI uri, int status, String result, String message, JsonNode body) {}

  /** The service could not be reached or did not answer; the message is a sentence naming the URL. */
  static final class UnreachableException extends Exception {
    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The service's base URL, for messages. */
  URI url() {
    return config.url();
  }

  /** POSTs an empty body to {@code path} (already percent-encoded, starting with {@code /}). */
  Reply post(String path) throws UnreachableException, InterruptedException {
    return send(path, b -> b.POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** GETs {@code path} (already percent-encoded, starting with {@code /}). */
  Reply get(String path) throws UnreachableException, InterruptedException {
    return send(path, b -> b.GET());
  }

  private Reply send(String path, java.util.function.Consumer<HttpRequest.Builder> method)
      throws UnreachableException, InterruptedException {
    URI uri = config.resolve(path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json");
    method.accept(request);
    config.adminToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UnreachableException("cannot reach the service at " + config.url() + " (" + describe(e)
          + "); it may not be running, or it listens elsewhere: set --url or VIEWSYNC_URL", e);
    }
    String result = null;
    String message = null;
    JsonNode body = null;
    try {
      body = JSON.readTree(response.body());
      if (body != null && body.isObject()) {
        result = body.path("result").isTextual() ? body.get("result").asText() : null;
        message = body.path("message").isTextual() ? body.get("message").asText() : null;
      }
    } catch (IOException notJson) {
      // Not viewsync answering (a proxy's error page, another service): the status code alone tells.
    }
    return new Reply(uri, response.statusCode(), result, message, body);
  }

  private static String describe(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
    }
    if (e instanceof ConnectException && (e.getMessage() == null || e.getMessage().isBlank())) {
      return "connection refused";
    }
    return FailureHandler.oneLine(e);
  }
}
