package io.higressj.wasm;

/** Numbers of the proxy-wasm ABI 0.2.1 (status codes, map and buffer types, actions). */
final class Abi {
  private Abi() {}

  // WasmResult
  static final int OK = 0;
  static final int NOT_FOUND = 1;
  static final int BAD_ARGUMENT = 2;
  static final int SERIALIZATION_FAILURE = 3;
  static final int INVALID_MEMORY_ACCESS = 6;
  static final int EMPTY = 7;
  static final int CAS_MISMATCH = 8;
  static final int INTERNAL_FAILURE = 10;
  static final int UNIMPLEMENTED = 12;

  // MapType
  static final int MAP_REQUEST_HEADERS = 0;
  static final int MAP_REQUEST_TRAILERS = 1;
  static final int MAP_RESPONSE_HEADERS = 2;
  static final int MAP_RESPONSE_TRAILERS = 3;
  static final int MAP_HTTP_CALL_RESPONSE_HEADERS = 6;
  static final int MAP_HTTP_CALL_RESPONSE_TRAILERS = 7;

  // BufferType
  static final int BUFFER_REQUEST_BODY = 0;
  static final int BUFFER_RESPONSE_BODY = 1;
  static final int BUFFER_HTTP_CALL_RESPONSE_BODY = 4;
  static final int BUFFER_VM_CONFIGURATION = 6;
  static final int BUFFER_PLUGIN_CONFIGURATION = 7;
  static final int BUFFER_CALL_DATA = 8;

  // StreamType
  static final int STREAM_REQUEST = 0;
  static final int STREAM_RESPONSE = 1;

  // FilterHeadersStatus / FilterDataStatus: 0 continue, anything else stops
  static final int ACTION_CONTINUE = 0;

  // LogLevel
  static final int LOG_TRACE = 0;
  static final int LOG_DEBUG = 1;
  static final int LOG_INFO = 2;
  static final int LOG_WARN = 3;
  static final int LOG_ERROR = 4;
  static final int LOG_CRITICAL = 5;

  // MetricType
  static final int METRIC_COUNTER = 0;
  static final int METRIC_GAUGE = 1;
  static final int METRIC_HISTOGRAM = 2;

  // WASI errno
  static final int WASI_ESUCCESS = 0;
  static final int WASI_EBADF = 8;
  static final int WASI_EINVAL = 28;
  static final int WASI_ENOSYS = 52;
}
