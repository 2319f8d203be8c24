package io.higressj.conformance.gateway;

import io.higressj.server.GatewayServer;
import io.higressj.server.ServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The gateway in this JVM ({@code ServerOptions.forTest}: free ports on 127.0.0.1, no access log).
 * Its log goes to a file, not to the console, while it runs.
 */
public final class InProcessGateway implements GatewayUnderTest {
  private final GatewayServer server;
  private final Logger logger;
  private final Handler handler;
  private final boolean parentHandlers;

  private InProcessGateway(GatewayServer server, Logger logger, Handler handler, boolean parentHandlers) {
    this.server = server;
    this.logger = logger;
    this.handler = handler;
    this.parentHandlers = parentHandlers;
  }

  /**
   * Starts a gateway on {@code configDir}.
   *
   * @param logFile where the gateway's log lines go; null: the JVM's logging as configured
   */
  public static InProcessGateway start(Path configDir, Path logFile) {
    Logger logger = Logger.getLogger("io.higressj");
    Handler handler = null;
    boolean parents = logger.getUseParentHandlers();
    try {
      if (logFile != null) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
          System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
        handler = new FileHandler(logFile.toString(), true);
        handler.setFormatter(new SimpleFormatter());
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
      }
      GatewayServer server = GatewayServer.start(ServerOptions.forTest(configDir));
      return new InProcessGateway(server, logger, handler, parents);
    } catch (IOException e) {
      restore(logger, handler, parents);
      throw new UncheckedIOException("cannot start the gateway: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      restore(logger, handler, parents);
      throw new IllegalStateException("interrupted while starting the gateway", e);
    } catch (RuntimeException e) {
      restore(logger, handler, parents);
      throw e;
    }
  }

  private static void restore(Logger logger, Handler handler, boolean parents) {
    if (handler != null) {
      logger.removeHandler(handler);
      handler.close();
      logger.setUseParentHandlers(parents);
    }
  }

  @Override
  public String address() {
    return "127.0.0.1";
  }

  @Override
  public int httpPort() {
    return server.httpPort();
  }

  @Override
  public int httpsPort() {
    return server.httpsPort();
  }

  @Override
  public int adminPort() {
    return server.adminPort();
  }

  @Override
  public String describe() {
    return "in-process";
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      restore(logger, handler, parentHandlers);
    }
  }
}
