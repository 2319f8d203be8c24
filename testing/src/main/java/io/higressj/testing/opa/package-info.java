/**
 * An Open Policy Agent stand-in ({@link io.higressj.testing.opa.OpaServer}): OPA's REST API subset
 * for loading policies and querying decisions, over a small Rego subset ({@link
 * io.higressj.testing.opa.RegoPolicy}) that refuses anything it does not evaluate exactly.
 */
package io.higressj.testing.opa;
