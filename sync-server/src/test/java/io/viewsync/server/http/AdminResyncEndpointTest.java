package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.viewsync.replica.ResyncResult;
import io.viewsync.server.http.TableResyncer.Answer;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /admin/tables/{name}/resync} through the real pipeline, with a resyncer whose answers tests set. */
class AdminResyncEndpointTest {

  private final EmbeddedHttp.FakeResyncer resyncer = new EmbeddedHttp.FakeResyncer();
  private final EmbeddedHttp http = EmbeddedHttp.admin(new EmbeddedHttp.FakeStatus(), resyncer);

  @AfterEach
  void closeChannel() {
    http.close();
  }

  private EmbeddedHttp.Response post(String table) {
    return http.send(EmbeddedHttp.request(HttpMethod.POST, "/admin/tables/" + table + "/resync"));
  }

  @Test
  void anAcceptedResyncIs202WithTheTable() {
    resyncer.answers.put("app.orders", Answer.of(ResyncResult.ACCEPTED));

    EmbeddedHttp.Response r = post("app.orders");

    assertThat(r.status()).isEqualTo(202);
    assertThat(r.body()).isEqualTo("{\"table\":\"app.orders\",\"result\":\"accepted\"}");
    assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
    assertThat(resyncer.requested).containsExactly("app.orders");
  }

  @Test
  void aResyncAlreadyRunningIs200AndSaysSo() {
    resyncer.answers.put("issues", Answer.of(ResyncResult.ALREADY_RUNNING));

    EmbeddedHttp.Response r = post("issues");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("result").asText()).isEqualTo("already-running");
    assertThat(r.json().get("table").asText()).isEqualTo("issues");
  }

  @Test
  void anUnknownTableIs404NamingIt() {
    EmbeddedHttp.Response r = post("nope");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).isEqualTo("not_found");
    assertThat(r.json().get("result").asText()).isEqualTo("unknown-table");
    assertThat(r.json().get("table").asText()).isEqualTo("nope");
    assertThat(r.json().get("message").asText()).contains("no table nope");
  }

  @Test
  void anUnsyncableTableIs409WithTheReason() {
    resyncer.answers.put("keyless", new Answer(ResyncResult.UNSYNCABLE, "no primary key or replica identity"));

    EmbeddedHttp.Response r = post("keyless");

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("error").asText()).isEqualTo("conflict");
    assertThat(r.json().get("result").asText()).isEqualTo("unsyncable");
    assertThat(r.json().get("message").asText()).contains("keyless").endsWith("no primary key or replica identity");
  }

  @Test
  void anUnsyncableTableWithoutAReasonPointsAtStatus() {
    resyncer.answers.put("keyless", Answer.of(ResyncResult.UNSYNCABLE));

    assertThat(post("keyless").json().get("message").asText()).contains("/admin/status");
  }

  @Test
  void aReplicatorThatIsNotStreamingIs503() {
    resyncer.answers.put("issues", new Answer(ResyncResult.NOT_STREAMING, "replication is copying"));

    EmbeddedHttp.Response r = post("issues");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().get("error").asText()).isEqualTo("unavailable");
    assertThat(r.json().get("result").asText()).isEqualTo("not-streaming");
    assertThat(r.json().get("message").asText()).contains("try again later").contains("replication is copying");
  }

  @Test
  void theTableNameIsPercentDecoded() {
    resyncer.answers.put("crm.\"Odd/Name\" é", Answer.of(ResyncResult.ACCEPTED));

    EmbeddedHttp.Response r = post("crm.%22Odd%2FName%22%20%C3%A9");

    assertThat(r.status()).isEqualTo(202);
    assertThat(r.json().get("table").asText()).isEqualTo("crm.\"Odd/Name\" é");
  }

  @Test
  void anEmptyNameIs404AndNeverReachesTheResyncer() {
    assertThat(post("").status()).isEqualTo(404);
    assertThat(resyncer.requested).isEmpty();
  }

  @Test
  void getIs405AllowingPost() {
    EmbeddedHttp.Response r = http.get("/admin/tables/issues/resync");

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header(HttpHeaderNames.ALLOW)).isEqualTo("POST");
    assertThat(resyncer.requested).isEmpty();
  }

  @Test
  void aResyncerThatThrowsGivesA500AndKeepsTheConnection() {
    TableResyncer broken = table -> {
      throw new UnsupportedOperationException("not yet");
    };
    try (EmbeddedHttp h = EmbeddedHttp.admin(new EmbeddedHttp.FakeStatus(), broken)) {
      EmbeddedHttp.Response r = h.send(EmbeddedHttp.request(HttpMethod.POST, "/admin/tables/issues/resync"));

      assertThat(r.status()).isEqualTo(500);
      assertThat(r.json().get("error").asText()).isEqualTo("internal");
      assertThat(h.channel.isOpen()).isTrue();
    }
  }

  @Test
  void resyncNeedsTheAdminTokenWhenOneIsConfigured() {
    resyncer.answers.put("issues", Answer.of(ResyncResult.ACCEPTED));
    try (EmbeddedHttp guarded = new EmbeddedHttp(new EmbeddedHttp.FakeStatus(), resyncer, Optional.of("t0ken"))) {
      FullHttpRequest withToken = EmbeddedHttp.request(HttpMethod.POST, "/admin/tables/issues/resync");
      withToken.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer t0ken");

      assertThat(guarded.send(EmbeddedHttp.request(HttpMethod.POST, "/admin/tables/issues/resync")).status())
          .isEqualTo(401);
      assertThat(resyncer.requested).isEmpty();
      assertThat(guarded.send(withToken).status()).isEqualTo(202);
      assertThat(resyncer.requested).containsExactly("issues");
    }
  }

  @Test
  void everyResultHasAWireName() {
    for (ResyncResult result : ResyncResult.values()) {
      assertThat(AdminResyncEndpoint.wireName(result)).matches("[a-z]+(-[a-z]+)*");
    }
  }
}
