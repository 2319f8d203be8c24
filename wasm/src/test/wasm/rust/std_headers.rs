//! rust-std: a Rust plugin on the standard library for wasm32-wasi, without an SDK. It exercises
//! what a real runtime needs from the host at start-up and after: the allocator, `println!` and
//! `eprintln!` (WASI fd_write), `SystemTime` (clock_time_get) and `HashMap` (random_get). It adds
//! x-rust-headers (how many request headers, pseudo-headers included), x-rust-config (the plugin
//! configuration) and x-rust-clock: ok (the wall clock is after 2020) to the request.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

#[link(wasm_import_module = "env")]
extern "C" {
    fn proxy_get_buffer_bytes(kind: u32, start: u32, max: u32, data: *mut *mut u8, len: *mut usize) -> u32;
    fn proxy_get_header_map_pairs(kind: u32, data: *mut *mut u8, len: *mut usize) -> u32;
    fn proxy_add_header_map_value(kind: u32, key: *const u8, key_len: usize, value: *const u8, value_len: usize) -> u32;
}

const PLUGIN_CONFIGURATION: u32 = 7;
const REQUEST_HEADERS: u32 = 0;

struct State {
    configs: HashMap<u32, String>,
    parents: HashMap<u32, u32>,
}

static mut STATE: Option<State> = None;

fn state() -> &'static mut State {
    unsafe {
        STATE.get_or_insert_with(|| State { configs: HashMap::new(), parents: HashMap::new() })
    }
}

/// takes ownership of memory the host filled through `proxy_on_memory_allocate`
fn take(data: *mut u8, len: usize) -> Vec<u8> {
    if data.is_null() || len == 0 {
        return Vec::new();
    }
    unsafe { Vec::from_raw_parts(data, len, len) }
}

fn add_request_header(name: &str, value: &str) {
    unsafe {
        proxy_add_header_map_value(REQUEST_HEADERS, name.as_ptr(), name.len(), value.as_ptr(), value.len());
    }
}

fn decode_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
    let count = u32_at(0);
    let mut at = 4 + count * 8;
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        let (k, v) = (u32_at(4 + n * 8), u32_at(8 + n * 8));
        let key = String::from_utf8_lossy(&bytes[at..at + k]).into_owned();
        at += k + 1;
        let value = String::from_utf8_lossy(&bytes[at..at + v]).into_owned();
        at += v + 1;
        out.push((key, value));
    }
    out
}

#[no_mangle]
pub extern "C" fn proxy_abi_version_0_2_1() {}

#[no_mangle]
pub extern "C" fn proxy_on_memory_allocate(size: usize) -> *mut u8 {
    let mut buffer: Vec<u8> = Vec::with_capacity(size);
    let pointer = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    pointer
}

#[no_mangle]
pub extern "C" fn proxy_on_context_create(context_id: u32, parent_id: u32) {
    if parent_id != 0 {
        state().parents.insert(context_id, parent_id);
    }
}

#[no_mangle]
pub extern "C" fn proxy_on_vm_start(_root_id: u32, _size: usize) -> u32 {
    1
}

#[no_mangle]
pub extern "C" fn proxy_on_configure(root_id: u32, size: usize) -> u32 {
    let mut data: *mut u8 = std::ptr::null_mut();
    let mut len: usize = 0;
    let status = unsafe { proxy_get_buffer_bytes(PLUGIN_CONFIGURATION, 0, size as u32, &mut data, &mut len) };
    if status != 0 {
        return 0;
    }
    let config = String::from_utf8_lossy(&take(data, len)).into_owned();
    println!("rust plugin configured with {}", config);
    state().configs.insert(root_id, config);
    1
}

#[no_mangle]
pub extern "C" fn proxy_on_request_headers(context_id: u32, _headers: usize, _end_of_stream: u32) -> u32 {
    let mut data: *mut u8 = std::ptr::null_mut();
    let mut len: usize = 0;
    if unsafe { proxy_get_header_map_pairs(REQUEST_HEADERS, &mut data, &mut len) } != 0 {
        return 0;
    }
    let headers: HashMap<String, String> = decode_pairs(&take(data, len)).into_iter().collect();
    add_request_header("x-rust-headers", &headers.len().to_string());
    let root = state().parents.get(&context_id).copied().unwrap_or(0);
    let config = state().configs.get(&root).cloned().unwrap_or_default();
    add_request_header("x-rust-config", &config);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    if now > 1_577_836_800 {
        add_request_header("x-rust-clock", "ok");
    }
    eprintln!("rust plugin saw {}", headers.get(":path").map(String::as_str).unwrap_or("?"));
    0
}

#[no_mangle]
pub extern "C" fn proxy_on_delete(context_id: u32) {
    state().parents.remove(&context_id);
}
