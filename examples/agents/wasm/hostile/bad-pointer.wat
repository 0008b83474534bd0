;; Hostile: hands the runtime an address outside its memory: abi-violation.
(module
  (import "ari" "output" (func $output (param i32 i32)))
  (import "ari" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "ari_alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "ari_run") (param $ptr i32) (param $len i32) (result i32)
    (call $output (i32.const -16) (i32.const 64))
    (i32.const 0)))
