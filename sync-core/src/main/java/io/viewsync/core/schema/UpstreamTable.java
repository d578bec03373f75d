package io.viewsync.core.schema;

import java.util.List;
import java.util.Map;

/**
 * One table in an upstream schema snapshot: its spec (key chosen by {@link KeyChooser}), the publications that
 * publish it, and, per column added with a non-volatile default (pg_attribute.atthasmissing), the text form of
 * the value the rows that existed before the column take. Immutable.
 */
public record UpstreamTable(TableSpec spec, List<String> publications, Map<String, String> missingValues) {

  public UpstreamTable {
    publications = List.copyOf(publications);
    missingValues = Map.copyOf(missingValues);
  }
}
