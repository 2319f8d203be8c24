/**
 * The Kubernetes Ingress translator: {@code networking.k8s.io/v1} Ingress objects with their
 * Services, Endpoints, EndpointSlices and TLS Secrets become a {@link io.higressj.config.model.Snapshot}.
 * Pure: no I/O, no clock.
 */
package io.higressj.config.ingress;
