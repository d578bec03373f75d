package io.viewsync.replica;

import io.viewsync.core.schema.UpstreamTable;
import io.viewsync.core.value.PgType;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The upstream catalog as it is now (not as of the stream's position). The writer asks it only where the
 * stream itself says too little: a type oid in a Relation message, the value pre-existing rows take for a
 * column added without event triggers. Called on the replication thread; implementations serialize access to
 * their connection.
 */
interface LiveCatalog {
  PgType type(int oid) throws SQLException;

  Optional<UpstreamTable> table(int oid) throws SQLException;
}
