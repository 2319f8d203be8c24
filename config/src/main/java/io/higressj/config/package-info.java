/**
 * Configuration: the Kubernetes-shaped resource model ({@code resource}), the compiled snapshot the
 * data plane reads ({@code model}), the translators from resources to snapshots ({@code ingress}) and
 * the config sources ({@code source}).
 */
package io.higressj.config;
