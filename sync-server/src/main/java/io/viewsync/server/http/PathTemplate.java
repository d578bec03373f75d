package io.viewsync.server.http;

import io.viewsync.server.config.PercentEncoding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A route path with parameters, e.g. {@code /admin/tables/{name}/resync}: each segment is either literal text or a
 * whole-segment parameter {@code {name}}. A parameter matches exactly one non-empty segment, so
 * {@code /admin/tables//resync} matches nothing.
 *
 * <p>Matching works on segments decoded one by one ({@link #segments}), not on the decoded path: a table name may
 * contain {@code /} written as {@code %2F} without changing the path's shape
 * (<a href="https://www.rfc-editor.org/rfc/rfc3986#section-2.2">RFC 3986 §2.2</a>: an encoded delimiter is data).
 * {@code +} in a path is a plus sign, not a space (that is a rule of form-encoded query strings only).
 *
 * <p>Immutable; safe from any thread. Parsing is pure.
 */
final class PathTemplate {

  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");

  /** One segment of the template: literal text, or the name of a parameter. */
  private record Segment(String text, boolean param) {}

  private final String template;
  private final List<Segment> segments;

  private PathTemplate(String template, List<Segment> segments) {
    this.template = template;
    this.segments = segments;
  }

  /** True when {@code path} has parameters and so must be parsed as a template. */
  static boolean isTemplate(String path) {
    return path.indexOf('{') >= 0 || path.indexOf('}') >= 0;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException unless the template is {@code /} followed by non-empty segments, each literal
   *                                  or a whole {@code {name}}, with no name twice
   */
  static PathTemplate parse(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("a route path starts with '/': " + template);
    }
    List<Segment> segments = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String text : template.substring(1).split("/", -1)) {
      Matcher m = PARAM.matcher(text);
      if (text.isEmpty()) {
        throw new IllegalArgumentException("a path template has no empty segments: " + template);
      } else if (m.matches()) {
        if (!names.add(m.group(1))) {
          throw new IllegalArgumentException("parameter {" + m.group(1) + "} appears twice in " + template);
        }
        segments.add(new Segment(m.group(1), true));
      } else if (isTemplate(text)) {
        throw new IllegalArgumentException(
            "a parameter is a whole segment, {letter, then letters, digits or _}: " + template);
      } else {
        segments.add(new Segment(text, false));
      }
    }
    return new PathTemplate(template, List.copyOf(segments));
  }

  /** The template with parameter names erased, e.g. {@code /admin/tables/{}/resync}: equal shapes match equal paths. */
  String shape() {
    return segments.stream().map(s -> s.param() ? "{}" : s.text()).collect(Collectors.joining("/", "/", ""));
  }

  /** The parameters if the decoded {@code pathSegments} of a path match this template, else null. */
  PathParams match(List<String> pathSegments) {
    if (pathSegments.size() != segments.size()) {
      return null;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      String actual = pathSegments.get(i);
      if (s.param() && !actual.isEmpty()) {
        values.put(s.text(), actual);
      } else if (s.param() || !s.text().equals(actual)) {
        return null;
      }
    }
    return new PathParams(values);
  }

  /**
   * Splits a raw (still encoded) path such as {@code /admin/tables/a%2Fb/resync} at {@code /} and percent-decodes
   * each segment as UTF-8: {@code [admin, tables, a/b, resync]}.
   *
   * @throws IllegalArgumentException for a {@code %} not followed by two hex digits, or bytes that are not UTF-8
   */
  static List<String> segments(String rawPath) {
    String rest = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    List<String> result = new ArrayList<>();
    for (String segment : rest.split("/", -1)) {
      result.add(PercentEncoding.decode(segment, false));
    }
    return result;
  }

  @Override
  public String toString() {
    return template;
  }
}
