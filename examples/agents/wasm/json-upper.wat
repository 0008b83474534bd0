;; JSON transformer: any JSON value in, {"upper":<the same value with every ASCII letter inside strings upper-cased>} out.
;; Escapes are left as they are (the byte after a backslash is copied unchanged), so the output stays valid JSON.
(module
  (import "ari" "output" (func $output (param i32 i32)))
  (import "ari" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"upper\":")
  (data (i32.const 16) "json-upper: transforming")
  (global $heap (mut i32) (i32.const 1024))
  (func $alloc (export "ari_alloc") (param $len i32) (result i32)
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
    (local $out i32) (local $i i32) (local $b i32) (local $instr i32) (local $escaped i32)
    (call $log (i32.const 16) (i32.const 24))
    (local.set $out (call $alloc (i32.add (local.get $len) (i32.const 10))))
    (memory.copy (local.get $out) (i32.const 0) (i32.const 9))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $b (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (if (local.get $escaped)
          (then (local.set $escaped (i32.const 0)))
          (else
            (if (i32.eq (local.get $b) (i32.const 34))
              (then (local.set $instr (i32.eqz (local.get $instr))))
              (else
                (if (i32.and (local.get $instr) (i32.eq (local.get $b) (i32.const 92)))
                  (then (local.set $escaped (i32.const 1)))
                  (else
                    (if (i32.and (local.get $instr)
                                 (i32.and (i32.ge_u (local.get $b) (i32.const 97)) (i32.le_u (local.get $b) (i32.const 122))))
                      (then (local.set $b (i32.sub (local.get $b) (i32.const 32)))))))))))
        (i32.store8 (i32.add (i32.add (local.get $out) (i32.const 9)) (local.get $i)) (local.get $b))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store8 (i32.add (i32.add (local.get $out) (i32.const 9)) (local.get $len)) (i32.const 125))
    (call $output (local.get $out) (i32.add (local.get $len) (i32.const 10)))
    (i32.const 0)))
