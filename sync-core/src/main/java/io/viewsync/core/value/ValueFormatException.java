package io.viewsync.core.value;

/**
 * A Postgres value, in text or binary form, that is not what its type says it should be, or that
 * cannot be represented in the replica (for example a timestamp past the year 294246, whose
 * microseconds since the Unix epoch overflow 64 bits).
 *
 * <p>The message is a sentence that names the type and quotes (a prefix of) the offending input. The
 * caller decides what it means for the table (quarantine); this class never does.
 */
public final class ValueFormatException extends IllegalArgumentException {

  private static final int MAX_QUOTED = 80;

  public ValueFormatException(String message) {
    super(message);
  }

  public ValueFormatException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Builds "Not a valid TYPE value (REASON): 'INPUT'", shortening long input. */
  static ValueFormatException of(String typeName, String reason, String input) {
    String quoted = input.length() <= MAX_QUOTED ? input : input.substring(0, MAX_QUOTED) + "…";
    return new ValueFormatException("Not a valid " + typeName + " value (" + reason + "): '" + quoted + "'");
  }
}
