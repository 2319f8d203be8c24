/**
 * Config sources: where Kubernetes-shaped objects come from (a directory of YAML files here; the
 * Kubernetes informers and Nacos live in their own modules), all emitting the same resource model.
 */
package io.higressj.config.source;
