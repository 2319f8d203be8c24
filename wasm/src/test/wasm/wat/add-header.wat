;; add-header: adds a request header and a response header named by the configuration
;; {"name": "<header>", "value": "<value>"} (the 2nd and 4th JSON strings), and copies the
;; route_name and request.url_path properties into x-route and x-url-path request headers.
;; A configuration without both strings is rejected by proxy_on_configure.
(module
  (import "env" "proxy_get_buffer_bytes" (func $get_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_property" (func $get_property (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (global $sp (mut i32) (i32.const 0))
  (global $sl (mut i32) (i32.const 0))
  (global $name_ptr (mut i32) (i32.const 0))
  (global $name_len (mut i32) (i32.const 0))
  (global $value_ptr (mut i32) (i32.const 0))
  (global $value_len (mut i32) (i32.const 0))
  ;; 0..7: pointer and size the host returns
  (data (i32.const 1024) "route_name")
  (data (i32.const 1040) "request\00url_path")
  (data (i32.const 1060) "x-route")
  (data (i32.const 1070) "x-url-path")
  (data (i32.const 1090) "on_log")

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

  ;; finds the n-th double-quoted string of [p, p+len) into $sp/$sl
  (func $nth (param $p i32) (param $len i32) (param $n i32) (result i32)
    (local $i i32) (local $start i32) (local $count i32) (local $in i32)
    (block $done
      (loop $scan
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 34))
          (then
            (if (local.get $in)
              (then
                (if (i32.eq (local.get $count) (local.get $n))
                  (then
                    (global.set $sp (i32.add (local.get $p) (local.get $start)))
                    (global.set $sl (i32.sub (local.get $i) (local.get $start)))
                    (return (i32.const 1))))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (local.set $in (i32.const 0)))
              (else
                (local.set $in (i32.const 1))
                (local.set $start (i32.add (local.get $i) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (i32.const 0))

  (func (export "proxy_on_context_create") (param i32 i32))

  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))

  (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
    (if (i32.ne (call $get_buffer (i32.const 7) (i32.const 0) (local.get $size) (i32.const 0) (i32.const 4))
                (i32.const 0))
      (then (return (i32.const 0))))
    (if (i32.eqz (call $nth (i32.load (i32.const 0)) (i32.load (i32.const 4)) (i32.const 1)))
      (then (return (i32.const 0))))
    (global.set $name_ptr (global.get $sp))
    (global.set $name_len (global.get $sl))
    (if (i32.eqz (call $nth (i32.load (i32.const 0)) (i32.load (i32.const 4)) (i32.const 3)))
      (then (return (i32.const 0))))
    (global.set $value_ptr (global.get $sp))
    (global.set $value_len (global.get $sl))
    (i32.ne (global.get $name_len) (i32.const 0)))

  (func (export "proxy_on_request_headers") (param $ctx i32) (param $n i32) (param $eos i32) (result i32)
    (drop (call $add_header (i32.const 0)
      (global.get $name_ptr) (global.get $name_len) (global.get $value_ptr) (global.get $value_len)))
    (if (i32.eqz (call $get_property (i32.const 1024) (i32.const 10) (i32.const 0) (i32.const 4)))
      (then (drop (call $add_header (i32.const 0) (i32.const 1060) (i32.const 7)
                    (i32.load (i32.const 0)) (i32.load (i32.const 4))))))
    (if (i32.eqz (call $get_property (i32.const 1040) (i32.const 16) (i32.const 0) (i32.const 4)))
      (then (drop (call $add_header (i32.const 0) (i32.const 1070) (i32.const 10)
                    (i32.load (i32.const 0)) (i32.load (i32.const 4))))))
    (i32.const 0))

  (func (export "proxy_on_response_headers") (param $ctx i32) (param $n i32) (param $eos i32) (result i32)
    (drop (call $add_header (i32.const 2)
      (global.get $name_ptr) (global.get $name_len) (global.get $value_ptr) (global.get $value_len)))
    (i32.const 0))

  (func (export "proxy_on_log") (param $ctx i32)
    (drop (call $log (i32.const 2) (i32.const 1090) (i32.const 6))))

  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
  (func (export "proxy_on_delete") (param i32)))
