/* properties: copies request properties into x-p-* request headers, edits request headers
 * (remove, replace, :path), round-trips a property it sets itself, and rewrites the response
 * header map with set_header_map_pairs (adding x-c-plugin: yes). */
#include "proxy_wasm.h"

static const char *const PROPERTIES[] = {
    "request\0path",   "request\0url_path", "request\0host",   "request\0scheme",
    "request\0method", "request\0id",       "request\0query",  "source\0address",
    "plugin_name",     "plugin_vm_id",      "plugin_root_id",  "route_name",
    "cluster_name",    "xds\0route_name",   "request\0protocol",
};
static const size_t PROPERTY_LENGTHS[] = {12, 16, 12, 14, 14, 10, 13, 14, 11, 12, 14, 10, 12, 14, 16};
static const char *const HEADERS[] = {
    "x-p-path",         "x-p-url-path",     "x-p-host",       "x-p-scheme",
    "x-p-method",       "x-p-id",           "x-p-query",      "x-p-source",
    "x-p-plugin-name",  "x-p-vm-id",        "x-p-root-id",    "x-p-route",
    "x-p-cluster",      "x-p-xds-route",    "x-p-protocol",
};

EXPORT(proxy_on_context_create) void on_context_create(u32 id, u32 parent) {}
EXPORT(proxy_on_vm_start) int on_vm_start(u32 id, u32 size) { return 1; }
EXPORT(proxy_on_configure) int on_configure(u32 id, u32 size) { return 1; }

EXPORT(proxy_on_request_headers) int on_request_headers(u32 id, u32 headers, u32 end_of_stream) {
  char *value;
  size_t len;
  for (size_t i = 0; i < sizeof PROPERTIES / sizeof PROPERTIES[0]; i++) {
    if (proxy_get_property(PROPERTIES[i], PROPERTY_LENGTHS[i], &value, &len) == 0)
      add_header(MAP_REQUEST_HEADERS, HEADERS[i], value, len);
  }
  /* request.time is an 8-byte nanosecond timestamp close to the host's clock */
  u64 now = 0;
  proxy_get_current_time_nanoseconds(&now);
  if (proxy_get_property("request\0time", 12, &value, &len) == 0 && len == 8) {
    u64 t;
    memcpy(&t, value, 8);
    if (t > 0 && t <= now && now - t < 60ULL * 1000000000ULL) add_header(MAP_REQUEST_HEADERS, "x-p-time", "ok", 2);
  }
  if (proxy_set_property("my\0key", 6, "my-value", 8) == 0 &&
      proxy_get_property("my\0key", 6, &value, &len) == 0)
    add_header(MAP_REQUEST_HEADERS, "x-p-own", value, len);
  proxy_remove_header_map_value(MAP_REQUEST_HEADERS, "x-remove-me", 11);
  proxy_replace_header_map_value(MAP_REQUEST_HEADERS, "x-replace-me", 12, "replaced", 8);
  if (proxy_get_header_map_value(MAP_REQUEST_HEADERS, ":path", 5, &value, &len) == 0 && len >= 5 &&
      mem_eq(value, "/old/", 5)) {
    char *path = proxy_on_memory_allocate(len);
    memcpy(path, "/new/", 5);
    memcpy(path + 5, value + 5, len - 5);
    proxy_replace_header_map_value(MAP_REQUEST_HEADERS, ":path", 5, path, len);
  }
  /* the log level the host reports is one of trace .. critical */
  u32 level = 99;
  if (proxy_get_log_level(&level) == 0 && level <= 5) add_header(MAP_REQUEST_HEADERS, "x-p-log-level", "ok", 2);
  /* an HTTP call needs :method, :path and :authority */
  u32 token;
  static const char no_path[] = "\1\0\0\0\7\0\0\0\3\0\0\0:method\0GET\0";
  if (proxy_http_call("c", 1, no_path, sizeof no_path - 1, 0, 0, 0, 0, 100, &token) == 2)
    add_header(MAP_REQUEST_HEADERS, "x-p-bad-call", "rejected", 8);
  proxy_log(LOG_INFO, "c plugin saw the request", 24);
  return 0;
}

EXPORT(proxy_on_response_headers) int on_response_headers(u32 id, u32 headers, u32 end_of_stream) {
  char *pairs;
  size_t len;
  size_t size;
  if (proxy_get_header_map_pairs(MAP_RESPONSE_HEADERS, &pairs, &len) != 0) return 0;
  if (proxy_get_header_map_size(MAP_RESPONSE_HEADERS, &size) != 0 || size != len) return 0;
  /* append one pair: count + 1, a new (key length, value length) entry, then "x-c-plugin\0yes\0" */
  u32 count;
  memcpy(&count, pairs, 4);
  size_t index_end = 4 + count * 8;
  static const char key[] = "x-c-plugin";
  static const char val[] = "yes";
  size_t out_len = len + 8 + sizeof key + sizeof val;
  char *out = proxy_on_memory_allocate(out_len);
  u32 new_count = count + 1, klen = sizeof key - 1, vlen = sizeof val - 1;
  memcpy(out, &new_count, 4);
  memcpy(out + 4, pairs + 4, count * 8);
  memcpy(out + index_end, &klen, 4);
  memcpy(out + index_end + 4, &vlen, 4);
  memcpy(out + index_end + 8, pairs + index_end, len - index_end);
  char *tail = out + 8 + len;
  memcpy(tail, key, sizeof key);
  memcpy(tail + sizeof key, val, sizeof val);
  proxy_set_header_map_pairs(MAP_RESPONSE_HEADERS, out, out_len);
  return 0;
}
