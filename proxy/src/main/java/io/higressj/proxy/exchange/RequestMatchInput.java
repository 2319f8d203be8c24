package io.higressj.proxy.exchange;

import io.higressj.config.model.MatchInput;
import io.higressj.config.model.QueryString;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** A request as route conditions see it: read straight from the decoded headers, nothing copied up front. */
final class RequestMatchInput implements MatchInput {
  private final String method;
  private final String path;
  private final String target;
  private final String authority;
  private final boolean tls;
  private final HttpHeaders headers;

  RequestMatchInput(String method, String path, String target, String authority, boolean tls, HttpHeaders headers) {
    this.method = method;
    this.path = path;
    this.target = target;
    this.authority = authority;
    this.tls = tls;
    this.headers = headers;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String pathAndQuery() {
    return target;
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public String scheme() {
    return tls ? "https" : "http";
  }

  @Override
  public String header(String lowerCaseName) {
    List<String> all = headers.getAll(lowerCaseName);
    if (all.isEmpty()) return null;
    return all.size() == 1 ? all.get(0) : String.join(",", all);
  }

  @Override
  public String queryParameter(String name) {
    int q = target.indexOf('?');
    return q < 0 ? null : QueryString.first(target.substring(q + 1), name);
  }
}
