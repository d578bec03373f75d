package io.viewsync.core.testing;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The external server named by {@code VIEWSYNC_TEST_PG_URL}: either a JDBC URL ({@code
 * jdbc:postgresql://host:port/db?user=u&password=p}) or a libpq URI ({@code
 * postgres://u:p@host:port/db}). The database is the one to connect to for {@code CREATE DATABASE};
 * it defaults to {@code postgres}. Immutable value; safe from any thread.
 */
record ServerUrl(String host, int port, String database, String user, String password) {

  static ServerUrl parse(String url) {
    String text = url.strip();
    if (text.startsWith("jdbc:")) {
      text = text.substring("jdbc:".length());
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a PostgreSQL URL: " + url, e);
    }
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new IllegalArgumentException(
          "not a PostgreSQL URL (expected jdbc:postgresql://, postgresql:// or postgres://): " + url);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("PostgreSQL URL has no host: " + url);
    }
    Map<String, String> query = query(uri.getRawQuery());
    String user = query.get("user");
    String password = query.get("password");
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      if (parts.length == 2) {
        password = decode(parts[1]);
      }
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    return new ServerUrl(
        uri.getHost(),
        uri.getPort() == -1 ? 5432 : uri.getPort(),
        path.isEmpty() ? "postgres" : path,
        user == null ? "postgres" : user,
        password == null ? "" : password);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        params.put(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
      }
    }
    return params;
  }

  private static String decode(String s) {
    // Percent-decoding only: a '+' in a password is a plus, not a space.
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
