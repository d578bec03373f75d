package io.viewsync.bench;

import java.util.ArrayList;
import java.util.List;

/** A titled plain-text table (Markdown pipe syntax, so it can be pasted into docs/benchmarks.md). Not thread-safe. */
final class ResultTable {
  private final String title;
  private final List<String[]> rows = new ArrayList<>();

  ResultTable(String title, String... header) {
    this.title = title;
    rows.add(header);
  }

  ResultTable row(Object... cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      r[i] = String.valueOf(cells[i]);
    }
    rows.add(r);
    return this;
  }

  static String f(double v, int decimals) {
    return String.format("%,." + decimals + "f", v);
  }

  @Override
  public String toString() {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols && i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder b = new StringBuilder("### ").append(title).append("\n\n");
    for (int n = 0; n < rows.size(); n++) {
      line(b, rows.get(n), width);
      if (n == 0) {
        String[] dashes = new String[cols];
        for (int i = 0; i < cols; i++) {
          dashes[i] = "-".repeat(width[i]);
        }
        line(b, dashes, width);
      }
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String[] r, int[] width) {
    b.append('|');
    for (int i = 0; i < width.length; i++) {
      String c = i < r.length ? r[i] : "";
      b.append(' ').append(c).append(" ".repeat(width[i] - c.length())).append(" |");
    }
    b.append('\n');
  }
}
