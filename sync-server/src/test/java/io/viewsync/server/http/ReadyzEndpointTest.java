package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadyzEndpointTest {

  private final EmbeddedHttp.FakeStatus status = new EmbeddedHttp.FakeStatus();

  @Test
  void aCaughtUpReplicaIsReady() {
    status.ready = true;
    try (EmbeddedHttp http = new EmbeddedHttp(status, Optional.empty())) {
      EmbeddedHttp.Response r = http.get("/readyz");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"ready\":true}");
    }
  }

  @Test
  void aLaggingReplicaIs503WithTheReason() {
    status.ready = false;
    status.reason = "replica is 40 MiB behind (limit 16 MiB)";
    try (EmbeddedHttp http = new EmbeddedHttp(status, Optional.empty())) {
      EmbeddedHttp.Response r = http.get("/readyz");

      assertThat(r.status()).isEqualTo(503);
      assertThat(r.body()).isEqualTo("{\"ready\":false,\"reason\":\"replica is 40 MiB behind (limit 16 MiB)\"}");
    }
  }

  @Test
  void aMissingReasonStillGivesAReason() {
    status.ready = false;
    status.reason = null;
    try (EmbeddedHttp http = new EmbeddedHttp(status, Optional.empty())) {
      assertThat(http.get("/readyz").json().get("reason").asText()).isEqualTo("not ready");
    }
  }
}
