package io.higressj.proxy;

import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;

/**
 * Which routes a listener serves in a snapshot: the Ingress table for the gateway's own HTTP and HTTPS
 * ports, its own table for a Gateway API listener.
 */
public interface RouteSelector {
  /** The Ingress routes ({@link Snapshot#routes()}). */
  RouteSelector INGRESS = Snapshot::routes;

  RouteTable routes(Snapshot s);

  /**
   * Whether a TLS request for {@code host}, on a connection whose server name was {@code sni} (null: none),
   * must be refused with 421 because another listener serves that host.
   */
  default boolean misdirected(Snapshot s, String sni, String host) {
    return false;
  }
}
