/**
 * Running cases: {@link io.higressj.conformance.run.CaseExecutor} applies a case's objects, performs
 * its steps, evaluates its assertions with the retry and consistency rules of FORMAT.md section 8
 * ({@link io.higressj.conformance.run.RetryLoop}) and restores the base state afterwards.
 */
package io.higressj.conformance.run;
