package io.viewsync.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.viewsync.core.protocol.ClientMessageWriter;
import io.viewsync.core.protocol.ClientSchema;
import io.viewsync.core.protocol.ProtocolVersions;
import io.viewsync.core.protocol.ServerEvent;
import io.viewsync.core.protocol.ServerMessage;
import io.viewsync.core.protocol.ServerMessageReader;
import io.viewsync.core.query.Query;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Protocol-v1 clients for the sync benchmark, cheap enough for thousands: Netty's WebSocket client (no
 * permessage-deflate offered) on one shared event loop group. Each client connects as its own client group,
 * subscribes its queries right after {@code connect}, applies pokes as the protocol says (parts buffered until
 * {@code pokeEnd}; a {@code pokeStart} whose {@code baseCookie} is not the cookie it holds is counted as a
 * protocol error), and records, for each row of the benchmark table that a poke {@code put}s with a non-zero
 * {@code sent} column, the row's id, its {@code sent} value and when the {@code pokeEnd} frame arrived
 * ({@link System#nanoTime()}, taken before the frame is parsed).
 *
 * <p>Messages are written with {@link ClientMessageWriter}. Server messages are read with
 * {@link ServerMessageReader} ({@link Parse#FULL}), or, in {@link Parse#SCAN}, {@code pokeStart}, {@code pokePart}
 * and {@code pokeEnd} are read by a substring scan that relies on {@link ServerMessage}'s field order (everything
 * else still goes through the reader): a benchmark of the server should not spend its shared CPU on JSON trees
 * in its clients.
 *
 * <p>Threads: {@link #open}, {@link #close} and the summaries from one bench thread; each client's handler runs
 * on its channel's event loop; {@link Client#drain} synchronizes with it.
 */
final class SyncClients implements AutoCloseable {
  /** How the clients read server messages. */
  enum Parse {
    FULL, SCAN
  }

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final URI uri;
  private final Parse parse;
  private final String table;
  private final List<Client> clients = new ArrayList<>();
  private final AtomicInteger connectedCount = new AtomicInteger();
  private final AtomicInteger readyCount = new AtomicInteger();
  /** Each poke cookie (one per server advance that poked anyone) → when a client first got it. */
  private final java.util.concurrent.ConcurrentHashMap<String, Long> cookies =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param table the benchmark table: puts of its rows are recorded (their {@code id} and {@code sent} columns)
   * @param threads event loop threads shared by every client
   */
  SyncClients(URI uri, String table, int threads, Parse parse) {
    this.uri = uri;
    this.table = table;
    this.parse = parse;
    this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
  }

  Parse parse() {
    return parse;
  }

  /**
   * Opens a connection that connects as client {@code clientID} of group {@code groupID} and subscribes
   * {@code queries} (query ID → query); returns at once.
   */
  Client open(String groupID, String clientID, ClientSchema schema, Map<String, Query> queries) {
    List<String> messages = new ArrayList<>();
    messages.add(ClientMessageWriter.connect(ProtocolVersions.MAX, groupID, clientID, schema, null, null));
    queries.forEach((id, q) -> messages.add(ClientMessageWriter.subscribe(id, q)));
    Client c = new Client(clientID, messages, queries.keySet());
    WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
        .version(WebSocketVersion.V13).allowExtensions(false).maxFramePayloadLength(1 << 20)
        .handleCloseFrames(false).dropPongFrames(true).withUTF8Validator(false)
        .handshakeTimeoutMillis(60_000).build();
    ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
            new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(1 << 20), c);
      }
    }).connect(uri.getHost(), uri.getPort());
    c.channel = f.channel();
    f.addListener(done -> {
      if (!done.isSuccess()) {
        c.fail("connect failed: " + done.cause());
      }
    });
    clients.add(c);
    return c;
  }

  List<Client> clients() {
    return clients;
  }

  /** Clients that got {@code connected}. */
  int connected() {
    return connectedCount.get();
  }

  /** Clients whose queries are all {@code complete} (after a {@code pokeEnd}). */
  int ready() {
    return readyCount.get();
  }

  /** Clients whose connection is gone (closed by the server, or failed). */
  int gone() {
    int n = 0;
    for (Client c : clients) {
      if (c.gone) {
        n++;
      }
    }
    return n;
  }

  /** Waits until {@code n} clients are connected (or gone); false on timeout. */
  boolean awaitConnected(int n, long timeoutMillis) throws InterruptedException {
    return await(() -> connected() + gone() >= n, timeoutMillis);
  }

  /** Waits until every client opened so far is ready (or gone); false on timeout. */
  boolean awaitReady(long timeoutMillis) throws InterruptedException {
    return await(() -> ready() + gone() >= clients.size(), timeoutMillis);
  }

  private static boolean await(java.util.function.BooleanSupplier condition, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** Close codes the server sent (code → clients), and failures without one as code -1. */
  Map<Integer, Integer> closes() {
    Map<Integer, Integer> out = new LinkedHashMap<>();
    for (Client c : clients) {
      if (c.gone) {
        out.merge(c.closeCode, 1, Integer::sum);
      }
    }
    return out;
  }

  /** Protocol problems seen by any client: the first few messages, and how many in all. */
  List<String> problems() {
    List<String> out = new ArrayList<>();
    for (Client c : clients) {
      synchronized (c) {
        out.addAll(c.problems);
      }
    }
    return out;
  }

  /** How many protocol problems the clients saw in all. */
  int problemCount() {
    int n = 0;
    for (Client c : clients) {
      n += c.problemCount();
    }
    return n;
  }

  /** Frames received by all clients so far. */
  long frames() {
    long n = 0;
    for (Client c : clients) {
      n += c.frames;
    }
    return n;
  }

  /** Puts of benchmark rows (with a {@code sent}) received by all clients so far. */
  long puts() {
    long n = 0;
    for (Client c : clients) {
      n += c.puts;
    }
    return n;
  }

  /**
   * When each new poke cookie was first seen, sorted, for cookies first seen in [from, to); the cookies are then
   * forgotten. A cookie names the version of one server advance, so these are the advances that poked someone.
   */
  long[] advances(long from, long to) {
    long[] out = cookies.values().stream().mapToLong(Long::longValue).filter(t -> t >= from && t < to).sorted()
        .toArray();
    cookies.clear();
    return out;
  }

  /** Pokes (pokeEnd) received by all clients so far. */
  long pokes() {
    long n = 0;
    for (Client c : clients) {
      n += c.pokes;
    }
    return n;
  }

  @Override
  public void close() {
    for (Client c : clients) {
      if (c.channel != null) {
        c.channel.close();
      }
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * One connection. Its fields are written on its event loop; {@link #frames}, {@link #pokes} and {@link #gone}
   * are read from the bench thread as a rough progress count (plain reads of values that only grow).
   */
  final class Client extends SimpleChannelInboundHandler<WebSocketFrame> {
    final String clientID;
    private final List<String> messages;
    private final Set<String> queryIDs;
    private final Set<String> complete = new HashSet<>();
    private Channel channel;
    private volatile boolean gone;
    private volatile int closeCode = -1;
    private boolean connected;
    private boolean ready;
    private String cookie; // of the last pokeEnd applied
    private boolean inPoke;
    private long[] pending = new long[32]; // id, sent pairs of the poke being received
    private int pendingCount;
    private long[] deliveries = new long[3 * 64]; // id, sent, received triples; guarded by this
    private int deliveryCount;
    private final List<String> problems = new ArrayList<>(); // guarded by this; at most a few
    private int problemCount;
    volatile long frames;
    volatile long pokes;
    volatile long puts;

    Client(String clientID, List<String> messages, Set<String> queryIDs) {
      this.clientID = clientID;
      this.messages = messages;
      this.queryIDs = Set.copyOf(queryIDs);
    }

    /** The recorded deliveries (id, sent, received triples), which are then forgotten. */
    synchronized long[] drain() {
      long[] out = Arrays.copyOf(deliveries, deliveryCount);
      deliveryCount = 0;
      return out;
    }

    synchronized int problemCount() {
      return problemCount;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        for (String m : messages) {
          ctx.write(new TextWebSocketFrame(m));
        }
        ctx.flush();
      } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        fail("handshake timed out");
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      long now = System.nanoTime();
      frames++;
      if (frame instanceof TextWebSocketFrame t) {
        String text = t.text();
        if (parse == Parse.SCAN && text.startsWith("{\"type\":\"poke")) {
          scan(text, now);
        } else {
          read(ServerMessageReader.parse(text), now);
        }
      } else if (frame instanceof CloseWebSocketFrame close) {
        closeCode = close.statusCode();
        problem("closed by the server: " + close.statusCode() + " " + close.reasonText());
        ctx.close();
      }
    }

    private void read(ServerMessageReader.Parsed parsed, long now) {
      if (parsed instanceof ServerMessageReader.Failure f) {
        problem("unreadable server message: " + f.message());
      } else if (parsed instanceof ServerEvent.Connected) {
        connected = true;
        connectedCount.incrementAndGet();
      } else if (parsed instanceof ServerEvent.PokeStart s) {
        pokeStart(s.baseCookie(), s.reset());
      } else if (parsed instanceof ServerEvent.PokePart p) {
        for (ServerMessage.RowOp r : p.rows()) {
          if (r.op() == ServerMessage.RowOp.Op.PUT && r.table().equals(table)) {
            var v = r.value();
            pending(v.get("id").asLong(), v.get("sent").asLong());
          }
        }
        for (ServerMessage.QueryStatus q : p.queries()) {
          status(q.queryID(), q.status().wire());
        }
      } else if (parsed instanceof ServerEvent.PokeEnd e) {
        pokeEnd(e.cookie(), now);
      } else if (parsed instanceof ServerEvent.Error e) {
        problem("error " + e.kind() + ": " + e.message());
      } else {
        problem("unexpected " + ((ServerEvent) parsed).type());
      }
    }

    /** pokeStart, pokePart and pokeEnd by their text: ServerMessage writes their fields in a fixed order. */
    private void scan(String text, long now) {
      if (text.startsWith("{\"type\":\"pokePart\"")) {
        String put = "{\"op\":\"put\",\"table\":\"" + table + "\",\"key\":{\"id\":";
        for (int i = text.indexOf(put); i >= 0; i = text.indexOf(put, i + 1)) {
          long id = number(text, i + put.length());
          int s = text.indexOf("\"sent\":", i + put.length());
          pending(id, s < 0 ? -1 : number(text, s + "\"sent\":".length()));
        }
        int q = text.lastIndexOf("\"queries\":[");
        String qid = "{\"queryID\":\"";
        for (int i = text.indexOf(qid, q); q >= 0 && i >= 0; i = text.indexOf(qid, i + 1)) {
          int idEnd = text.indexOf('"', i + qid.length());
          int st = text.indexOf("\"status\":\"", idEnd) + "\"status\":\"".length();
          status(text.substring(i + qid.length(), idEnd), text.substring(st, text.indexOf('"', st)));
        }
      } else if (text.startsWith("{\"type\":\"pokeStart\"")) {
        pokeStart(string(text, "\"baseCookie\":"), text.contains("\"reset\":true"));
      } else if (text.startsWith("{\"type\":\"pokeEnd\"")) {
        pokeEnd(string(text, "\"cookie\":"), now);
      } else {
        read(ServerMessageReader.parse(text), now);
      }
    }

    /** A JSON string or null after {@code field}. */
    private static String string(String text, String field) {
      int i = text.indexOf(field) + field.length();
      if (text.startsWith("null", i)) {
        return null;
      }
      return text.substring(i + 1, text.indexOf('"', i + 1));
    }

    /** A JSON integer at {@code i}, as a number or a string of digits. */
    private static long number(String text, int i) {
      if (text.charAt(i) == '"') {
        i++;
      }
      long v = 0;
      for (char ch; i < text.length() && (ch = text.charAt(i)) >= '0' && ch <= '9'; i++) {
        v = v * 10 + (ch - '0');
      }
      return v;
    }

    private void pokeStart(String baseCookie, boolean reset) {
      if (inPoke) {
        problem("pokeStart inside a poke");
      }
      if (!reset && !Objects.equals(baseCookie, cookie)) {
        problem("pokeStart for cookie " + baseCookie + " but the client holds " + cookie);
      }
      inPoke = true;
      pendingCount = 0;
    }

    private void pending(long id, long sent) {
      if (!inPoke) {
        problem("pokePart outside a poke");
      }
      if (sent <= 0) {
        return; // a row of the initial data
      }
      if (pendingCount + 2 > pending.length) {
        pending = Arrays.copyOf(pending, pending.length * 2);
      }
      pending[pendingCount++] = id;
      pending[pendingCount++] = sent;
    }

    private void status(String queryID, String status) {
      if (!queryIDs.contains(queryID)) {
        problem("status of unknown query " + queryID);
      } else if (status.equals("complete")) {
        complete.add(queryID);
      } else if (status.equals("unavailable")) {
        problem("query " + queryID + " unavailable");
      }
    }

    private void pokeEnd(String newCookie, long now) {
      if (!inPoke) {
        problem("pokeEnd outside a poke");
      }
      inPoke = false;
      if (!newCookie.equals(cookie)) {
        cookies.putIfAbsent(newCookie, now);
      }
      cookie = newCookie;
      pokes++;
      if (pendingCount > 0) {
        puts += pendingCount / 2;
        synchronized (this) {
          if (deliveryCount + pendingCount / 2 * 3 > deliveries.length) {
            deliveries = Arrays.copyOf(deliveries, Math.max(deliveries.length * 2,
                deliveryCount + pendingCount / 2 * 3));
          }
          for (int i = 0; i < pendingCount; i += 2) {
            deliveries[deliveryCount++] = pending[i];
            deliveries[deliveryCount++] = pending[i + 1];
            deliveries[deliveryCount++] = now;
          }
        }
        pendingCount = 0;
      }
      if (!ready && complete.size() == queryIDs.size()) {
        ready = true;
        readyCount.incrementAndGet();
      }
    }

    private void fail(String why) {
      problem(why);
      markGone();
    }

    private void markGone() {
      if (!gone) {
        gone = true;
      }
    }

    private synchronized void problem(String what) {
      problemCount++;
      if (problems.size() < 3) {
        problems.add(clientID + ": " + what);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      markGone();
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      problem("exception: " + cause);
      ctx.close();
    }
  }
}
