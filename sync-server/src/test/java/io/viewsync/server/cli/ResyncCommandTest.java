package io.viewsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.replica.ResyncResult;
import io.viewsync.server.http.HttpServer;
import io.viewsync.server.http.HttpServerInitializer;
import io.viewsync.server.http.StatusProvider;
import io.viewsync.server.http.TableResyncer;
import io.viewsync.server.http.TableResyncer.Answer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code viewsync resync} against a real {@link HttpServer} on a free port, with a resyncer the test controls. */
class ResyncCommandTest {

  private static final String TOKEN = "t0psecret-token";

  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<String> requested = new CopyOnWriteArrayList<>();
  private final TableResyncer resyncer = table -> {
    requested.add(table);
    return answers.getOrDefault(table, Answer.of(ResyncResult.UNKNOWN_TABLE));
  };
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private HttpServer server;

  private static final StatusProvider STATUS = io.viewsync.server.http.EmbeddedStatus.READY;


  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private String start(Optional<String> adminToken) throws Exception {
    server = new HttpServer("127.0.0.1", 0, new HttpServerInitializer(STATUS, resyncer, adminToken));
    server.start();
    return "http://127.0.0.1:" + server.port();
  }

  private int run(Map<String, String> env, String... args) {
    return Main.run(args, env, config -> {
      throw new AssertionError("resync must not start a service");
    }, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void anAcceptedResyncPrintsOneLineAndExitsZero() throws Exception {
    answers.put("app.orders", Answer.of(ResyncResult.ACCEPTED));
    String url = start(Optional.of(TOKEN));

    int code = run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--url", url, "app.orders");

    assertThat(code).isZero();
    assertThat(out.toString()).startsWith("resync of app.orders accepted").hasLineCount(1);
    assertThat(err.toString()).isEmpty();
    assertThat(requested).containsExactly("app.orders");
  }

  @Test
  void aResyncAlreadyRunningAlsoExitsZero() throws Exception {
    answers.put("issues", Answer.of(ResyncResult.ALREADY_RUNNING));
    String url = start(Optional.of(TOKEN));

    int code = run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--url", url + "/", "issues");

    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo("a resync of issues is already running; nothing new started\n");
  }

  @Test
  void aNameWithOddCharactersReachesTheServiceUnchanged() throws Exception {
    String odd = "crm.\"Odd/Name\" é+%";
    answers.put(odd, Answer.of(ResyncResult.ACCEPTED));
    String url = start(Optional.of(TOKEN));

    assertThat(run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--url", url, odd)).isZero();
    assertThat(requested).containsExactly(odd);
  }

  @Test
  void anUnknownTableIsRefusedWithTheServicesMessage() throws Exception {
    String url = start(Optional.of(TOKEN));

    int code = run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--url", url, "nope");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("viewsync: resync of nope refused: the replica has no table nope")
        .hasLineCount(1);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anUnsyncableTableIsRefusedWithTheReason() throws Exception {
    answers.put("keyless", new Answer(ResyncResult.UNSYNCABLE, "no row key: add a primary key"));
    String url = start(Optional.of(TOKEN));

    assertThat(run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--url", url, "keyless")).isEqualTo(1);
    assertThat(err.toString()).contains("refused: ").contains("no row key: add a primary key");
  }

  @Test
  void aServiceThatIsNotStreamingRefusesForNow() throws Exception {
    answers.put("issues", new Answer(ResyncResult.NOT_STREAMING, "replication is copying"));
    String url = start(Optional.of(TOKEN));

    assertThat(run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--url", url, "issues")).isEqualTo(1);
    assertThat(err.toString()).contains("try again later").contains("replication is copying");
  }

  @Test
  void theTokenComesFromTheEnvironmentAndIsNeverPrinted() throws Exception {
    answers.put("issues", Answer.of(ResyncResult.ACCEPTED));
    String url = start(Optional.of(TOKEN));

    assertThat(run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--url", url, "issues")).isZero();
    assertThat(run(Map.of("VIEWSYNC_ADMIN_TOKEN", "wrong-" + TOKEN), "resync", "--url", url, "issues"))
        .isEqualTo(1);
    assertThat(run(Map.of(), "resync", "--url", url, "issues")).isEqualTo(1);

    assertThat(requested).containsExactly("issues");
    assertThat(err.toString()).contains("Authorization: Bearer").contains("VIEWSYNC_ADMIN_TOKEN");
    assertThat(out + err.toString()).doesNotContain(TOKEN);
  }

  @Test
  void theFlagTokenBeatsTheEnvironment() throws Exception {
    answers.put("issues", Answer.of(ResyncResult.ACCEPTED));
    String url = start(Optional.of(TOKEN));

    assertThat(run(Map.of("VIEWSYNC_ADMIN_TOKEN", "stale"), "resync", "--url", url, "--admin-token", TOKEN,
        "issues")).isZero();
  }

  @Test
  void withoutUrlThePortComesFromViewsyncPort() throws Exception {
    answers.put("issues", Answer.of(ResyncResult.ACCEPTED));
    start(Optional.of(TOKEN));

    int code = run(Map.of("VIEWSYNC_PORT", String.valueOf(server.port()), "VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "issues");

    assertThat(code).isZero();
    assertThat(requested).containsExactly("issues");
  }

  @Test
  void viewsyncUrlInTheEnvironmentIsTheUrl() throws Exception {
    answers.put("issues", Answer.of(ResyncResult.ACCEPTED));
    String url = start(Optional.of(TOKEN));

    assertThat(run(Map.of("VIEWSYNC_URL", url, "VIEWSYNC_PORT", "1", "VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "issues")).isZero();
  }

  @Test
  void anUnreachableServiceExitsThreeNamingTheUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }

    int code = run(Map.of("VIEWSYNC_PORT", String.valueOf(port)), "resync", "issues");

    assertThat(code).isEqualTo(3);
    assertThat(err.toString()).startsWith("viewsync: cannot reach the service at http://127.0.0.1:" + port)
        .contains("may not be running").hasLineCount(1);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aServerErrorIsRefusedWithTheStatus() throws Exception {
    server = new HttpServer("127.0.0.1", 0, new HttpServerInitializer(STATUS, table -> {
      throw new UnsupportedOperationException("not yet");
    }, Optional.of(TOKEN)));
    server.start();

    int code = run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--url", "http://127.0.0.1:" + server.port(), "issues");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 500").contains("internal error");
  }

  @Test
  void aUrlWithoutTheEndpointIsExplained() throws Exception {
    String url = start(Optional.of(TOKEN));

    assertThat(run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--url", url + "/prefix", "issues")).isEqualTo(1);
    assertThat(err.toString()).contains("no resync endpoint at " + url + "/prefix");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run(Map.of(), "resync")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter: 'TABLE'");

    assertThat(run(Map.of(), "resync", " ")).isEqualTo(2);
    assertThat(run(Map.of(), "resync", "--url", "ftp://x", "issues")).isEqualTo(2);
    assertThat(err.toString()).contains("--url (env VIEWSYNC_URL) must be an http:// or https:// URL");
    assertThat(run(Map.of("VIEWSYNC_PORT", "0"), "resync", "issues")).isEqualTo(2);
    assertThat(err.toString()).contains("give the service's URL with --url");
    assertThat(run(Map.of("VIEWSYNC_PORT", "http"), "resync", "issues")).isEqualTo(2);
    assertThat(err.toString()).contains("Try 'viewsync resync --help'");
  }

  @Test
  void helpListsTheExitCodesAndNeverShowsTheToken() {
    assertThat(run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--help")).isZero();

    assertThat(out.toString()).contains("--url=URL").contains("Env VIEWSYNC_URL").contains("--admin-token=TOKEN")
        .contains("Exit codes:").contains("3   the service cannot be reached").doesNotContain(TOKEN);
  }

  @Test
  void aServiceWithoutAnAdminTokenRefusesAndSaysHowToEnableIt() throws Exception {
    String url = start(Optional.empty());

    assertThat(run(Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), "resync", "--url", url, "issues")).isEqualTo(1);
    assertThat(err.toString()).contains("admin endpoints are disabled").contains("VIEWSYNC_ADMIN_TOKEN");
    assertThat(requested).isEmpty();
  }
}
