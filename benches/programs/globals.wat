;; Globals-heavy code: a xorshift128 generator whose state, running sum, running
;; maximum and counter all live in mutable globals.
(module
  (global $x (mut i32) (i32.const 0))
  (global $y (mut i32) (i32.const 0))
  (global $z (mut i32) (i32.const 0))
  (global $w (mut i32) (i32.const 0))
  (global $acc (mut i64) (i64.const 0))
  (global $max (mut i32) (i32.const 0))
  (global $count (mut i32) (i32.const 0))
  (global $steps (mut i32) (i32.const 0))
  (func (export "run") (param $n i32) (result i64)
    (local $t i32)
    (global.set $x (i32.const 123456789))
    (global.set $y (i32.const 362436069))
    (global.set $z (i32.const 521288629))
    (global.set $w (i32.const 88675123))
    (global.set $acc (i64.const 0))
    (global.set $max (i32.const 0))
    (global.set $count (i32.const 0))
    (global.set $steps (local.get $n))
    (block $done
      (br_if $done (i32.eqz (global.get $steps)))
      (loop $next
        ;; t = x ^ (x << 11)
        (local.set $t (i32.xor (global.get $x) (i32.shl (global.get $x) (i32.const 11))))
        (global.set $x (global.get $y))
        (global.set $y (global.get $z))
        (global.set $z (global.get $w))
        ;; w = w ^ (w >> 19) ^ t ^ (t >> 8)
        (global.set $w
          (i32.xor
            (i32.xor (global.get $w) (i32.shr_u (global.get $w) (i32.const 19)))
            (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 8)))))
        (global.set $acc (i64.add (global.get $acc) (i64.extend_i32_u (global.get $w))))
        (if (i32.gt_u (global.get $w) (global.get $max))
          (then
            (global.set $max (global.get $w))
            (global.set $count (i32.add (global.get $count) (i32.const 1)))))
        (global.set $steps (i32.sub (global.get $steps) (i32.const 1)))
        (br_if $next (global.get $steps))))
    (i64.add
      (i64.xor (global.get $acc)
        (i64.shl (i64.extend_i32_u (global.get $count)) (i64.const 48)))
      (i64.extend_i32_u (global.get $max)))))
