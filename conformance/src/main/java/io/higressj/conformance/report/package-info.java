/**
 * The results of a run: {@link io.higressj.conformance.report.RunReport} with one
 * {@link io.higressj.conformance.report.CaseResult} per case and one
 * {@link io.higressj.conformance.report.AssertionResult} per assertion, the console lines
 * ({@code PASS name}, {@code FAIL name: ...}, {@code SKIP name: needs ...}, and the final count) and
 * the JSON report.
 */
package io.higressj.conformance.report;
