;; Echo: the output is the input, unchanged (any JSON value). Logs one line.
;; ABI v1 (docs/ari.md): exports memory, ari_alloc, ari_run; imports ari.output and ari.log.
(module
  (import "ari" "output" (func $output (param i32 i32)))
  (import "ari" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "echo: returning the input")
  ;; Bump allocator above the data; grows the memory as needed.
  (global $heap (mut i32) (i32.const 1024))
  (func (export "ari_alloc") (param $len i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (i32.shl (memory.size) (i32.const 16))) (i32.const 16)) (i32.const 1)))
                    (i32.const -1))
          (then (unreachable)))))
    (global.set $heap (local.get $end))
    (local.get $ptr))
  (func (export "ari_run") (param $ptr i32) (param $len i32) (result i32)
    (call $log (i32.const 0) (i32.const 25))
    (call $output (local.get $ptr) (local.get $len))
    (i32.const 0)))
