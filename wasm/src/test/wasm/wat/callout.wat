;; callout: on request headers, calls GET /check on the cluster "auth-cluster" and pauses; on the
;; answer, copies its :status and body into x-auth-status and x-auth-body request headers and
;; continues, or answers 403 itself when the call answered 403, or 503 when the call failed.
(module
  (import "env" "proxy_http_call"
    (func $http_call (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_effective_context" (func $set_effective (param i32) (result i32)))
  (import "env" "proxy_get_header_map_value" (func $get_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_bytes" (func $get_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_continue_stream" (func $continue (param i32) (result i32)))
  (import "env" "proxy_send_local_response"
    (func $local_response (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (global $ctx (mut i32) (i32.const 0))
  (data (i32.const 1024) "auth-cluster")
  ;; :method GET, :path /check, :authority auth.local (75 bytes)
  (data (i32.const 1040) "\03\00\00\00\07\00\00\00\03\00\00\00\05\00\00\00\06\00\00\00\0a\00\00\00\0a\00\00\00"
                         ":method\00GET\00:path\00/check\00:authority\00auth.local\00")
  (data (i32.const 1120) ":status")
  (data (i32.const 1130) "x-auth-status")
  (data (i32.const 1150) "x-auth-body")
  (data (i32.const 1170) "denied by auth")
  (data (i32.const 1190) "auth unavailable")

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
    (global.set $ctx (local.get $ctx))
    (if (i32.ne (call $http_call (i32.const 1024) (i32.const 12) (i32.const 1040) (i32.const 75)
                  (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 500) (i32.const 16))
                (i32.const 0))
      (then (return (i32.const 0))))
    (i32.const 1))

  (func (export "proxy_on_http_call_response")
    (param $root i32) (param $id i32) (param $headers i32) (param $body i32) (param $trailers i32)
    (drop (call $set_effective (global.get $ctx)))
    (if (i32.eqz (local.get $headers))
      (then
        (drop (call $local_response (i32.const 503) (i32.const 0) (i32.const 0)
          (i32.const 1190) (i32.const 16) (i32.const 0) (i32.const 0) (i32.const -1)))
        (return)))
    (drop (call $get_header (i32.const 6) (i32.const 1120) (i32.const 7) (i32.const 0) (i32.const 4)))
    ;; "403": '4' '0' then '3'
    (if (i32.and (i32.eq (i32.load16_u (i32.load (i32.const 0))) (i32.const 0x3034))
                 (i32.eq (i32.load8_u (i32.add (i32.load (i32.const 0)) (i32.const 2))) (i32.const 0x33)))
      (then
        (drop (call $local_response (i32.const 403) (i32.const 0) (i32.const 0)
          (i32.const 1170) (i32.const 14) (i32.const 0) (i32.const 0) (i32.const -1)))
        (return)))
    (drop (call $add_header (i32.const 0) (i32.const 1130) (i32.const 13)
      (i32.load (i32.const 0)) (i32.load (i32.const 4))))
    (if (i32.gt_u (local.get $body) (i32.const 0))
      (then
        (drop (call $get_buffer (i32.const 4) (i32.const 0) (local.get $body) (i32.const 0) (i32.const 4)))
        (drop (call $add_header (i32.const 0) (i32.const 1150) (i32.const 11)
          (i32.load (i32.const 0)) (i32.load (i32.const 4))))))
    (drop (call $continue (i32.const 0)))))
