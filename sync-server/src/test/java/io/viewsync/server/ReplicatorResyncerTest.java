package io.viewsync.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.replica.ReplicatorStatus;
import io.viewsync.replica.ResyncResult;
import io.viewsync.server.http.TableResyncer.Answer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicatorResyncerTest {

  private final List<String> asked = new ArrayList<>();

  private ReplicatorResyncer answering(ResyncResult result, ReplicatorStatus status) {
    return new ReplicatorResyncer(name -> {
      asked.add(name);
      return result;
    }, () -> status);
  }

  private static ReplicatorStatus status(String phase, String lastError, ReplicatorStatus.Table... tables) {
    return new ReplicatorStatus(phase, "0/10", "0/10", 0, 1, null, null, "viewsync", "viewsync", lastError,
        List.of(tables));
  }

  @Test
  void anAcceptedRequestPassesTheReplicaNameThrough() {
    Answer answer = answering(ResyncResult.ACCEPTED, status("streaming", null)).requestResync("app.orders");

    assertThat(answer).isEqualTo(Answer.of(ResyncResult.ACCEPTED));
    assertThat(asked).containsExactly("app.orders");
  }

  @Test
  void thePublicSchemaPrefixIsDroppedAsTheReplicaNamesTables() {
    answering(ResyncResult.ACCEPTED, status("streaming", null)).requestResync("public.issues");

    assertThat(asked).containsExactly("issues");
    assertThat(ReplicatorResyncer.replicaName("public.")).isEqualTo("public.");
  }

  @Test
  void anUnsyncableTableGetsItsReasonFromStatus() {
    ReplicatorStatus s = status("streaming", null,
        new ReplicatorStatus.Table("issues", "syncing", null, 1, -1),
        new ReplicatorStatus.Table("keyless", "unsyncable", "no row key: add a primary key", 0, -1));

    Answer answer = answering(ResyncResult.UNSYNCABLE, s).requestResync("keyless");

    assertThat(answer).isEqualTo(new Answer(ResyncResult.UNSYNCABLE, "no row key: add a primary key"));
  }

  @Test
  void notStreamingSaysWhatReplicationIsDoing() {
    Answer answer = answering(ResyncResult.NOT_STREAMING, status("reconnecting", "connection refused"))
        .requestResync("issues");

    assertThat(answer.reason()).isEqualTo("replication is reconnecting: connection refused");
  }
}
