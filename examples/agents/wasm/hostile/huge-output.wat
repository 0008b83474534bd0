;; Hostile: sets an output of 4 MiB (zeros): output-too-large.
(module
  (import "ari" "output" (func $output (param i32 i32)))
  (import "ari" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "ari_alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "ari_run") (param $ptr i32) (param $len i32) (result i32)
    (drop (memory.grow (i32.const 64)))
    (call $output (i32.const 0) (i32.const 4194304))
    (i32.const 0)))
