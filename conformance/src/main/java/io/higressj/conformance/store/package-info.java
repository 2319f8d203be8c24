/**
 * The runner's object store: it plays the Kubernetes API server for the gateway's configuration
 * directory. {@link io.higressj.conformance.store.ObjectStore} applies objects as {@code kubectl apply}
 * does (identified by group, kind, namespace and name; an existing object is replaced), keeps
 * {@code metadata.generation} and {@code creationTimestamp} as the API server would, applies merge
 * patches, and writes each object to its own file, atomically, so the gateway's directory watch
 * sees whole files only.
 */
package io.higressj.conformance.store;
