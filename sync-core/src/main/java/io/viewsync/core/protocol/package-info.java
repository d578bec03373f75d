/**
 * Schema negotiation with clients (DESIGN §6): the schema a client declares at connect ({@link
 * io.viewsync.core.protocol.ClientSchema}), how it fits the server's ({@link
 * io.viewsync.core.protocol.Compatibility}, {@link io.viewsync.core.protocol.CompatibilityReport}), what rows the
 * client receives ({@link io.viewsync.core.protocol.ClientView}) and which of its queries can run ({@link
 * io.viewsync.core.protocol.QueryAvailability}). docs/compatibility.md is the contract.
 *
 * <p>All types are immutable values or stateless functions, safe from any thread; nothing throws for a bad
 * declaration (parsing returns {@link io.viewsync.core.query.Result.Failed} with {@code MALFORMED} errors).
 */
package io.viewsync.core.protocol;
