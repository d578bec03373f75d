package io.viewsync.replica;

/** A problem that stops the service at startup; the message tells the operator what to fix. */
public final class StartupException extends Exception {
  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
