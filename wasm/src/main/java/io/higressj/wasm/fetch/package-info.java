/**
 * Fetching Wasm modules by a WasmPlugin's {@code url} ({@code file://}, {@code http(s)://}, {@code
 * oci://}) with sha256 checks and a disk cache by digest ({@link
 * io.higressj.wasm.fetch.ModuleFetcher}).
 */
package io.higressj.wasm.fetch;
