/* The part of the proxy-wasm ABI 0.2.1 our C test plugins use: host imports, a bump allocator
 * and the few libc functions clang may call. Freestanding: no libc, no WASI. */
#ifndef HIGRESSJ_PROXY_WASM_H
#define HIGRESSJ_PROXY_WASM_H

typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long size_t;

#define IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

enum { MAP_REQUEST_HEADERS = 0, MAP_RESPONSE_HEADERS = 2 };
enum { LOG_INFO = 2 };

IMPORT(proxy_log) int proxy_log(u32 level, const char *msg, size_t len);
IMPORT(proxy_get_log_level) int proxy_get_log_level(u32 *level);
IMPORT(proxy_get_current_time_nanoseconds) int proxy_get_current_time_nanoseconds(u64 *nanos);
IMPORT(proxy_get_property) int proxy_get_property(const char *path, size_t len, char **value, size_t *value_len);
IMPORT(proxy_set_property) int proxy_set_property(const char *path, size_t len, const char *value, size_t value_len);
IMPORT(proxy_get_header_map_value) int proxy_get_header_map_value(u32 map, const char *key, size_t key_len, char **value, size_t *value_len);
IMPORT(proxy_add_header_map_value) int proxy_add_header_map_value(u32 map, const char *key, size_t key_len, const char *value, size_t value_len);
IMPORT(proxy_replace_header_map_value) int proxy_replace_header_map_value(u32 map, const char *key, size_t key_len, const char *value, size_t value_len);
IMPORT(proxy_remove_header_map_value) int proxy_remove_header_map_value(u32 map, const char *key, size_t key_len);
IMPORT(proxy_get_header_map_pairs) int proxy_get_header_map_pairs(u32 map, char **data, size_t *len);
IMPORT(proxy_set_header_map_pairs) int proxy_set_header_map_pairs(u32 map, const char *data, size_t len);
IMPORT(proxy_get_header_map_size) int proxy_get_header_map_size(u32 map, size_t *size);
IMPORT(proxy_http_call) int proxy_http_call(const char *upstream, size_t upstream_len, const char *headers, size_t headers_len, const char *body, size_t body_len, const char *trailers, size_t trailers_len, u32 timeout_ms, u32 *token);

extern unsigned char __heap_base;
static unsigned long heap_top;

void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

static size_t str_len(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

static int mem_eq(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

EXPORT(proxy_on_memory_allocate) void *proxy_on_memory_allocate(size_t size) {
  if (heap_top == 0) heap_top = (unsigned long)&__heap_base;
  unsigned long p = (heap_top + 7) & ~7UL;
  heap_top = p + size;
  unsigned long have = __builtin_wasm_memory_size(0) * 65536UL;
  if (heap_top > have) __builtin_wasm_memory_grow(0, (heap_top - have + 65535) / 65536);
  return (void *)p;
}

EXPORT(proxy_abi_version_0_2_1) void proxy_abi_version_0_2_1(void) {}

static void add_header(u32 map, const char *name, const char *value, size_t value_len) {
  proxy_add_header_map_value(map, name, str_len(name), value, value_len);
}

#endif
