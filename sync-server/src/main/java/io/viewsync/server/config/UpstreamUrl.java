package io.viewsync.server.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where the upstream Postgres is, parsed from one of the forms people paste:
 *
 * <ul>
 *   <li>{@code postgres://user:password@host:5432/dbname?sslmode=require} or {@code postgresql://…}, the libpq
 *       connection URI (<a href="https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS">
 *       libpq docs</a>): user, password and database are percent-decoded, the port defaults to 5432, an IPv6 host is
 *       written in brackets, a missing database defaults to the user name (as libpq does);
 *   <li>{@code jdbc:postgresql://host:5432/dbname?user=…&password=…}, pgjdbc's URL, whose query values are
 *       form-decoded the way pgjdbc decodes them ({@code +} is a space).
 * </ul>
 *
 * <p>Query parameters other than {@code user} and {@code password} are passed through to pgjdbc as connection
 * properties; the libpq names {@code application_name} and {@code connect_timeout} are renamed to pgjdbc's.
 * Multiple hosts and Unix-domain sockets are not supported.
 *
 * <p>The password never appears in {@link #toString()} or {@link #redacted()}, nor in the message of a parse
 * error (which never echoes the input). Immutable value; safe from any thread.
 *
 * @param host     host name or IP address, IPv6 without brackets
 * @param port     TCP port
 * @param database database name
 * @param user     user name, or null to let pgjdbc decide
 * @param password password, or null
 * @param params   extra pgjdbc connection properties, in the order given
 */
public record UpstreamUrl(String host, int port, String database, String user, String password,
                          Map<String, String> params) {

  public static final int DEFAULT_PORT = 5432;

  static final String EXPECTED_FORMS = "expected postgres://user:password@host:5432/dbname?sslmode=require"
      + " (or postgresql://…) or jdbc:postgresql://host:5432/dbname?user=…&password=…;"
      + " special characters in the user or password must be percent-encoded, e.g. @ as %40";

  /** libpq parameter names that pgjdbc spells differently. */
  private static final Map<String, String> LIBPQ_TO_PGJDBC = Map.of(
      "application_name", "ApplicationName",
      "connect_timeout", "connectTimeout");

  /** Parameters whose values are secrets, redacted in every printed form. */
  private static final Set<String> SECRET_PARAMS = Set.of("password", "sslpassword");

  public UpstreamUrl {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("an upstream URL needs a host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("an upstream port must be between 1 and 65535, got " + port);
    }
    if (database == null || database.isEmpty()) {
      throw new IllegalArgumentException("an upstream URL needs a database name");
    }
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params)); // keeps the order given
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException("upstream URL params must not contain null");
      }
      if (e.getKey().equals("user") || e.getKey().equals("password")) {
        throw new IllegalArgumentException("user and password are components of an upstream URL, not params");
      }
    }
  }

  /**
   * Parses any of the forms in the class comment.
   *
   * @throws IllegalArgumentException with a sentence that names the problem and shows the expected forms; the
   *                                  message never contains the input
   */
  public static UpstreamUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid("the upstream URL is empty");
    }
    String s = text.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("postgresql://")) {
      return parseHierarchical(s.substring("postgresql://".length()), false);
    }
    if (lower.startsWith("postgres://")) {
      return parseHierarchical(s.substring("postgres://".length()), false);
    }
    if (lower.startsWith("jdbc:postgresql://")) {
      return parseHierarchical(s.substring("jdbc:postgresql://".length()), true);
    }
    if (lower.startsWith("jdbc:postgresql:")) {
      // pgjdbc's short form jdbc:postgresql:dbname means localhost:5432.
      return parseHierarchical("localhost/" + s.substring("jdbc:postgresql:".length()), true);
    }
    int colon = s.indexOf(':');
    String scheme = colon > 0 && colon < 20 && s.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")
        ? "'" + s.substring(0, colon) + ":'" : "no scheme";
    throw invalid("the upstream URL has " + (colon > 0 ? "the unsupported scheme " : "") + scheme);
  }

  /** Parses {@code [user[:password]@]host[:port][/database][?k=v&…]}, the part after {@code scheme://}. */
  private static UpstreamUrl parseHierarchical(String rest, boolean jdbc) {
    int authorityEnd = indexOfAny(rest, "/?", 0);
    String authority = authorityEnd < 0 ? rest : rest.substring(0, authorityEnd);
    String path = "";
    String query = "";
    if (authorityEnd >= 0) {
      String tail = rest.substring(authorityEnd);
      int q = tail.indexOf('?');
      path = q < 0 ? tail : tail.substring(0, q);
      query = q < 0 ? "" : tail.substring(q + 1);
    }

    // The last '@' ends the user info, so an unencoded '@' in a password still parses.
    int at = authority.lastIndexOf('@');
    String user = null;
    String password = null;
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = userInfo.indexOf(':');
      user = emptyToNull(decode(colon < 0 ? userInfo : userInfo.substring(0, colon), false, "user name"));
      password = colon < 0 ? null : emptyToNull(decode(userInfo.substring(colon + 1), false, "password"));
    }

    String host;
    String portText = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw invalid("the IPv6 host has no closing ']'");
      }
      host = authority.substring(1, close);
      if (!host.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9._~-]+)?") || !host.contains(":")) {
        throw invalid("the host in brackets is not an IPv6 address");
      }
      String after = authority.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw invalid("unexpected text after the IPv6 host");
        }
        portText = after.substring(1);
      }
    } else {
      if (authority.indexOf(',') >= 0) {
        throw invalid("the upstream URL lists several hosts, which viewsync does not support");
      }
      int colon = authority.indexOf(':');
      if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
        throw invalid("an IPv6 host must be written in brackets, e.g. postgres://user@[::1]:5432/db");
      }
      host = decode(colon < 0 ? authority : authority.substring(0, colon), false, "host");
      portText = colon < 0 ? null : authority.substring(colon + 1);
      if (host.isEmpty()) {
        throw invalid("the upstream URL has no host");
      }
      if (!host.matches("[A-Za-z0-9._-]+")) {
        throw invalid("the host is not a host name or IP address");
      }
    }
    int port = DEFAULT_PORT;
    if (portText != null) {
      if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
        throw invalid("the port must be a number between 1 and 65535");
      }
      port = Integer.parseInt(portText);
    }

    String database = path.isEmpty() ? "" : decode(path.substring(1), false, "database name");
    if (database.contains("/")) {
      throw invalid("the database name contains '/'; encode it as %2F if it is really part of the name");
    }

    Map<String, String> params = new LinkedHashMap<>();
    if (!query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq), jdbc, "parameter name");
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1), jdbc, "value of a parameter");
        if (key.isEmpty()) {
          throw invalid("a query parameter has no name");
        }
        switch (key) {
          case "user" -> user = emptyToNull(value);
          case "password" -> password = emptyToNull(value);
          default -> params.put(LIBPQ_TO_PGJDBC.getOrDefault(key, key), value);
        }
      }
    }
    if (database.isEmpty()) {
      if (user == null) {
        throw invalid("the upstream URL names no database (and no user whose name could stand for it)");
      }
      database = user; // libpq's and pgjdbc's default
    }
    return new UpstreamUrl(host, port, database, user, password, params);
  }

  /** pgjdbc URL without credentials or parameters, e.g. {@code jdbc:postgresql://[::1]:5432/app}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + encode(database);
  }

  /** A fresh copy of the pgjdbc connection properties: the params, plus user and password when given. */
  public Properties properties() {
    Properties props = new Properties();
    props.putAll(params);
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    return props;
  }

  /** A copy pointing at another database on the same server, e.g. {@code postgres} for setup work. */
  public UpstreamUrl withDatabase(String otherDatabase) {
    return new UpstreamUrl(host, port, otherDatabase, user, password, params);
  }

  /** The URI form with the password and secret parameters shown as {@code ***}; safe for logs and messages. */
  public String redacted() {
    StringBuilder b = new StringBuilder("postgresql://");
    if (user != null) {
      b.append(encode(user));
      if (password != null) {
        b.append(":***");
      }
      b.append('@');
    }
    b.append(hostForUrl()).append(':').append(port).append('/').append(encode(database));
    char sep = '?';
    for (Map.Entry<String, String> e : params.entrySet()) {
      String value = SECRET_PARAMS.contains(e.getKey()) ? "***" : encode(e.getValue());
      b.append(sep).append(encode(e.getKey())).append('=').append(value);
      sep = '&';
    }
    return b.toString();
  }

  /** Same as {@link #redacted()}: a password must never reach a log line by accident. */
  @Override
  public String toString() {
    return redacted();
  }

  private String hostForUrl() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static IllegalArgumentException invalid(String problem) {
    return new IllegalArgumentException(problem + "; " + EXPECTED_FORMS);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static int indexOfAny(String s, String chars, int from) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** {@link PercentEncoding#decode}, with a message that names the URL component (never its value). */
  static String decode(String s, boolean plusIsSpace, String what) {
    try {
      return PercentEncoding.decode(s, plusIsSpace);
    } catch (IllegalArgumentException e) {
      throw invalid("the " + what + " " + e.getMessage());
    }
  }

  private static String encode(String s) {
    return PercentEncoding.encode(s);
  }

}
