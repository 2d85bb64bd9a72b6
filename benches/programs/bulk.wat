;; Bulk memory: `memory.fill` and `memory.copy` of pseudo-random lengths (0..4095 bytes)
;; at pseudo-random, possibly overlapping, offsets, with a checksum of loads after each.
(module
  (memory (export "memory") 2)
  (func $lcg (param $s i32) (result i32)
    (i32.add (i32.mul (local.get $s) (i32.const 1664525)) (i32.const 1013904223)))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $s i32) (local $len i32) (local $dst i32) (local $src i32)
    (local $sum i64)
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 131072))
    (local.set $s (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (call $lcg (local.get $s)))
        (local.set $len (i32.and (i32.shr_u (local.get $s) (i32.const 20)) (i32.const 4095)))
        (local.set $s (call $lcg (local.get $s)))
        (local.set $dst (i32.and (i32.shr_u (local.get $s) (i32.const 16)) (i32.const 65535)))
        (memory.fill (local.get $dst) (i32.and (local.get $i) (i32.const 255)) (local.get $len))
        (local.set $s (call $lcg (local.get $s)))
        (local.set $src (local.get $dst))
        (local.set $dst (i32.and (i32.shr_u (local.get $s) (i32.const 16)) (i32.const 65535)))
        (memory.copy (local.get $dst) (local.get $src) (local.get $len))
        (local.set $s (call $lcg (local.get $s)))
        (local.set $src (i32.and (i32.shr_u (local.get $s) (i32.const 16)) (i32.const 65535)))
        (memory.copy (local.get $dst) (local.get $src) (local.get $len))
        (local.set $sum
          (i64.add
            (i64.mul (local.get $sum) (i64.const 31))
            (i64.load (local.get $dst))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
