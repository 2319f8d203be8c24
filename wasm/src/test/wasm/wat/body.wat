;; body: stops at request headers (so the host buffers the body), then rewrites the whole request
;; body to "wasm:" + body + "!"; on the response, waits for the end of the body (streamed chunks are
;; held) and upper-cases it.
(module
  (import "env" "proxy_get_buffer_bytes" (func $get_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_buffer_bytes" (func $set_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (data (i32.const 1024) "wasm:")
  (data (i32.const 1032) "!")

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
    (i32.const 1))

  (func (export "proxy_on_request_body") (param $ctx i32) (param $size i32) (param $eos i32) (result i32)
    (if (i32.eqz (local.get $eos)) (then (return (i32.const 1))))
    (drop (call $set_buffer (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 1024) (i32.const 5)))
    (drop (call $set_buffer (i32.const 0) (i32.add (local.get $size) (i32.const 5)) (i32.const 0)
      (i32.const 1032) (i32.const 1)))
    (i32.const 0))

  (func (export "proxy_on_response_body") (param $ctx i32) (param $size i32) (param $eos i32) (result i32)
    (local $p i32) (local $i i32) (local $c i32)
    (if (i32.eqz (local.get $eos)) (then (return (i32.const 1))))
    (if (i32.ne (call $get_buffer (i32.const 1) (i32.const 0) (local.get $size) (i32.const 0) (i32.const 4))
                (i32.const 0))
      (then (return (i32.const 0))))
    (local.set $p (i32.load (i32.const 0)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 4))))
        (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then (i32.store8 (i32.add (local.get $p) (local.get $i)) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (drop (call $set_buffer (i32.const 1) (i32.const 0) (local.get $size) (local.get $p) (i32.load (i32.const 4))))
    (i32.const 0)))
