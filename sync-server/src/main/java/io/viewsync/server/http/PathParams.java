package io.viewsync.server.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values a request path gave the parameters of its route's template, percent-decoded: for the template
 * {@code /admin/tables/{name}/resync} and the path {@code /admin/tables/crm.accounts/resync},
 * {@code get("name")} is {@code crm.accounts}. A value is never empty (an empty segment matches no template).
 *
 * <p>Immutable value; safe from any thread.
 *
 * @param values parameter name to decoded value, in template order
 */
public record PathParams(Map<String, String> values) {

  /** The parameters of a route without any: what exact routes receive. */
  public static final PathParams NONE = new PathParams(Map.of());

  public PathParams {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * The value of {@code name}.
   *
   * @throws IllegalArgumentException if the route's template has no such parameter: a wiring mistake
   */
  public String get(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("the route has no path parameter {" + name + "}; it has "
          + values.keySet());
    }
    return value;
  }
}
