;; trap: with an x-trap request header it executes `unreachable`; with x-exit it calls WASI
;; proc_exit(3); with x-print it writes "hello from wasi" to stdout. Otherwise it adds
;; x-survived: yes, and x-unimplemented: yes when an import this host does not know (linked to a
;; stub) answered Unimplemented (12).
(module
  (import "env" "proxy_get_header_map_value" (func $get_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "higress_ext" "mystery" (func $mystery (param i32) (result i32)))
  (import "env" "proxy_grpc_call"
    (func $grpc_call (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "some_void_extension" (func $void_ext (param i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (data (i32.const 1024) "x-trap")
  (data (i32.const 1040) "x-exit")
  (data (i32.const 1056) "x-print")
  (data (i32.const 1072) "x-survived")
  (data (i32.const 1088) "yes")
  (data (i32.const 1104) "x-unimplemented")
  (data (i32.const 1128) "hello from wasi\n")
  ;; iovec {1128, 16} at 1152
  (data (i32.const 1152) "\68\04\00\00\10\00\00\00")

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

  (func $has (param $name i32) (param $len i32) (result i32)
    (i32.eqz (call $get_header (i32.const 0) (local.get $name) (local.get $len) (i32.const 0) (i32.const 4))))

  (func (export "proxy_on_request_headers") (param $ctx i32) (param $n i32) (param $eos i32) (result i32)
    (if (call $has (i32.const 1024) (i32.const 6)) (then unreachable))
    (if (call $has (i32.const 1040) (i32.const 6)) (then (call $exit (i32.const 3))))
    (if (call $has (i32.const 1056) (i32.const 7))
      (then (drop (call $fd_write (i32.const 1) (i32.const 1152) (i32.const 1) (i32.const 16)))))
    (call $void_ext (i32.const 1))
    (if (i32.and
          (i32.eq (call $mystery (i32.const 0)) (i32.const 12))
          (i32.eq (call $grpc_call (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
                    (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
                    (i32.const 16)) (i32.const 12)))
      (then (drop (call $add_header (i32.const 0) (i32.const 1104) (i32.const 15) (i32.const 1088) (i32.const 3)))))
    (drop (call $add_header (i32.const 0) (i32.const 1072) (i32.const 10) (i32.const 1088) (i32.const 3)))
    (i32.const 0)))
