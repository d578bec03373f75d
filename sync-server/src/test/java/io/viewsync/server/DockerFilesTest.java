package io.viewsync.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.viewsync.server.config.ListenOptions;
import io.viewsync.server.config.ServeOptions;
import io.viewsync.server.metrics.ServiceMetrics;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The deployment files in {@code docker/} against the code, because Docker cannot run where the tests run: the
 * files are parsed (YAML and JSON with Jackson, the Dockerfile line by line) and compared with what the server
 * reads (its environment variables and default port, by reflection), exports (the metrics of
 * docs/operations.md and Micrometer's) and serves (the endpoints of docs/operations.md); Prometheus' own
 * {@code promtool} judges the Prometheus files and the dashboard's queries.
 */
class DockerFilesTest {
  private static final Path REPO = Path.of("..");
  private static final Path DOCKER = REPO.resolve("docker");
  private static final Path DOCKERFILE = DOCKER.resolve("Dockerfile");
  private static final Path COMPOSE = DOCKER.resolve("compose.yaml");
  private static final Path PROMETHEUS = DOCKER.resolve("prometheus.yml");
  private static final Path ALERTS = DOCKER.resolve("alerts.yml");
  private static final Path GRAFANA_DATASOURCES = DOCKER.resolve("grafana/provisioning/datasources/prometheus.yaml");
  private static final Path GRAFANA_DASHBOARDS = DOCKER.resolve("grafana/provisioning/dashboards/viewsync.yaml");
  private static final Path DASHBOARD = DOCKER.resolve("grafana/dashboards/viewsync.json");
  private static final Path OPERATIONS = REPO.resolve("docs/operations.md");
  private static final Path SERVER_POM = REPO.resolve("sync-server/pom.xml");
  private static final Path LOGBACK = REPO.resolve("sync-server/src/main/resources/logback.xml");

  /** The compose service that runs viewsync, and the host name Prometheus scrapes it at. */
  private static final String SERVICE = "viewsync";
  private static final String PORT_ENV = "VIEWSYNC_PORT";
  private static final String BIND_ENV = "VIEWSYNC_BIND";
  private static final String REPLICA_DIR_ENV = "VIEWSYNC_REPLICA_DIR";
  private static final String UPSTREAM_ENV = "VIEWSYNC_UPSTREAM_URL";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern METRIC = Pattern.compile("\\b(?:viewsync|jvm|process|system)_[a-z0-9_]+");
  private static final Pattern VIEWSYNC_SELECTOR = Pattern.compile("\\b(viewsync_[a-z0-9_]+)\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
  private static final Pattern TEMPLATE_LABEL =
      Pattern.compile("\\{\\{\\s*(?:\\$labels\\.)?([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}|\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");
  private static final Pattern OPERATIONS_LINK = Pattern.compile("docs/operations\\.md#([a-z0-9_-]+)");
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  /** Labels every scraped series has (Prometheus adds them). */
  private static final Set<String> TARGET_LABELS = Set.of("instance", "job");

  // --- environment ---------------------------------------------------------------------------------------------

  @Test
  void everyViewsyncVariableTheFilesSetIsOneTheServerReads() throws Exception {
    Set<String> known = variablesTheServerReads();
    Map<String, String> used = new LinkedHashMap<>();
    compose().path("services").properties().forEach(service ->
        environment(service.getValue()).keySet().stream().filter(k -> k.startsWith("VIEWSYNC_"))
            .forEach(k -> used.put(k, "compose.yaml, service " + service.getKey())));
    // ${VIEWSYNC_X:-default} in compose.yaml reads the host's variable: a typo would silently give the default.
    Matcher m = Pattern.compile("\\$\\{(VIEWSYNC_[A-Z0-9_]+)").matcher(Files.readString(COMPOSE));
    while (m.find()) {
      used.put(m.group(1), "compose.yaml, interpolated");
    }
    dockerfile().finalStage().env().keySet().stream().filter(k -> k.startsWith("VIEWSYNC_"))
        .forEach(k -> used.put(k, "Dockerfile, ENV"));

    assertThat(used).as("the VIEWSYNC_* variables of compose.yaml and the Dockerfile").isNotEmpty();
    used.forEach((name, where) ->
        assertThat(known).as("%s (%s) is a variable viewsync reads (ServeOptions.ENV_*, logback.xml)", name, where)
            .contains(name));
    // The image has no PostgreSQL binaries: without an upstream, serve would try to start an embedded one.
    assertThat(environment(viewsyncService())).as("compose.yaml gives viewsync an upstream").containsKey(UPSTREAM_ENV);
  }

  // --- ports and endpoints -------------------------------------------------------------------------------------

  @Test
  void thePublishedExposedHealthCheckedAndScrapedPortIsTheOneTheServerListensOn() throws Exception {
    Dockerfile.Stage image = dockerfile().finalStage();
    Map<String, String> composeEnv = environment(viewsyncService());
    String defaultPort = ListenOptions.class.getDeclaredField("port").getAnnotation(CommandLine.Option.class)
        .defaultValue();
    int port = Integer.parseInt(Optional.ofNullable(composeEnv.get(PORT_ENV))
        .or(() -> Optional.ofNullable(image.env().get(PORT_ENV))).orElse(defaultPort));
    assertThat(port).as("the port viewsync listens on in the container (VIEWSYNC_PORT, else --port's default %s)",
        defaultPort).isPositive();

    if (image.env().containsKey(PORT_ENV)) {
      assertThat(Integer.parseInt(image.env().get(PORT_ENV))).as("Dockerfile ENV VIEWSYNC_PORT").isEqualTo(port);
    }
    List<Integer> exposed = image.all("EXPOSE").stream().flatMap(e -> words(e).stream())
        .map(p -> Integer.parseInt(p.replaceFirst("/(tcp|udp)$", ""))).toList();
    assertThat(exposed).as("Dockerfile EXPOSE").containsExactly(port);
    assertThat(healthCheckPort(image)).as("the port the Dockerfile HEALTHCHECK requests").isEqualTo(port);

    List<Integer> published = containerPorts(viewsyncService());
    assertThat(published).as("the container ports compose.yaml publishes for viewsync").containsExactly(port);

    List<Integer> scraped = new ArrayList<>();
    for (JsonNode job : prometheus().path("scrape_configs")) {
      for (JsonNode sc : job.path("static_configs")) {
        for (JsonNode target : sc.path("targets")) {
          String[] hostPort = target.asText().split(":");
          if (hostPort[0].equals(SERVICE)) {
            scraped.add(Integer.parseInt(hostPort[1]));
          }
        }
      }
    }
    assertThat(scraped).as("prometheus.yml's targets at host %s", SERVICE).isNotEmpty().containsOnly(port);

    // Listening on the default 127.0.0.1 a container cannot be reached from outside.
    String bind = Optional.ofNullable(composeEnv.get(BIND_ENV)).or(() -> Optional.ofNullable(image.env()
        .get(BIND_ENV))).orElse(ListenOptions.class.getDeclaredField("bind").getAnnotation(CommandLine.Option.class)
        .defaultValue());
    assertThat(bind).as("VIEWSYNC_BIND in the container").isIn("0.0.0.0", "::");
  }

  @Test
  void theHealthCheckAndTheScrapeRequestEndpointsTheServerServes() throws Exception {
    Set<String> endpoints = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `GET (/[^` ]*)`").matcher(Files.readString(OPERATIONS));
    while (m.find()) {
      endpoints.add(m.group(1));
    }
    assertThat(endpoints).as("GET endpoints in docs/operations.md").contains("/readyz", "/metrics");

    String health = String.join(" ", dockerfile().finalStage().all("HEALTHCHECK"));
    Matcher path = Pattern.compile("GET (/\\S*) HTTP|https?://[^/\\s'\"]+(/[^\\s'\"]*)").matcher(health);
    assertThat(path.find()).as("the HEALTHCHECK names a path: %s", health).isTrue();
    assertThat(path.group(1) != null ? path.group(1) : path.group(2)).as("the path the HEALTHCHECK requests")
        .isEqualTo("/readyz");

    for (JsonNode job : prometheus().path("scrape_configs")) {
      assertThat(job.path("metrics_path").asText("/metrics")).as("metrics_path of job %s", job.path("job_name"))
          .isIn(endpoints).isEqualTo("/metrics");
    }
  }

  // --- the image -----------------------------------------------------------------------------------------------

  @Test
  void theImageBuildsTheServerJarAndRunsItsServeCommandAsAnUnprivilegedUser() throws Exception {
    Dockerfile df = dockerfile();
    assertThat(df.stages()).as("a build stage and a runtime stage").hasSizeGreaterThanOrEqualTo(2);
    String jarCopy = null;
    for (Dockerfile.Stage stage : df.stages()) {
      for (String copy : stage.all("COPY")) {
        List<String> args = new ArrayList<>(words(copy));
        boolean fromStage = args.stream().anyMatch(a -> a.startsWith("--from="));
        args.removeIf(a -> a.startsWith("--"));
        List<String> sources = args.subList(0, args.size() - 1);
        if (fromStage) {
          jarCopy = copy;
          continue;
        }
        for (String source : sources) {
          assertThat(REPO.resolve(source)).as("COPY %s: the build context is the repository root", source).exists();
        }
      }
    }
    assertThat(jarCopy).as("the runtime stage copies the jar from the build stage").isNotNull();
    List<String> jarArgs = new ArrayList<>(words(jarCopy));
    jarArgs.removeIf(a -> a.startsWith("--"));
    Matcher outputFile = Pattern.compile("<outputFile>\\$\\{project\\.build\\.directory}/([^<]+)</outputFile>")
        .matcher(Files.readString(SERVER_POM));
    assertThat(outputFile.find()).as("sync-server/pom.xml names the shaded jar (<outputFile>)").isTrue();
    assertThat(jarArgs.get(0)).as("the jar the build stage makes").endsWith("/sync-server/target/" + outputFile.group(1));
    assertThat(String.join(" ", df.stages().get(0).all("RUN"))).as("the build stage builds sync-server")
        .contains("-pl sync-server").contains("-am").contains("package");

    Dockerfile.Stage image = df.finalStage();
    List<String> entrypoint = execForm(image.last("ENTRYPOINT"));
    assertThat(entrypoint).as("ENTRYPOINT runs the copied jar").containsSequence("-jar", jarArgs.get(1));
    String serve = Class.forName("io.viewsync.server.cli.ServeCommand").getAnnotation(CommandLine.Command.class)
        .name();
    assertThat(execForm(image.last("CMD"))).as("CMD is the serve command").containsExactly(serve);
    assertThat(image.last("USER")).as("USER of the image").isNotNull().doesNotMatch("(root|0)(:.*)?");

    String replicaDir = image.env().get(REPLICA_DIR_ENV);
    assertThat(replicaDir).as("Dockerfile ENV VIEWSYNC_REPLICA_DIR").isNotBlank();
    assertThat(image.all("VOLUME").stream().flatMap(v -> execFormOrWords(v).stream()))
        .as("the replica directory is a VOLUME of the image").contains(replicaDir);
    String composeReplicaDir = environment(viewsyncService()).getOrDefault(REPLICA_DIR_ENV, replicaDir);
    assertThat(mounts(viewsyncService())).as("compose.yaml mounts a volume at the replica directory")
        .anyMatch(mount -> mount.target().equals(composeReplicaDir) && !mount.isHostPath());
  }

  // --- compose mounts ------------------------------------------------------------------------------------------

  @Test
  void everyFileComposeBuildsOrMountsExistsAndLandsWhereItsReaderLooks() throws Exception {
    JsonNode viewsync = viewsyncService();
    Path context = DOCKER.resolve(viewsync.path("build").path("context").asText());
    assertThat(context.resolve(viewsync.path("build").path("dockerfile").asText()).normalize())
        .as("viewsync's build context and dockerfile").isEqualTo(DOCKERFILE.normalize());

    compose().path("services").properties().forEach(service -> {
      for (Mount mount : mounts(service.getValue())) {
        if (mount.isHostPath()) {
          assertThat(DOCKER.resolve(mount.source())).as("%s mounts %s", service.getKey(), mount.source()).exists();
        }
      }
    });

    // Prometheus reads /etc/prometheus/prometheus.yml and resolves rule_files next to it.
    JsonNode prometheus = compose().path("services").path("prometheus");
    String config = configFileFlag(prometheus, "--config.file").orElse("/etc/prometheus/prometheus.yml");
    Mount configMount = mountOf(prometheus, "prometheus.yml");
    assertThat(configMount.target()).as("where prometheus.yml is mounted").isEqualTo(config);
    String configDir = config.substring(0, config.lastIndexOf('/'));
    for (JsonNode ruleFile : prometheus().path("rule_files")) {
      String rule = ruleFile.asText();
      assertThat(DOCKER.resolve(rule)).as("rule file %s next to prometheus.yml", rule).exists();
      String inContainer = rule.startsWith("/") ? rule : configDir + "/" + rule;
      assertThat(mountOf(prometheus, Path.of(rule).getFileName().toString()).target())
          .as("where %s is mounted in the prometheus container", rule).isEqualTo(inContainer);
    }
    assertThat(prometheus().path("rule_files")).as("prometheus.yml loads alerts.yml")
        .anyMatch(r -> r.asText().endsWith("alerts.yml"));
  }

  @Test
  void grafanaFindsTheProvisionedDatasourceAndDashboard() throws Exception {
    JsonNode grafana = compose().path("services").path("grafana");
    assertThat(mountOf(grafana, "grafana/provisioning").target()).isEqualTo("/etc/grafana/provisioning");
    String dashboardsDir = mountOf(grafana, "grafana/dashboards").target();
    JsonNode providers = YAML.readTree(GRAFANA_DASHBOARDS.toFile()).path("providers");
    assertThat(providers).as("dashboard providers").isNotEmpty();
    for (JsonNode provider : providers) {
      assertThat(provider.path("options").path("path").asText()).as("the provider's path is where compose mounts"
          + " grafana/dashboards").isEqualTo(dashboardsDir);
    }
    String home = environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
    if (home != null) {
      assertThat(home).startsWith(dashboardsDir + "/");
      assertThat(DOCKER.resolve("grafana/dashboards").resolve(home.substring(dashboardsDir.length() + 1)))
          .as("the home dashboard").exists();
    }

    JsonNode datasources = YAML.readTree(GRAFANA_DATASOURCES.toFile()).path("datasources");
    assertThat(datasources).hasSize(1);
    JsonNode ds = datasources.get(0);
    assertThat(ds.path("type").asText()).isEqualTo("prometheus");
    Matcher url = Pattern.compile("http://([^:/]+):(\\d+)/?").matcher(ds.path("url").asText());
    assertThat(url.matches()).as("datasource url %s", ds.path("url")).isTrue();
    JsonNode prometheusService = compose().path("services").path(url.group(1));
    assertThat(prometheusService.isMissingNode()).as("the datasource's host %s is a compose service", url.group(1))
        .isFalse();
    assertThat(containerPorts(prometheusService)).as("ports of service %s", url.group(1))
        .contains(Integer.parseInt(url.group(2)));

    String uid = ds.path("uid").asText();
    List<JsonNode> panels = panels(dashboard());
    assertThat(panels).as("dashboard panels").isNotEmpty();
    for (JsonNode panel : panels) {
      if (panel.path("targets").isEmpty()) {
        continue;
      }
      assertThat(panel.path("datasource").path("uid").asText()).as("datasource of panel '%s'",
          panel.path("title").asText()).isEqualTo(uid);
      for (JsonNode target : panel.path("targets")) {
        if (target.has("datasource")) {
          assertThat(target.path("datasource").path("uid").asText()).isEqualTo(uid);
        }
      }
    }
  }

  // --- metrics -------------------------------------------------------------------------------------------------

  @Test
  void everyMetricTheAlertsAndDashboardUseIsExported() throws Exception {
    Map<String, DocMetric> documented = documentedMetrics();
    Set<String> micrometer = micrometerNames();
    Map<String, String> expressions = expressions();
    assertThat(expressions).as("PromQL of alerts.yml and the dashboard").hasSizeGreaterThan(10);
    Set<String> used = new TreeSet<>();
    expressions.forEach((where, expr) -> {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        String name = m.group();
        used.add(name);
        boolean exported = name.startsWith("viewsync_")
            ? documented.containsKey(baseName(name, documented))
            : micrometer.contains(name);
        assertThat(exported).as("%s, used by %s, is exported (docs/operations.md#metrics, or Micrometer's JVM and"
            + " process metrics as ServiceMetrics registers them)", name, where).isTrue();
      }
    });
    assertThat(used).as("metrics used").anyMatch(n -> n.startsWith("viewsync_"))
        .anyMatch(n -> !n.startsWith("viewsync_"));
  }

  @Test
  void everyLabelTheAlertsAndDashboardUseIsOneTheirMetricsHave() throws Exception {
    Map<String, DocMetric> documented = documentedMetrics();
    for (Map.Entry<String, String> e : expressionsWithTemplates().entrySet()) {
      String where = e.getKey();
      String expr = e.getValue().split("\u0000", -1)[0];
      String templates = e.getValue().split("\u0000", -1)[1];
      Set<String> names = new TreeSet<>();
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        names.add(m.group());
      }
      Set<String> labels = new TreeSet<>(TARGET_LABELS);
      for (String name : names) {
        DocMetric metric = documented.get(baseName(name, documented));
        if (metric != null) {
          labels.addAll(metric.labels());
          if (name.endsWith("_bucket")) {
            labels.add("le");
          }
        }
      }
      Matcher selector = VIEWSYNC_SELECTOR.matcher(expr);
      while (selector.find()) {
        DocMetric metric = documented.get(baseName(selector.group(1), documented));
        if (metric == null) {
          continue; // reported by everyMetricTheAlertsAndDashboardUseIsExported
        }
        Matcher matcher = MATCHER.matcher(selector.group(2));
        while (matcher.find()) {
          String label = matcher.group(1);
          assertThat(labels).as("label %s of %s in %s (docs/operations.md#metrics)", label, metric.name(), where)
              .contains(label);
          if (matcher.group(2).equals("=") && metric.labels().size() == 1 && !metric.values().isEmpty()
              && metric.labels().contains(label)) {
            assertThat(metric.values()).as("%s=\"%s\" of %s in %s: a value docs/operations.md lists", label,
                matcher.group(3), metric.name(), where).contains(matcher.group(3));
          }
        }
      }
      // Grouping and templates can only be checked when every metric of the expression is viewsync's.
      if (names.isEmpty() || !names.stream().allMatch(n -> n.startsWith("viewsync_"))) {
        continue;
      }
      Matcher grouping = GROUPING.matcher(expr);
      while (grouping.find()) {
        for (String label : grouping.group(1).split(",")) {
          if (!label.isBlank()) {
            assertThat(labels).as("grouping label %s in %s", label.strip(), where).contains(label.strip());
          }
        }
      }
      Matcher template = TEMPLATE_LABEL.matcher(templates);
      while (template.find()) {
        String label = template.group(1) != null ? template.group(1) : template.group(2);
        assertThat(labels).as("label %s in the legend or annotations of %s", label, where).contains(label);
      }
    }
  }

  // --- alerts --------------------------------------------------------------------------------------------------

  @Test
  void promtoolAcceptsTheAlertingRules() throws Exception {
    assertPromtool("check", "rules", ALERTS.toString());
  }

  @Test
  void promtoolAcceptsThePrometheusConfigAndTheRulesItLoads() throws Exception {
    assertPromtool("check", "config", PROMETHEUS.toString());
  }

  @Test
  void promtoolAcceptsEveryQueryOfTheDashboard(@TempDir Path dir) throws Exception {
    ArrayNode rules = YAML.createArrayNode();
    for (JsonNode panel : panels(dashboard())) {
      for (JsonNode target : panel.path("targets")) {
        ObjectNode rule = rules.addObject();
        rule.put("record", "dashboard:panel_" + panel.path("id").asInt() + "_" + target.path("refId").asText("X"));
        rule.put("expr", target.path("expr").asText());
      }
    }
    assertThat(rules).as("dashboard queries").isNotEmpty();
    ObjectNode file = YAML.createObjectNode();
    ObjectNode group = file.putArray("groups").addObject();
    group.put("name", "dashboard");
    group.set("rules", rules);
    Path rulesFile = dir.resolve("dashboard-queries.yml");
    YAML.writeValue(rulesFile.toFile(), file);
    assertPromtool("check", "rules", rulesFile.toString());
  }

  @Test
  void everyAlertHasASeveritySummaryDescriptionAndRunbookSection() throws Exception {
    List<JsonNode> alerts = alerts();
    assertThat(alerts).as("alerts in alerts.yml").hasSizeGreaterThanOrEqualTo(8);
    assertThat(YAML.readTree(ALERTS.toFile()).path("groups")).as("rule groups")
        .anyMatch(g -> g.path("name").asText().equals("viewsync"));
    Set<String> names = new TreeSet<>();
    for (JsonNode alert : alerts) {
      String name = alert.path("alert").asText();
      assertThat(names.add(name)).as("alert %s is defined once", name).isTrue();
      assertThat(alert.path("labels").path("severity").asText()).as("severity of %s", name).isIn(SEVERITIES);
      assertThat(alert.path("annotations").path("summary").asText()).as("summary of %s", name).isNotBlank();
      String description = alert.path("annotations").path("description").asText();
      List<String> links = new ArrayList<>();
      Matcher link = OPERATIONS_LINK.matcher(description);
      while (link.find()) {
        links.add(link.group());
      }
      assertThat(links).as("the description of %s names a section of docs/operations.md", name).isNotEmpty();
      assertThat(alert.path("annotations").path("runbook").asText()).as("runbook annotation of %s", name)
          .isIn(links);
    }
  }

  /** Every docs/operations.md section an alert names (its runbook) exists. */
  @Test
  void everySectionTheAlertsNameExistsInTheOperationsDoc() throws Exception {
    Set<String> anchors = anchors(Files.readString(OPERATIONS));
    int links = 0;
    for (JsonNode alert : alerts()) {
      for (JsonNode annotation : alert.path("annotations")) {
        Matcher link = OPERATIONS_LINK.matcher(annotation.asText());
        while (link.find()) {
          links++;
          assertThat(anchors).as("docs/operations.md#%s, named by alert %s", link.group(1),
              alert.path("alert").asText()).contains(link.group(1));
        }
      }
    }
    assertThat(links).as("links to docs/operations.md in the alerts").isPositive();
  }

  // --- reading the files ---------------------------------------------------------------------------------------

  private static JsonNode compose() throws IOException {
    return YAML.readTree(COMPOSE.toFile());
  }

  private static JsonNode viewsyncService() throws IOException {
    JsonNode service = compose().path("services").path(SERVICE);
    assertThat(service.isObject()).as("compose.yaml has a service %s", SERVICE).isTrue();
    return service;
  }

  private static JsonNode prometheus() throws IOException {
    return YAML.readTree(PROMETHEUS.toFile());
  }

  private static JsonNode dashboard() throws IOException {
    return JSON.readTree(DASHBOARD.toFile());
  }

  private static List<JsonNode> alerts() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode group : YAML.readTree(ALERTS.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          out.add(rule);
        }
      }
    }
    return out;
  }

  /** Every panel, also those inside collapsed rows. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      out.add(panel);
      panel.path("panels").forEach(out::add);
    }
    return out;
  }

  /** Each PromQL expression of the alerts and the dashboard, by where it is. */
  private static Map<String, String> expressions() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    expressionsWithTemplates().forEach((k, v) -> out.put(k, v.split("\u0000", -1)[0]));
    return out;
  }

  /** Like {@link #expressions()}, each followed by NUL and the text its labels are templated into. */
  private static Map<String, String> expressionsWithTemplates() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode alert : alerts()) {
      StringBuilder templates = new StringBuilder();
      alert.path("annotations").forEach(a -> templates.append(a.asText()).append('\n'));
      out.put("alert " + alert.path("alert").asText(), alert.path("expr").asText() + "\u0000" + templates);
    }
    for (JsonNode panel : panels(dashboard())) {
      for (JsonNode target : panel.path("targets")) {
        out.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
            target.path("expr").asText() + "\u0000" + target.path("legendFormat").asText(""));
      }
    }
    return out;
  }

  /** A service's environment, as a map whether written as a map or a list, with ${X:-default} resolved. */
  private static Map<String, String> environment(JsonNode service) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode env = service.path("environment");
    if (env.isObject()) {
      env.properties().forEach(e -> out.put(e.getKey(), interpolate(e.getValue().asText())));
    } else {
      for (JsonNode item : env) {
        String[] kv = item.asText().split("=", 2);
        out.put(kv[0], kv.length > 1 ? interpolate(kv[1]) : "");
      }
    }
    return out;
  }

  /** Compose's ${VAR:-default} and ${VAR-default} as they come out with VAR unset. */
  private static String interpolate(String value) {
    return value.replaceAll("\\$\\{[A-Za-z0-9_]+:?-([^}]*)}", "$1");
  }

  /** The container side of each port a service publishes (short syntax or long syntax). */
  private static List<Integer> containerPorts(JsonNode service) {
    List<Integer> out = new ArrayList<>();
    for (JsonNode p : service.path("ports")) {
      if (p.isObject()) {
        out.add(Integer.parseInt(interpolate(p.path("target").asText())));
      } else {
        String spec = interpolate(p.asText()).replaceFirst("/(tcp|udp)$", "");
        out.add(Integer.parseInt(spec.substring(spec.lastIndexOf(':') + 1)));
      }
    }
    return out;
  }

  private record Mount(String source, String target) {
    boolean isHostPath() {
      return source.startsWith(".") || source.startsWith("/");
    }
  }

  private static List<Mount> mounts(JsonNode service) {
    List<Mount> out = new ArrayList<>();
    for (JsonNode v : service.path("volumes")) {
      if (v.isObject()) {
        out.add(new Mount(v.path("source").asText(), v.path("target").asText()));
      } else {
        String[] parts = v.asText().split(":");
        out.add(parts.length == 1 ? new Mount("", parts[0]) : new Mount(parts[0], parts[1]));
      }
    }
    return out;
  }

  /** The service's mount of the file or folder docker/{@code local}. */
  private static Mount mountOf(JsonNode service, String local) {
    Path wanted = DOCKER.resolve(local).normalize();
    return mounts(service).stream()
        .filter(m -> m.isHostPath() && DOCKER.resolve(m.source()).normalize().equals(wanted))
        .findFirst().orElseThrow(() -> new AssertionError("no mount of docker/" + local + " in " + service));
  }

  private static Optional<String> configFileFlag(JsonNode service, String flag) {
    for (JsonNode arg : service.path("command")) {
      if (arg.asText().startsWith(flag + "=")) {
        return Optional.of(arg.asText().substring(flag.length() + 1));
      }
    }
    return Optional.empty();
  }

  /** ServeOptions' ENV_* constants, the failure handler's VIEWSYNC_DEBUG and the variables logback.xml reads. */
  private static Set<String> variablesTheServerReads() throws Exception {
    Set<String> out = new TreeSet<>();
    for (Field f : ServeOptions.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && f.getName().startsWith("ENV_")) {
        f.setAccessible(true);
        out.add((String) f.get(null));
      }
    }
    assertThat(out).as("ServeOptions.ENV_*").contains(PORT_ENV, BIND_ENV, REPLICA_DIR_ENV, UPSTREAM_ENV);
    Field debug = Class.forName("io.viewsync.server.cli.FailureHandler").getDeclaredField("DEBUG_ENV");
    debug.setAccessible(true);
    out.add((String) debug.get(null));
    Matcher m = Pattern.compile("\\$\\{(VIEWSYNC_[A-Z0-9_]+)").matcher(Files.readString(LOGBACK));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private record DocMetric(String name, String type, List<String> labels, Set<String> values) {}

  /**
   * The rows of the docs/operations.md Metrics table: name (first backticked name, labels removed), type, label
   * names, and the backticked words of its meaning (the values of its label, where it lists them).
   */
  private static Map<String, DocMetric> documentedMetrics() throws IOException {
    Map<String, DocMetric> out = new LinkedHashMap<>();
    Pattern name = Pattern.compile("`(viewsync_[a-z0-9_]+)(?:\\{([a-z_, ]+)})?`");
    for (String line : Files.readAllLines(OPERATIONS)) {
      if (!line.startsWith("| `viewsync_")) {
        continue;
      }
      String[] cells = line.split("\\|");
      Matcher m = name.matcher(cells[1]);
      assertThat(m.find()).as("metric row %s", line).isTrue();
      List<String> labels = m.group(2) == null ? List.of()
          : List.of(m.group(2).replace(" ", "").split(","));
      Set<String> values = new LinkedHashSet<>();
      Matcher v = Pattern.compile("`([a-z_-]+)`").matcher(cells.length > 3 ? cells[3] : "");
      while (v.find()) {
        values.add(v.group(1));
      }
      out.put(m.group(1), new DocMetric(m.group(1), cells[2].strip(), labels, values));
    }
    assertThat(out).as("docs/operations.md Metrics table").containsKeys("viewsync_ready",
        "viewsync_sync_poke_latency_seconds");
    return out;
  }

  /** A series name without the suffix of a documented histogram or summary. */
  private static String baseName(String name, Map<String, DocMetric> documented) {
    Matcher m = Pattern.compile("(.+)_(bucket|count|sum|max)").matcher(name);
    if (m.matches() && documented.containsKey(m.group(1))) {
      String type = documented.get(m.group(1)).type();
      if (type.equals("histogram") || (type.equals("summary") && !m.group(2).equals("bucket"))) {
        return m.group(1);
      }
    }
    return name;
  }

  /** The JVM, process and system series a fresh ServiceMetrics exports, as Micrometer names them. */
  private static Set<String> micrometerNames() {
    System.gc(); // JvmGcMetrics registers its meters at the first collection.
    Set<String> out = new TreeSet<>();
    try (ServiceMetrics metrics = new ServiceMetrics()) {
      for (String line : metrics.scrape().split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.split("[{ ]", 2)[0]);
        }
      }
    }
    assertThat(out).as("Micrometer's series").contains("jvm_memory_used_bytes", "process_cpu_usage");
    return out;
  }

  /** Anchors of a Markdown file as GitHub makes them from headings, and explicit {@code <a id|name="...">}. */
  private static Set<String> anchors(String markdown) {
    Set<String> out = new TreeSet<>();
    Matcher h = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$").matcher(markdown);
    while (h.find()) {
      out.add(h.group(1).toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
    }
    Matcher a = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"").matcher(markdown);
    while (a.find()) {
      out.add(a.group(1));
    }
    return out;
  }

  private static void assertPromtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("promtool is needed (apt-get install prometheus; .ci/run installs it)", e);
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(p.exitValue()).as("exit code of %s; it said:%n%s", String.join(" ", command), out).isZero();
  }

  // --- the Dockerfile ------------------------------------------------------------------------------------------

  private static Dockerfile dockerfile() throws IOException {
    return Dockerfile.parse(Files.readString(DOCKERFILE));
  }

  /** A Dockerfile as instructions per stage; enough of the syntax for the file in docker/. */
  private record Dockerfile(List<Stage> stages) {
    record Instruction(String keyword, String args) {}

    record Stage(List<Instruction> instructions) {
      List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
      }

      String last(String keyword) {
        List<String> all = all(keyword);
        return all.isEmpty() ? null : all.get(all.size() - 1);
      }

      /** ENV as set in this stage, both {@code ENV K=V K2=V2} and {@code ENV K V}. */
      Map<String, String> env() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String args : all("ENV")) {
          List<String> words = words(args);
          if (!words.get(0).contains("=")) {
            out.put(words.get(0), args.strip().substring(words.get(0).length()).strip());
            continue;
          }
          for (String w : words) {
            String[] kv = w.split("=", 2);
            out.put(kv[0], kv[1]);
          }
        }
        return out;
      }
    }

    Stage finalStage() {
      return stages.get(stages.size() - 1);
    }

    static Dockerfile parse(String text) {
      List<Stage> stages = new ArrayList<>();
      List<Instruction> current = null;
      StringBuilder logical = new StringBuilder();
      for (String line : text.split("\n", -1)) {
        if (line.stripLeading().startsWith("#")) {
          continue; // comments (and parser directives) may sit between continued lines too
        }
        if (line.endsWith("\\")) {
          logical.append(line, 0, line.length() - 1).append(' ');
          continue;
        }
        logical.append(line);
        String instruction = logical.toString().strip();
        logical.setLength(0);
        if (instruction.isEmpty()) {
          continue;
        }
        String[] kw = instruction.split("\\s+", 2);
        String keyword = kw[0].toUpperCase(java.util.Locale.ROOT);
        if (keyword.equals("FROM")) {
          current = new ArrayList<>();
          stages.add(new Stage(current));
        }
        assertThat(current).as("instruction before FROM: %s", instruction).isNotNull();
        current.add(new Instruction(keyword, kw.length > 1 ? kw[1] : ""));
      }
      return new Dockerfile(stages);
    }
  }

  /** Words split on blanks, double quotes grouping (and removed). */
  private static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+)").matcher(text);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return out;
  }

  /** The JSON array of an exec-form instruction. */
  private static List<String> execForm(String args) {
    assertThat(args).as("an exec-form (JSON array) instruction").isNotNull().startsWith("[");
    try {
      List<String> out = new ArrayList<>();
      JSON.readTree(args).forEach(n -> out.add(n.asText()));
      return out;
    } catch (IOException e) {
      throw new AssertionError("not a JSON array: " + args, e);
    }
  }

  private static List<String> execFormOrWords(String args) {
    return args.strip().startsWith("[") ? execForm(args) : words(args);
  }

  /** The port the final stage's HEALTHCHECK connects to. */
  private static int healthCheckPort(Dockerfile.Stage image) {
    String health = image.last("HEALTHCHECK");
    assertThat(health).as("the image has a HEALTHCHECK").isNotNull();
    Matcher m = Pattern.compile("/dev/tcp/[^/\\s]+/(\\d+)|https?://[^/:\\s'\"]+:(\\d+)").matcher(health);
    assertThat(m.find()).as("the HEALTHCHECK names a port: %s", health).isTrue();
    return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
  }
}
