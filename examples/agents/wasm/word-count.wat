;; Word counter: the input is a JSON string, e.g. "the quick brown fox"; the output is {"words":4}.
;; A word is a run of bytes between the quotes that are not space, tab, CR or LF (escapes count as word bytes).
;; Fails (ari_run returns 1) when the input is not a string.
(module
  (import "ari" "output" (func $output (param i32 i32)))
  (import "ari" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"words\":")
  (data (i32.const 16) "word-count: counting")
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
  (func $space (param $b i32) (result i32)
    (i32.or (i32.or (i32.eq (local.get $b) (i32.const 32)) (i32.eq (local.get $b) (i32.const 9)))
            (i32.or (i32.eq (local.get $b) (i32.const 10)) (i32.eq (local.get $b) (i32.const 13)))))
  (func (export "ari_run") (param $ptr i32) (param $len i32) (result i32)
    (local $i i32) (local $end i32) (local $words i32) (local $inword i32) (local $b i32) (local $out i32) (local $digits i32)
    (call $log (i32.const 16) (i32.const 20))
    ;; "..." : at least two bytes, quotes at both ends
    (if (i32.lt_u (local.get $len) (i32.const 2)) (then (return (i32.const 1))))
    (if (i32.ne (i32.load8_u (local.get $ptr)) (i32.const 34)) (then (return (i32.const 1))))
    (local.set $end (i32.add (local.get $ptr) (i32.sub (local.get $len) (i32.const 1))))
    (if (i32.ne (i32.load8_u (local.get $end)) (i32.const 34)) (then (return (i32.const 1))))
    (local.set $i (i32.add (local.get $ptr) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $b (i32.load8_u (local.get $i)))
        (if (call $space (local.get $b))
          (then (local.set $inword (i32.const 0)))
          (else
            (if (i32.eqz (local.get $inword))
              (then (local.set $words (i32.add (local.get $words) (i32.const 1)))))
            (local.set $inword (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; {"words": then the decimal digits (written backwards into 64..80), then }
    (local.set $out (i32.const 80))
    (loop $digit
      (local.set $out (i32.sub (local.get $out) (i32.const 1)))
      (i32.store8 (local.get $out) (i32.add (i32.const 48) (i32.rem_u (local.get $words) (i32.const 10))))
      (local.set $words (i32.div_u (local.get $words) (i32.const 10)))
      (br_if $digit (i32.ne (local.get $words) (i32.const 0))))
    (local.set $digits (i32.sub (i32.const 80) (local.get $out)))
    ;; move the prefix right before the digits, and the closing brace after them
    (memory.copy (i32.sub (local.get $out) (i32.const 9)) (i32.const 0) (i32.const 9))
    (i32.store8 (i32.const 80) (i32.const 125))
    (call $output (i32.sub (local.get $out) (i32.const 9)) (i32.add (local.get $digits) (i32.const 10)))
    (i32.const 0)))
