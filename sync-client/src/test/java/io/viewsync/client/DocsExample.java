package io.viewsync.client;

import io.viewsync.core.protocol.ClientSchema;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The example of docs/client.md, kept here so that it compiles and runs ({@link SyncClientIT#theDocsExampleRuns}).
 * A change to one is a change to the other.
 */
final class DocsExample {
  private DocsExample() {}

  /** The first complete result of the example's query, one "id name" line per row. */
  static List<String> run(URI uri) throws Exception {
    ClientSchema schema = ClientSchema.parse("""
        {"tables": {"items": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"},
                                          "status": {"type": "text"}, "rank": {"type": "int4"}},
                              "primaryKey": ["id"]}}}""").orElseThrow();

    CompletableFuture<List<String>> firstAnswer = new CompletableFuture<>();
    try (SyncClient client = SyncClient.builder()
        .uri(uri)                                   // ws://HOST:PORT/sync/v1
        .clientGroupID("g-7f3a")                    // e.g. one per browser profile or service instance
        .clientID("tab-1")
        .schema(schema)
        .onError(e -> System.err.println("sync: " + e))
        .build()) {

      LiveQuery open = client.subscribe("open-items", """
          {"table": "items", "where": {"type": "cmp", "column": "status", "op": "=", "value": "open"},
           "orderBy": [["rank", "desc"]], "limit": 10}""");

      // Called at once with the current result, then after every poke that changes it, on the client's thread.
      open.onChange(result -> {
        if (result.status() == QueryResult.Status.COMPLETE) {
          firstAnswer.complete(result.rows().stream()
              .map(row -> row.get("id") + " " + row.get("name"))   // storage values: Long, String, …
              .toList());
        }
      });

      return firstAnswer.get(30, TimeUnit.SECONDS);
    } // close(): the socket closes, the client's thread stops
  }
}
