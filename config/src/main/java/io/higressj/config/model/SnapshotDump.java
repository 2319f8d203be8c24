package io.higressj.config.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.config.plugin.PluginBinding;
import io.higressj.config.plugin.PluginChain;
import io.higressj.config.plugin.PluginChains;
import io.higressj.config.resource.Problem;
import io.higressj.config.settings.SettingsDump;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot as a stable, readable JSON tree: what {@code /config_dump} serves and what the golden
 * files hold. Routes keep their match order; clusters and TLS hosts are sorted by name. Certificates
 * appear as the name of their Secret only: key material never leaves the process this way. The
 * ConfigMap settings come last ({@link SettingsDump}).
 */
public final class SnapshotDump {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private SnapshotDump() {}

  public static ObjectNode toJson(Snapshot s) {
    ObjectNode root = JSON.objectNode();
    root.put("version", s.version());
    root.put("created", s.created().toString());

    root.set("virtualHosts", virtualHosts(s.routes(), s.plugins()));
    if (!s.listeners().isEmpty()) root.set("gatewayListeners", listeners(s.listeners(), s.plugins()));

    ArrayNode clusters = root.putArray("clusters");
    for (ClusterConfig c : new TreeMap<>(s.clusters()).values()) {
      ObjectNode o = clusters.addObject();
      o.put("name", c.name());
      o.put("service", c.service());
      o.put("port", c.port());
      if (!c.protocol().equals(UpstreamProtocol.HTTP1)) o.put("protocol", c.protocol().toString());
      if (!c.loadBalancer().equals(LoadBalancer.ROUND_ROBIN)) o.put("loadBalancer", c.loadBalancer().toString());
      ArrayNode endpoints = o.putArray("endpoints");
      for (Endpoint e : c.endpoints()) endpoints.add(e.toString());
    }

    ObjectNode tls = root.putObject("tls");
    ObjectNode byHost = tls.putObject("hosts");
    for (Map.Entry<String, CertificateConfig> e : new TreeMap<>(s.tls().byHost()).entrySet()) {
      byHost.put(e.getKey(), e.getValue().secret());
    }
    CertificateConfig def = s.tls().defaultCertificate();
    if (def == null) tls.putNull("default");
    else tls.put("default", def.secret());

    if (!s.plugins().isEmpty()) {
      if (s.plugins().unrouted() != null) root.set("unroutedPlugins", plugins(s.plugins().unrouted()));
      ArrayNode wasm = root.putArray("wasmPlugins");
      for (PluginChains.PluginSummary p : s.plugins().plugins()) {
        wasm.addObject().put("name", p.plugin()).put("source", p.source()).put("url", p.url()).put("phase", p.phase())
            .put("priority", p.priority()).put("failStrategy", p.failStrategy().name())
            .put("implementation", p.implementation());
      }
    }

    ArrayNode problems = root.putArray("problems");
    for (Problem p : s.problems()) problems.add(toJson(p));
    root.set("settings", SettingsDump.toJson(s.settings()));
    return root;
  }

  private static ArrayNode virtualHosts(RouteTable table, io.higressj.config.plugin.PluginChains plugins) {
    ArrayNode hosts = JSON.arrayNode();
    for (VirtualHost vh : table.virtualHosts()) {
      ObjectNode h = hosts.addObject();
      h.put("domain", vh.domain());
      ArrayNode routes = h.putArray("routes");
      for (Route r : vh.routes()) {
        ObjectNode o = routes.addObject();
        o.put("name", r.name());
        o.put("match", r.path().toString());
        if (!r.conditions().isEmpty()) o.put("conditions", r.conditions().toString());
        if (r.policy().redirect() == null) o.put("cluster", r.cluster());
        o.put("source", r.source());
        if (!r.policy().isNone()) o.set("policy", policy(r.policy()));
        PluginChain chain = plugins.forRoute(r);
        if (chain != null) o.set("plugins", plugins(chain));
      }
    }
    return hosts;
  }

  /** The Gateway API listeners: each Gateway port with its hostnames, certificates and routes. */
  public static ArrayNode listeners(GatewayListeners listeners) {
    return listeners(listeners, io.higressj.config.plugin.PluginChains.EMPTY);
  }

  /** The Gateway API listeners with each route's plugins. */
  public static ArrayNode listeners(GatewayListeners listeners, io.higressj.config.plugin.PluginChains plugins) {
    ArrayNode out = JSON.arrayNode();
    for (ListenerConfig l : listeners.all()) {
      ObjectNode o = out.addObject();
      o.put("key", l.key());
      o.put("protocol", l.protocol().name());
      ArrayNode names = o.putArray("hostnames");
      l.hostnames().forEach(names::add);
      if (l.protocol() == ListenerConfig.Protocol.HTTPS) {
        ObjectNode tls = o.putObject("tls");
        ObjectNode byHost = tls.putObject("hosts");
        for (Map.Entry<String, CertificateConfig> e : new TreeMap<>(l.tls().byHost()).entrySet()) byHost.put(e.getKey(), e.getValue().secret());
        if (l.tls().defaultCertificate() == null) tls.putNull("default");
        else tls.put("default", l.tls().defaultCertificate().secret());
      }
      if (l.protocol() == ListenerConfig.Protocol.HTTP || l.protocol() == ListenerConfig.Protocol.HTTPS) {
        o.set("virtualHosts", virtualHosts(l.routes(), plugins));
      }
      if (!l.passthrough().isEmpty()) {
        ArrayNode p = o.putArray("passthrough");
        for (ListenerConfig.SniRoute r : l.passthrough()) {
          ObjectNode e = p.addObject().put("host", r.host()).put("source", r.source());
          ArrayNode cs = e.putArray("clusters");
          for (RoutePolicy.WeightedCluster c : r.clusters()) cs.addObject().put("cluster", c.cluster()).put("weight", c.weight());
        }
      }
      if (!l.tcpClusters().isEmpty()) {
        ArrayNode cs = o.putArray("tcpClusters");
        for (RoutePolicy.WeightedCluster c : l.tcpClusters()) cs.addObject().put("cluster", c.cluster()).put("weight", c.weight());
      }
    }
    return out;
  }

  /** A route's plugins in chain order: name, where its configuration comes from, domain rules left to check. */
  private static ArrayNode plugins(PluginChain chain) {
    ArrayNode a = JSON.arrayNode();
    for (PluginBinding b : chain.bindings()) {
      ObjectNode o = a.addObject();
      o.put("name", b.plugin());
      o.put("phase", b.phase().name());
      o.put("priority", b.priority());
      o.put("config", b.config() == null ? "disabled (" + b.configFrom() + ")" : b.configFrom());
      for (PluginBinding.DomainRule d : b.domainRules()) {
        o.withArray("domainRules").add(d.from() + " " + d.domains() + (d.config() == null ? " disabled" : ""));
      }
    }
    return a;
  }

  private static ObjectNode policy(RoutePolicy p) {
    ObjectNode o = JSON.objectNode();
    if (!p.weightedClusters().isEmpty()) {
      ArrayNode w = o.putArray("weightedClusters");
      for (RoutePolicy.WeightedCluster c : p.weightedClusters()) {
        ObjectNode e = w.addObject().put("cluster", c.cluster()).put("weight", c.weight());
        if (!c.requestHeaders().isEmpty()) e.put("requestHeaders", c.requestHeaders().toString());
        if (!c.responseHeaders().isEmpty()) e.put("responseHeaders", c.responseHeaders().toString());
      }
    }
    if (p.redirect() != null) o.put("redirect", p.redirect().toString());
    if (p.rewrite() != null) o.put("rewrite", p.rewrite().toString());
    if (!p.requestHeaders().isEmpty()) o.put("requestHeaders", p.requestHeaders().toString());
    if (!p.responseHeaders().isEmpty()) o.put("responseHeaders", p.responseHeaders().toString());
    if (p.timeout() != null) o.put("timeout", p.timeout().toString());
    if (p.cors() != null) o.put("cors", p.cors().toString());
    if (p.rateLimit() != null) o.put("rateLimit", p.rateLimit().toString());
    if (p.ipAccess() != null) o.put("ipAccess", p.ipAccess().toString());
    if (p.retry() != null) o.put("retry", p.retry().toString());
    for (RoutePolicy.Mirror m = p.mirror(); m != null; m = m.next()) {
      String text = m.cluster() + " (" + m.percentage() + "%)";
      o.put("mirror", o.has("mirror") ? o.get("mirror").asText() + ", " + text : text);
    }
    if (p.fallback() != null) o.put("fallback", p.fallback().toString());
    if (p.limits() != null) o.put("limits", p.limits().toString());
    return o;
  }

  public static ObjectNode toJson(Problem p) {
    ObjectNode o = JSON.objectNode();
    o.put("severity", p.severity().name());
    o.put("object", p.object());
    o.put("field", p.field());
    o.put("message", p.message());
    o.put("origin", p.origin());
    return o;
  }

  /** The problems alone, e.g. for a {@code validate} command. */
  public static ArrayNode toJson(List<Problem> problems) {
    ArrayNode a = JSON.arrayNode();
    for (Problem p : problems) a.add(toJson(p));
    return a;
  }
}
