/**
 * A plugin test host: drives a {@link io.higressj.api.PluginFactory} or an {@link
 * io.higressj.api.HttpFilter} through the request and response phases without sockets, records local
 * replies, resumes and callouts (which the test answers), and checks that onDone runs exactly once.
 */
package io.higressj.testing.plugin;
