/**
 * Overload protection: how much memory is in use, sampled off the event loops, so that the data plane
 * can refuse new work with 503 before the JVM runs out of memory.
 */
package io.higressj.proxy.overload;
