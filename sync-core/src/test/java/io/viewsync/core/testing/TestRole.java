package io.viewsync.core.testing;

/**
 * A non-superuser login role made by {@link TestDatabase#createRole}. Roles are cluster-wide and
 * outlive the test database. Immutable value; safe from any thread.
 */
public record TestRole(String name, String password, boolean replication) {}
