package io.viewsync.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Listens on one address and port and runs {@code childHandler} (normally an {@link HttpServerInitializer}) for
 * each connection. Owns its boss and worker event loop groups.
 *
 * <p>Lifecycle: new → {@link #start()} → started → {@link #close()} → closed; it cannot be restarted. Methods are
 * synchronized and may be called from any thread except one of this server's event loops ({@code close()} waits
 * for them to stop).
 */
public final class HttpServer implements AutoCloseable {

  private final String bindHost;
  private final int requestedPort;
  private final ChannelHandler childHandler;

  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private Channel serverChannel;
  private boolean closed;

  /**
   * @param bindHost     address or host name to listen on, e.g. {@code 127.0.0.1}
   * @param port         TCP port; 0 picks a free one, see {@link #port()}
   * @param childHandler handler installed on each accepted channel; must be sharable
   */
  public HttpServer(String bindHost, int port, ChannelHandler childHandler) {
    this.bindHost = bindHost;
    this.requestedPort = port;
    this.childHandler = childHandler;
  }

  /**
   * Binds and starts accepting connections; returns once the port is bound.
   *
   * @throws IOException if the address cannot be bound, with a message naming it (e.g. port in use)
   */
  public synchronized void start() throws IOException, InterruptedException {
    if (closed || serverChannel != null) {
      throw new IllegalStateException("an HttpServer starts once");
    }
    bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    workerGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childHandler(childHandler);
    try {
      serverChannel = bootstrap.bind(bindHost, requestedPort).sync().channel();
    } catch (InterruptedException e) {
      shutdownGroups();
      throw e;
    } catch (Exception e) {
      // bind().sync() rethrows the socket's checked exception (BindException, UnresolvedAddressException...).
      shutdownGroups();
      String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      throw new IOException("cannot listen on " + bindHost + ":" + requestedPort + ": " + reason, e);
    }
  }

  /** The bound port; differs from the requested one when that was 0. */
  public synchronized int port() {
    return localAddress().getPort();
  }

  /** The bound address. */
  public synchronized InetSocketAddress localAddress() {
    if (serverChannel == null) {
      throw new IllegalStateException("the HttpServer is not started");
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Stops accepting, closes open connections and stops the event loops. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    shutdownGroups();
  }

  private void shutdownGroups() {
    // A short quiet period: nothing should still be scheduled, and a slow shutdown stalls restarts and tests.
    if (bossGroup != null) {
      bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (workerGroup != null) {
      workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
