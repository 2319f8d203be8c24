/**
 * The Gateway API translator: {@code gateway.networking.k8s.io} GatewayClass, Gateway, HTTPRoute,
 * GRPCRoute, TLSRoute, TCPRoute and ReferenceGrant objects, with the Services, Endpoints, EndpointSlices,
 * Secrets and Namespaces they refer to, become Gateway listeners (each with its own route table and
 * certificates), clusters, and the status the specification asks for. Pure: no I/O, no clock.
 */
package io.higressj.config.gatewayapi;
