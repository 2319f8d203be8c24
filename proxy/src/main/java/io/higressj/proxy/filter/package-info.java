/**
 * The filter runner: runs a route's prebuilt plugin chain over one request (request headers with pause,
 * resume, local replies and reroute; request and response bodies streamed or buffered; onDone exactly
 * once), the header and body views plugins see, callouts through the gateway's upstream pools, and
 * the counting and logging of plugin failures.
 */
package io.higressj.proxy.filter;
