/**
 * The corpus format ({@code FORMAT.md} of {@code ../shared/conformance/higress} and
 * {@code ../shared/conformance/gateway-api}) as records: {@link io.higressj.conformance.corpus.CorpusReader}
 * reads a corpus directory, its {@code _base/base.yaml}, each {@code <Case>/case.yaml} and the
 * manifests. Reading validates; an error names the file and the field
 * ({@code HTTPRouteX/case.yaml: assertions[2].request.method: missing}). Unknown fields are errors:
 * a runner that ignored an expectation it does not know could report a false PASS.
 */
package io.higressj.conformance.corpus;
