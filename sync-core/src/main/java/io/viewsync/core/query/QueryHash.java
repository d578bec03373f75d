package io.viewsync.core.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The identity of a query: the hex SHA-256 of the canonical JSON text ({@link QueryJson#write}) of its
 * {@link Normalizer normalized} form. Queries that mean the same after normalization share a hash, and so one
 * pipeline (DESIGN §7). The hash covers everything in the AST (table, where, order, limit, start, related, names)
 * and nothing else: not the schema version, not the client. Hashing a query that is not normalized gives a hash
 * that is merely consistent, not canonical.
 *
 * <p>Immutable value; safe from any thread.
 */
public record QueryHash(String hex) {

  public QueryHash {
    Objects.requireNonNull(hex, "hex");
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a query hash is 64 lower-case hex digits: " + hex);
    }
  }

  /** The hash of {@code normalized}, which should come from {@link Normalizer#normalize}. */
  public static QueryHash of(Query normalized) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha256.digest(QueryJson.write(normalized).getBytes(StandardCharsets.UTF_8));
      return new QueryHash(HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
