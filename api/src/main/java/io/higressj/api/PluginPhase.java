package io.higressj.api;

/**
 * The phases of a WasmPlugin, in chain order: AUTHN first, then AUTHZ, then STATS, then plugins
 * without a phase (Higress's UNSPECIFIED_PHASE). Within a phase, higher priority runs first.
 */
public enum PluginPhase {
  AUTHN,
  AUTHZ,
  STATS,
  UNSPECIFIED_PHASE
}
