package io.viewsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theStatusReadsAsASummaryAndATableOfTables() throws Exception {
    String text = StatusCommand.render(JSON.readTree("""
        {"phase": "streaming", "watermark": "0/1A2B3C", "confirmedLsn": "0/1A2B00", "lagBytes": 2048,
         "schemaVersion": 4, "schemaFingerprint": "9f2c1e0123456789abcdef", "ddlMode": "event-triggers",
         "slot": "viewsync", "publication": "viewsync", "lastError": null, "lagSeconds": 0.25,
         "slotWalStatus": "reserved", "slotRetainedBytes": 3145728,
         "sync": {"clients": 12, "degradedClients": 2, "groups": 10, "queries": 30, "pipelines": 7},
         "tables": [
           {"name": "issue", "state": "syncing", "reason": null, "rows": 1500, "estimate": -1},
           {"name": "comment", "state": "copying", "reason": null, "rows": 250, "estimate": 1000},
           {"name": "audit.log", "state": "unsyncable", "reason": "no primary key", "rows": 0, "estimate": -1}]}"""));
    assertThat(text).contains("phase        streaming\n")
        .contains("lag          2.0 KiB, 0.25 s\n")
        .contains("slot         viewsync  wal_status reserved, retains 3.0 MiB\n")
        .contains("schema       version 4  fingerprint 9f2c1e012345…\n")
        .contains("clients      12 connected (2 degraded) in 10 groups; 30 queries on 7 pipelines\n");
    assertThat(text.lines().filter(l -> l.startsWith("TABLE"))).singleElement().asString()
        .matches("TABLE +STATE +ROWS +PROGRESS +REASON");
    assertThat(text).containsPattern("comment +copying +250 +25% of ~1,000\n")
        .containsPattern("audit\\.log +unsyncable +0 +no primary key\n")
        .containsPattern("issue +syncing +1,500\n");
  }

  @Test
  void fieldsNotKnownYetShowAsDashesAndUnknown() throws Exception {
    String text = StatusCommand.render(JSON.readTree("""
        {"phase": "starting", "watermark": null, "lagBytes": -1, "lagSeconds": -1, "slotRetainedBytes": -1,
         "lastError": "connection refused", "tables": []}"""));
    assertThat(text).contains("phase        starting  (last error: connection refused)\n")
        .contains("watermark    -  confirmed -\n").contains("lag          unknown, unknown\n")
        .contains("(no tables)").doesNotContain("clients");
  }

  @Test
  void sizesAreInBinaryUnits() {
    assertThat(StatusCommand.bytes(0)).isEqualTo("0 B");
    assertThat(StatusCommand.bytes(1023)).isEqualTo("1023 B");
    assertThat(StatusCommand.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(StatusCommand.bytes(5L << 30)).isEqualTo("5.0 GiB");
    assertThat(StatusCommand.bytes(-1)).isEqualTo("unknown");
  }
}
