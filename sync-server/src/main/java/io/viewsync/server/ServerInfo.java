package io.viewsync.server;

/** Facts about this build. Stateless; any thread. */
public final class ServerInfo {
  private ServerInfo() {}

  /** The version from the jar manifest, set by the build, or "(development build)" when run from classes. */
  public static String version() {
    String v = ServerInfo.class.getPackage().getImplementationVersion();
    return v != null ? v : "(development build)";
  }
}
