;; Hostile: writes log lines forever: log-limit.
(module
  (import "ari" "output" (func $output (param i32 i32)))
  (import "ari" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "ari_alloc") (param $len i32) (result i32) (i32.const 1024))
  (data (i32.const 0) "flood")
  (func (export "ari_run") (param $ptr i32) (param $len i32) (result i32)
    (loop $flood
      (call $log (i32.const 0) (i32.const 5))
      (br $flood))
    (i32.const 0)))
