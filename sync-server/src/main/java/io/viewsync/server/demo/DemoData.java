package io.viewsync.server.demo;

import java.util.List;
import java.util.Random;

/**
 * Words the demo's seed and writer make issue trackers' text from: titles like "Search shows stale data after a
 * migration", people, labels and comment sentences. Deterministic for a given {@link Random}. Stateless.
 */
final class DemoData {

  private DemoData() {}

  static final List<String> FIRST_NAMES = List.of("Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Edsger",
      "Frances", "Dennis", "Radia", "Guido", "Hedy", "Bjarne", "Sophie", "Alan", "Katherine", "Tim", "Anita",
      "Donald", "Joan", "Niklaus", "Shafi", "Leslie", "Adele", "John");
  static final List<String> LAST_NAMES = List.of("Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton",
      "Dijkstra", "Allen", "Ritchie", "Perlman", "van Rossum", "Lamarr", "Stroustrup", "Wilson", "Turing", "Johnson",
      "Berners-Lee", "Borg", "Knuth", "Clarke", "Wirth", "Goldwasser", "Lamport", "Goldberg", "McCarthy");

  /** Name and color of each label, in id order. */
  static final List<String[]> LABELS = List.of(
      new String[] {"bug", "#d73a4a"}, new String[] {"feature", "#1f883d"}, new String[] {"docs", "#0075ca"},
      new String[] {"performance", "#bf8700"}, new String[] {"ux", "#8250df"}, new String[] {"security", "#b60205"},
      new String[] {"infra", "#5319e7"}, new String[] {"good first issue", "#0e8a16"});

  private static final List<String> COMPONENTS = List.of("Login page", "Settings", "Search", "Dashboard", "CSV export",
      "Notifications", "Sync engine", "Billing", "Profile editor", "File upload", "Comments", "Sidebar", "Dark mode",
      "API client", "Onboarding", "Issue list", "Offline mode", "Mobile layout", "Webhooks", "Audit log");
  private static final List<String> PROBLEMS = List.of("crashes", "is slow", "shows stale data", "loses input",
      "renders blank", "returns a 500", "flickers", "times out", "ignores filters", "duplicates items",
      "forgets the scroll position", "shows the wrong time zone");
  private static final List<String> WHEN = List.of("when switching tabs", "while offline", "when the list is empty",
      "after saving twice", "on Safari", "after a migration", "with 10k rows", "on first load",
      "when resizing the window", "after pasting emoji", "for new users", "behind a proxy");
  private static final List<String> FEATURES = List.of("keyboard shortcuts", "bulk edit", "saved filters",
      "a compact view", "SSO login", "undo for deletes", "mentions in comments", "due dates", "issue templates",
      "a weekly digest", "drag and drop sorting", "custom fields");
  private static final List<String> SENTENCES = List.of("I can reproduce this on the latest build.",
      "Looks related to the caching change from last week.", "Can we get logs from an affected account?",
      "Confirmed on staging.", "This blocks the release, raising priority.", "I have a fix in review.",
      "Not reproducible for me, can you share the steps?", "Customers have reported this twice today.",
      "Adding a test for it.", "The workaround is to reload the page.", "Deployed the fix, please verify.",
      "Closing as a duplicate would lose context, keeping it open.", "Happens only with large accounts.",
      "Let's pair on this tomorrow.", "Profiling shows most time spent in the query planner.");

  static String userName(int index) {
    return FIRST_NAMES.get(index % FIRST_NAMES.size()) + " " + LAST_NAMES.get((index * 7 + index / 25) % LAST_NAMES.size());
  }

  static String email(String name) {
    return name.toLowerCase().replaceAll("[^a-z]+", ".") + "@example.com";
  }

  static String title(Random random) {
    if (random.nextInt(4) == 0) {
      return "Add " + pick(random, FEATURES) + " to " + pick(random, COMPONENTS).toLowerCase();
    }
    return pick(random, COMPONENTS) + " " + pick(random, PROBLEMS) + " " + pick(random, WHEN);
  }

  static String paragraph(Random random, int sentences) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < sentences; i++) {
      b.append(i == 0 ? "" : " ").append(pick(random, SENTENCES));
    }
    return b.toString();
  }

  /** open 45 %, in_progress 20 %, closed 35 %. */
  static String status(Random random) {
    int r = random.nextInt(100);
    return r < 45 ? "open" : r < 65 ? "in_progress" : "closed";
  }

  /** 1 (urgent) 10 %, 2 25 %, 3 40 %, 4 (low) 25 %. */
  static int priority(Random random) {
    int r = random.nextInt(100);
    return r < 10 ? 1 : r < 35 ? 2 : r < 75 ? 3 : 4;
  }

  static <T> T pick(Random random, List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
