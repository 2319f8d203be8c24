;; deny: answers 401 "missing token" (with x-denied-by: wasm) when the request has no x-token
;; header; with x-token: echo it answers 200 with the request's own header map as headers.
(module
  (import "env" "proxy_get_header_map_value" (func $get_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_header_map_pairs" (func $get_pairs (param i32 i32 i32) (result i32)))
  (import "env" "proxy_send_local_response"
    (func $local_response (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (data (i32.const 1024) "x-token")
  (data (i32.const 1040) "missing token")
  ;; one pair: x-denied-by: wasm (29 bytes)
  (data (i32.const 1060) "\01\00\00\00\0b\00\00\00\04\00\00\00x-denied-by\00wasm\00")

  (func (export "proxy_abi_version_0_2_1"))

  (func (export "proxy_on_memory_allocate") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap
      (i32.and (i32.add (i32.add (global.get $heap) (local.get $size)) (i32.const 7)) (i32.const -8)))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow
        (i32.add (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
                            (i32.const 65536)) (i32.const 1))))))
    (local.get $p))

  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))

  (func (export "proxy_on_request_headers") (param $ctx i32) (param $n i32) (param $eos i32) (result i32)
    (if (i32.ne (call $get_header (i32.const 0) (i32.const 1024) (i32.const 7) (i32.const 0) (i32.const 4))
                (i32.const 0))
      (then
        (drop (call $local_response (i32.const 401) (i32.const 0) (i32.const 0)
          (i32.const 1040) (i32.const 13) (i32.const 1060) (i32.const 29) (i32.const -1)))
        (return (i32.const 1))))
    ;; "echo" is 0x6f686365 little endian
    (if (i32.and (i32.eq (i32.load (i32.const 4)) (i32.const 4))
                 (i32.eq (i32.load (i32.load (i32.const 0))) (i32.const 0x6f686365)))
      (then
        (drop (call $get_pairs (i32.const 0) (i32.const 8) (i32.const 12)))
        (drop (call $local_response (i32.const 200) (i32.const 0) (i32.const 0)
          (i32.const 0) (i32.const 0) (i32.load (i32.const 8)) (i32.load (i32.const 12)) (i32.const -1)))
        (return (i32.const 1))))
    (i32.const 0)))
