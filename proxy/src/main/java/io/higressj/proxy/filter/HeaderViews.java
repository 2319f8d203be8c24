package io.higressj.proxy.filter;

import io.higressj.api.Body;
import io.higressj.api.Headers;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The views plugins get of Netty's messages. Pseudo-headers ({@code :method}, {@code :path}, {@code
 * :authority}, {@code :scheme}; {@code :status}) are readable and writable by name too, as proxy-wasm
 * plugins expect. Any change marks the view dirty: the runner then matches the route again.
 */
final class HeaderViews {
  private HeaderViews() {}

  private abstract static class Base implements Headers {
    final HttpHeaders h;
    boolean dirty;

    Base(HttpHeaders h) {
      this.h = h;
    }

    abstract String pseudo(String name);

    abstract void pseudo(String name, String value);

    abstract void pseudoEntries(List<Map.Entry<String, String>> out);

    @Override
    public String get(String name) {
      if (name.startsWith(":")) return pseudo(name);
      return h.get(name);
    }

    @Override
    public List<String> getAll(String name) {
      if (name.startsWith(":")) {
        String v = pseudo(name);
        return v == null ? List.of() : List.of(v);
      }
      return h.getAll(name);
    }

    @Override
    public void set(String name, String value) {
      dirty = true;
      if (name.startsWith(":")) pseudo(name, value);
      else h.set(name, value);
    }

    @Override
    public void add(String name, String value) {
      dirty = true;
      if (name.startsWith(":")) pseudo(name, value);
      else h.add(name, value);
    }

    @Override
    public void remove(String name) {
      if (name.startsWith(":")) return; // pseudo-headers cannot be removed
      dirty = true;
      h.remove(name);
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
      List<Map.Entry<String, String>> out = new ArrayList<>(h.size() + 4);
      pseudoEntries(out);
      for (Map.Entry<String, String> e : h) out.add(Map.entry(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
      return out;
    }
  }

  static final class Request extends Base implements RequestHeaders {
    private final HttpRequest req;
    private final String scheme;

    Request(HttpRequest req, boolean secure) {
      super(req.headers());
      this.req = req;
      this.scheme = secure ? "https" : "http";
    }

    @Override
    String pseudo(String name) {
      return switch (name) {
        case ":method" -> method();
        case ":path" -> path();
        case ":authority" -> authority();
        case ":scheme" -> scheme;
        default -> null;
      };
    }

    @Override
    void pseudo(String name, String value) {
      switch (name) {
        case ":method" -> method(value);
        case ":path" -> path(value);
        case ":authority" -> authority(value);
        default -> throw new IllegalArgumentException(name + " cannot be set");
      }
    }

    @Override
    void pseudoEntries(List<Map.Entry<String, String>> out) {
      out.add(Map.entry(":authority", authority()));
      out.add(Map.entry(":path", path()));
      out.add(Map.entry(":method", method()));
      out.add(Map.entry(":scheme", scheme));
    }

    @Override
    public String method() {
      return req.method().name();
    }

    @Override
    public void method(String method) {
      dirty = true;
      req.setMethod(HttpMethod.valueOf(method));
    }

    @Override
    public String path() {
      return req.uri();
    }

    @Override
    public void path(String pathAndQuery) {
      if (pathAndQuery == null || !pathAndQuery.startsWith("/")) {
        throw new IllegalArgumentException("path must start with /: " + pathAndQuery);
      }
      dirty = true;
      req.setUri(pathAndQuery);
    }

    @Override
    public String authority() {
      String a = h.get(HttpHeaderNames.HOST);
      return a == null ? "" : a;
    }

    @Override
    public void authority(String authority) {
      dirty = true;
      h.set(HttpHeaderNames.HOST, authority);
    }

    @Override
    public String scheme() {
      return scheme;
    }
  }

  static final class Response extends Base implements ResponseHeaders {
    private final HttpResponse res;

    Response(HttpResponse res) {
      super(res.headers());
      this.res = res;
    }

    @Override
    String pseudo(String name) {
      return ":status".equals(name) ? Integer.toString(status()) : null;
    }

    @Override
    void pseudo(String name, String value) {
      if (!":status".equals(name)) throw new IllegalArgumentException(name + " cannot be set");
      status(Integer.parseInt(value.trim()));
    }

    @Override
    void pseudoEntries(List<Map.Entry<String, String>> out) {
      out.add(Map.entry(":status", Integer.toString(status())));
    }

    @Override
    public int status() {
      return res.status().code();
    }

    @Override
    public void status(int status) {
      if (status < 100 || status > 999) throw new IllegalArgumentException("status: " + status);
      dirty = true;
      res.setStatus(HttpResponseStatus.valueOf(status));
    }
  }

  /** A body chunk over a buffer the runner owns; a replacement is kept until the runner applies it. */
  static final class BufBody implements Body {
    private final ByteBuf buf;
    ByteBuf replacement;

    BufBody(ByteBuf buf) {
      this.buf = buf;
    }

    @Override
    public int length() {
      return replacement != null ? replacement.readableBytes() : buf.readableBytes();
    }

    @Override
    public byte[] bytes() {
      return ByteBufUtil.getBytes(replacement != null ? replacement : buf);
    }

    @Override
    public void replace(byte[] content) {
      replacement = Unpooled.wrappedBuffer(content.clone());
    }
  }
}
