/**
 * What the gateway under test supports, as data: {@code capabilities.yaml} (a resource beside
 * {@link io.higressj.conformance.capability.Capabilities}) lists the kinds, annotations, plugins,
 * external services and upstream features the gateway handles today. A case that needs anything
 * else is skipped, never run, and the report names what is missing. Adding a feature to the
 * gateway means adding a line there.
 */
package io.higressj.conformance.capability;
