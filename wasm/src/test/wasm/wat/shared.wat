;; shared: ticks every 10 ms (proxy_on_tick increments the counter metric wasm_test_ticks and sets
;; shared data "ticked" = "yes" with compare-and-swap); each request enqueues its :path on the
;; shared queue "paths", and proxy_on_queue_ready stores the dequeued path as shared data
;; "last-path". Requests get x-ticked and x-last-path headers from the shared data.
(module
  (import "env" "proxy_set_tick_period_milliseconds" (func $set_tick (param i32) (result i32)))
  (import "env" "proxy_get_shared_data" (func $get_shared (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_shared_data" (func $set_shared (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_register_shared_queue" (func $register_queue (param i32 i32 i32) (result i32)))
  (import "env" "proxy_enqueue_shared_queue" (func $enqueue (param i32 i32 i32) (result i32)))
  (import "env" "proxy_dequeue_shared_queue" (func $dequeue (param i32 i32 i32) (result i32)))
  (import "env" "proxy_define_metric" (func $define_metric (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_increment_metric" (func $increment_metric (param i32 i64) (result i32)))
  (import "env" "proxy_get_header_map_value" (func $get_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add_header (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (global $metric (mut i32) (i32.const 0))
  (global $queue (mut i32) (i32.const 0))
  (data (i32.const 1024) "wasm_test_ticks")
  (data (i32.const 1040) "paths")
  (data (i32.const 1048) "ticked")
  (data (i32.const 1056) "yes")
  (data (i32.const 1064) "last-path")
  (data (i32.const 1080) ":path")
  (data (i32.const 1088) "x-ticked")
  (data (i32.const 1104) "x-last-path")

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

  (func (export "proxy_on_vm_start") (param $root i32) (param i32) (result i32)
    (if (i32.ne (call $define_metric (i32.const 0) (i32.const 1024) (i32.const 15) (i32.const 16)) (i32.const 0))
      (then (return (i32.const 0))))
    (global.set $metric (i32.load (i32.const 16)))
    (if (i32.ne (call $register_queue (i32.const 1040) (i32.const 5) (i32.const 20)) (i32.const 0))
      (then (return (i32.const 0))))
    (global.set $queue (i32.load (i32.const 20)))
    (i32.const 1))

  (func (export "proxy_on_configure") (param i32 i32) (result i32)
    (i32.eqz (call $set_tick (i32.const 10))))

  (func (export "proxy_on_tick") (param $root i32)
    (drop (call $increment_metric (global.get $metric) (i64.const 1)))
    (if (i32.eqz (call $get_shared (i32.const 1048) (i32.const 6) (i32.const 0) (i32.const 4) (i32.const 24)))
      (then (drop (call $set_shared (i32.const 1048) (i32.const 6) (i32.const 1056) (i32.const 3)
                    (i32.load (i32.const 24)))))
      (else (drop (call $set_shared (i32.const 1048) (i32.const 6) (i32.const 1056) (i32.const 3)
                    (i32.const 0))))))

  (func (export "proxy_on_queue_ready") (param $root i32) (param $id i32)
    (if (i32.eqz (call $dequeue (local.get $id) (i32.const 32) (i32.const 36)))
      (then (drop (call $set_shared (i32.const 1064) (i32.const 9)
                    (i32.load (i32.const 32)) (i32.load (i32.const 36)) (i32.const 0))))))

  (func (export "proxy_on_request_headers") (param $ctx i32) (param $n i32) (param $eos i32) (result i32)
    (if (i32.eqz (call $get_shared (i32.const 1048) (i32.const 6) (i32.const 0) (i32.const 4) (i32.const 24)))
      (then (drop (call $add_header (i32.const 0) (i32.const 1088) (i32.const 8)
                    (i32.load (i32.const 0)) (i32.load (i32.const 4))))))
    (if (i32.eqz (call $get_shared (i32.const 1064) (i32.const 9) (i32.const 0) (i32.const 4) (i32.const 24)))
      (then (drop (call $add_header (i32.const 0) (i32.const 1104) (i32.const 11)
                    (i32.load (i32.const 0)) (i32.load (i32.const 4))))))
    (if (i32.eqz (call $get_header (i32.const 0) (i32.const 1080) (i32.const 5) (i32.const 0) (i32.const 4)))
      (then (drop (call $enqueue (global.get $queue) (i32.load (i32.const 0)) (i32.load (i32.const 4))))))
    (i32.const 0)))
