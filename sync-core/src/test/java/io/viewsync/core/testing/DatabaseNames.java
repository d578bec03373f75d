package io.viewsync.core.testing;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Database names for test classes: the class's simple name, lowercased and reduced to {@code
 * [a-z0-9_]}, plus a random suffix so that test JVMs sharing one external server never collide,
 * within PostgreSQL's 63-byte identifier limit. Pure; safe from any thread.
 */
final class DatabaseNames {

  static final int MAX_LENGTH = 63; // NAMEDATALEN - 1

  private DatabaseNames() {}

  static String forTestClass(Class<?> testClass) {
    return forName(testClass.getSimpleName(), Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000000, 0x10000000)));
  }

  static String forName(String simpleName, String suffix) {
    String base = simpleName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
    if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
      base = "t_" + base;
    }
    String tail = "_" + suffix;
    if (base.length() + tail.length() > MAX_LENGTH) {
      base = base.substring(0, MAX_LENGTH - tail.length());
    }
    return base + tail;
  }
}
