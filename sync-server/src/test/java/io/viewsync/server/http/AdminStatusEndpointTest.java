package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewsync.replica.ReplicatorStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminStatusEndpointTest {

  record Table(String name, String state, String reason, long rows) {}

  record Status(String watermark, long lagBytes, long schemaVersion, List<Table> tables) {}

  @Test
  void statusIsTheProvidersSnapshotAsJson() {
    EmbeddedHttp.FakeStatus status = new EmbeddedHttp.FakeStatus();
    status.status = new Status("16/B374D848", 1024, 7,
        List.of(new Table("issues", "syncing", null, 1200), new Table("crm.accounts", "quarantined", "bad row", 3)));
    try (EmbeddedHttp http = EmbeddedHttp.admin(status)) {
      EmbeddedHttp.Response r = http.get("/admin/status");

      assertThat(r.status()).isEqualTo(200);
      JsonNode json = r.json();
      assertThat(json.get("watermark").asText()).isEqualTo("16/B374D848");
      assertThat(json.get("lagBytes").asLong()).isEqualTo(1024);
      assertThat(json.get("schemaVersion").asLong()).isEqualTo(7);
      assertThat(json.get("tables")).hasSize(2);
      assertThat(json.get("tables").get(1).get("state").asText()).isEqualTo("quarantined");
      assertThat(json.get("tables").get(1).get("reason").asText()).isEqualTo("bad row");
      assertThat(json.get("tables").get(0).get("rows").asLong()).isEqualTo(1200);
    }
  }

  @Test
  void aProviderThatThrowsGivesA500AndKeepsTheConnection() {
    StatusProvider broken = new EmbeddedHttp.FakeStatus() {
      @Override
      public Object status() {
        throw new IllegalStateException("boom");
      }
    };
    try (EmbeddedHttp http = EmbeddedHttp.admin(broken)) {
      EmbeddedHttp.Response r = http.get("/admin/status");

      assertThat(r.status()).isEqualTo(500);
      assertThat(r.json().get("error").asText()).isEqualTo("internal");
      assertThat(r.body()).doesNotContain("boom");
      assertThat(http.channel.isOpen()).isTrue();
    }
  }

  @Test
  void theReplicatorsStatusShowsSchemaVersionFingerprintAndDdlMode() {
    EmbeddedHttp.FakeStatus status = new EmbeddedHttp.FakeStatus();
    status.status = new ReplicatorStatus("streaming", "0/1A2B3C", "0/1A2B00", 0, 4, "9f2c1e", "track", "viewsync",
        "viewsync", null, List.of(new ReplicatorStatus.Table("issues", "resyncing", null, 10, 500)));
    try (EmbeddedHttp http = EmbeddedHttp.admin(status)) {
      JsonNode json = http.get("/admin/status").json();

      assertThat(json.get("schemaVersion").asLong()).isEqualTo(4);
      assertThat(json.get("schemaFingerprint").asText()).isEqualTo("9f2c1e");
      assertThat(json.get("ddlMode").asText()).isEqualTo("track");
      assertThat(json.get("tables").get(0).get("state").asText()).isEqualTo("resyncing");
      assertThat(json.get("tables").get(0).get("estimate").asLong()).isEqualTo(500);
    }
  }

  @Test
  void unknownStatusFieldsAreJsonNullNotMissing() {
    EmbeddedHttp.FakeStatus status = new EmbeddedHttp.FakeStatus();
    status.status = new ReplicatorStatus("starting", null, null, -1, 0, null, null, "viewsync", "viewsync", null,
        List.of());
    try (EmbeddedHttp http = EmbeddedHttp.admin(status)) {
      JsonNode json = http.get("/admin/status").json();

      for (String field : List.of("watermark", "schemaFingerprint", "ddlMode", "lastError")) {
        assertThat(json.has(field)).as(field).isTrue();
        assertThat(json.get(field).isNull()).as(field).isTrue();
      }
      assertThat(json.get("schemaVersion").asLong()).isZero();
    }
  }
}
