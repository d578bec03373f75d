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

  private final SyncHub hub;
  private SyncHub.Connection connection;

  public SyncFrameHandler(SyncHub hub) {
    this.hub = hub;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel ch = ctx.channel();
    connection = new SyncHub.Connection(text -> ch.writeAndFlush(new TextWebSocketFrame(text)),
        (code, reason) -> ch.writeAndFlush(new CloseWebSocketFrame(code, reason)));
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (!(frame instanceof TextWebSocketFrame text)) {
      ctx.writeAndFlush(new TextWebSocketFrame(ServerMessage.error(ProtocolError.of(ProtocolError.Kind.MALFORMED,
          "messages are JSON text frames"))));
      return;
    }
    MessageCodec.Parsed parsed = MessageCodec.parse(text.text());
    if (parsed instanceof ProtocolError e) {
      ctx.writeAndFlush(new TextWebSocketFrame(ServerMessage.error(e)));
      if (e.kind() == ProtocolError.Kind.UNSUPPORTED_PROTOCOL) {
        ctx.writeAndFlush(new CloseWebSocketFrame(CLOSE_UNSUPPORTED_PROTOCOL,
            "protocol versions " + ProtocolVersions.MIN + " to " + ProtocolVersions.MAX));
      }
      return;
    }
    hub.receive(connection, (ClientMessage) parsed);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    hub.closed(connection);
    super.channelInactive(ctx);
  }
}
