package io.viewsync.core.view;

import io.viewsync.core.ivm.Row;

/** A row's identity across queries: its table and its key. Immutable; any thread. */
public record RowRef(String table, Row key) {}
