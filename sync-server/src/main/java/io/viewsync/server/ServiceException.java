package io.viewsync.server;

/** A failure of the service the operator must act on; its message is the one line printed on exit. */
public final class ServiceException extends Exception {
  public ServiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
