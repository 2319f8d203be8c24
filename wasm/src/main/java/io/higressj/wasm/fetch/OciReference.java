package io.higressj.wasm.fetch;

import java.util.Locale;

/**
 * {@code oci://registry[:port]/repository[:tag|@sha256:digest]}. The tag defaults to {@code
 * latest}; a registry on localhost or a loopback address is spoken to over plain HTTP.
 */
record OciReference(String registry, String repository, String tag, String digest) {
  static OciReference parse(String url) throws ModuleFetchException {
    String rest = url.substring("oci://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new ModuleFetchException(url + ": expected oci://registry/repository[:tag|@digest]");
    }
    String registry = rest.substring(0, slash);
    String path = rest.substring(slash + 1);
    String tag = null;
    String digest = null;
    int at = path.indexOf('@');
    if (at >= 0) {
      try {
        digest = ModuleFetcher.normalizeDigest(path.substring(at + 1));
      } catch (IllegalArgumentException e) {
        throw new ModuleFetchException(url + ": " + e.getMessage());
      }
      path = path.substring(0, at);
    } else {
      int colon = path.lastIndexOf(':');
      if (colon > path.lastIndexOf('/')) {
        tag = path.substring(colon + 1);
        path = path.substring(0, colon);
      }
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    if (path.isEmpty() || !path.equals(path.toLowerCase(Locale.ROOT))) {
      throw new ModuleFetchException(url + ": repository names are lower case and not empty");
    }
    return new OciReference(registry, path, tag, digest);
  }

  String baseUrl() {
    String host = registry;
    if (host.startsWith("[")) {
      host = host.substring(0, host.indexOf(']') + 1);
    } else if (host.contains(":")) {
      host = host.substring(0, host.indexOf(':'));
    }
    boolean loopback =
        host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    return (loopback ? "http://" : "https://") + registry;
  }
}
