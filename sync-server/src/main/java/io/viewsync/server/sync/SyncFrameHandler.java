package io.viewsync.server.sync;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.viewsync.core.protocol.ClientMessage;
import io.viewsync.core.protocol.MessageCodec;
import io.viewsync.core.protocol.ProtocolError;
import io.viewsync.core.protocol.ProtocolVersions;
import io.viewsync.core.protocol.ServerMessage;

/**
 * One WebSocket connection of protocol v1: parses each text frame ({@link MessageCodec}: pure and cheap, on the
 * event loop), answers what it cannot parse with a structured {@code error} and keeps the connection, closes with
 * 4001 after an {@code unsupported_protocol} error, and hands the rest to the {@link SyncHub}, which writes the
 * answers back through the channel from its own thread. Binary frames are an error too.
 *
 * <p>One instance per channel; Netty calls it on the channel's event loop.
 */
public final class SyncFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  /** Close code after an unsupported protocol version (docs/protocol.md). */
  public static final int CLOSE_UNSUPPORTED_PROTOCOL = 4001;
  /** Close code for a message over the frame limit (WebSocket's "message too big"). */
  public static final int CLOSE_TOO_BIG = 1009;
  /** Close code for a client whose socket stayed full for {@link ViewSyncer.Options#slowClientMillis()}. */
  public static final int CLOSE_TOO_SLOW = 4002;
  /** Close code for a connection without {@code connect} in {@link ViewSyncer.Options#connectTimeoutMillis()}. */
  public static final int CLOSE_CONNECT_TIMEOUT = 4008;
  /** Netty's write watermarks per connection: over the high one the socket counts as full. */
  public static final io.netty.channel.WriteBufferWaterMark WATERMARKS =
      new io.netty.channel.WriteBufferWaterMark(256 * 1024, 1024 * 1024);

  private final SyncHub hub;
  private SyncHub.Connection connection;

  public SyncFrameHandler(SyncHub hub) {
    this.hub = hub;
  }

  private long fullSince; // nanoTime the socket last became full; event loop only

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel ch = ctx.channel();
    ch.config().setWriteBufferWaterMark(WATERMARKS);
    connection = new SyncHub.Connection(text -> ch.writeAndFlush(new TextWebSocketFrame(text)),
        (code, reason) -> close(ch, code, reason), ch::isWritable);
    ctx.executor().schedule(() -> {
      if (!connection.connected()) {
        close(ch, CLOSE_CONNECT_TIMEOUT, "no connect within " + hub.options().connectTimeoutMillis() + " ms");
      }
    }, hub.options().connectTimeoutMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * Sends a close frame and closes the channel once it is written, or after a second if the client does not read
   * (a full socket never takes the frame).
   */
  private void close(Channel ch, int code, String reason) {
    hub.countClose(code);
    ch.writeAndFlush(new CloseWebSocketFrame(code, reason))
        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    ch.eventLoop().schedule(() -> {
      ch.close();
    }, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    Channel ch = ctx.channel();
    if (ch.isWritable()) {
      hub.writable(connection); // coalesced pokes: it catches up from its cookie
    } else {
      long since = System.nanoTime();
      fullSince = since;
      ctx.executor().schedule(() -> {
        if (!ch.isWritable() && fullSince == since) {
          close(ch, CLOSE_TOO_SLOW, "too slow: the socket stayed full for " + hub.options().slowClientMillis()
              + " ms; reconnect with the cookie");
        }
      }, hub.options().slowClientMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (!(frame instanceof TextWebSocketFrame text)) {
      error(ctx, ProtocolError.of(ProtocolError.Kind.MALFORMED, "messages are JSON text frames"));
      return;
    }
    MessageCodec.Parsed parsed = MessageCodec.parse(text.text());
    if (parsed instanceof ProtocolError e) {
      error(ctx, e);
      if (e.kind() == ProtocolError.Kind.UNSUPPORTED_PROTOCOL) {
        close(ctx.channel(), CLOSE_UNSUPPORTED_PROTOCOL,
            "protocol versions " + ProtocolVersions.MIN + " to " + ProtocolVersions.MAX);
      }
      return;
    }
    hub.receive(connection, (ClientMessage) parsed);
  }

  private void error(ChannelHandlerContext ctx, ProtocolError e) {
    hub.metrics().error(e.kind());
    ctx.writeAndFlush(new TextWebSocketFrame(ServerMessage.error(e)));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
      close(ctx.channel(), CLOSE_TOO_BIG, "a message over " + io.viewsync.server.http.HttpServerInitializer.MAX_FRAME_BYTES + " bytes");
    } else {
      org.slf4j.LoggerFactory.getLogger(SyncFrameHandler.class).warn("sync connection failed; closing it", cause);
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    hub.closed(connection);
    super.channelInactive(ctx);
  }
}
