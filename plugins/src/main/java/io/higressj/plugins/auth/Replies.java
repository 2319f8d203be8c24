package io.higressj.plugins.auth;

import io.higressj.api.FilterContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The local replies of the auth plugins: text bodies, with a challenge on 401 when the plugin has one. */
public final class Replies {
  private Replies() {}

  public static void deny(FilterContext ctx, int status, String challenge, String body) {
    Map<String, String> headers = challenge == null
        ? Map.of("content-type", "text/plain; charset=utf-8")
        : Map.of("content-type", "text/plain; charset=utf-8", "www-authenticate", challenge);
    ctx.sendLocalReply(status, headers, body.getBytes(StandardCharsets.UTF_8));
  }
}
