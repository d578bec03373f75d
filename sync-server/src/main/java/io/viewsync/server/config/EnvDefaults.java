package io.viewsync.server.config;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;

/**
 * Lets every option also be set by an environment variable: an option whose {@code descriptionKey} names a
 * variable takes that variable's value as its default, so a flag still wins over the environment and the
 * environment wins over the annotation's {@code defaultValue}. (This is how picocli's own
 * {@code PropertiesDefaultProvider} uses {@code descriptionKey}.)
 *
 * <p>The environment is injected, so tests never touch the process environment. A variable set to the empty string
 * counts as unset. Immutable; safe from any thread.
 */
public final class EnvDefaults implements IDefaultValueProvider {

  private final Map<String, String> env;

  public EnvDefaults(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    String variable = argSpec.descriptionKey();
    if (variable == null || variable.isEmpty()) {
      return null;
    }
    String value = env.get(variable);
    return value == null || value.isEmpty() ? null : value;
  }
}
