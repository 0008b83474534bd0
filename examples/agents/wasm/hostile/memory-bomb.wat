;; Hostile: grows its memory a page at a time until refused, then aborts (as an allocator does on failure): memory-limit.
(module
  (import "ari" "output" (func $output (param i32 i32)))
  (import "ari" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "ari_alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "ari_run") (param $ptr i32) (param $len i32) (result i32)
    (loop $grow
      (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (unreachable)))
