// as-headers: an AssemblyScript plugin on @solo-io/proxy-runtime 0.1.8. Adds x-as-config (the
// plugin configuration) and x-as-path (the request's :path) to the request, x-as-response: yes to
// the response, and answers 403 itself for the path /as-deny.
export * from "@solo-io/proxy-runtime/proxy";
import {
  RootContext,
  Context,
  registerRootContext,
  FilterHeadersStatusValues,
  stream_context,
  send_local_response,
  GrpcStatusValues,
} from "@solo-io/proxy-runtime";

class HeadersRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new Headers(context_id, this);
  }
}

class Headers extends Context {
  constructor(context_id: u32, root_context: HeadersRoot) {
    super(context_id, root_context);
  }

  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const path = stream_context.headers.request.get(":path");
    if (path == "/as-deny") {
      send_local_response(403, "denied", String.UTF8.encode("denied by assemblyscript"), [], GrpcStatusValues.Unknown);
      return FilterHeadersStatusValues.StopIteration;
    }
    stream_context.headers.request.add("x-as-config", this.root_context.getConfiguration());
    stream_context.headers.request.add("x-as-path", path);
    return FilterHeadersStatusValues.Continue;
  }

  onResponseHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    stream_context.headers.response.add("x-as-response", "yes");
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => {
  return new HeadersRoot(context_id);
}, "as-headers");
