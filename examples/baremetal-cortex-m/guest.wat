;; The guest program of the bare-metal example. build.rs turns it into wasm (with the `wat` crate,
;; on the host) and the firmware embeds the bytes. It exercises:
;;   - calls: a recursive fib and helper functions;
;;   - linear memory: data segments, a table of results stored and loaded back, memory.copy, and a
;;     decimal formatter that writes bytes;
;;   - a host function: env.print, which the firmware writes out through semihosting.
(module
  ;; Prints the UTF-8 text at [ptr, ptr + len) of this module's memory as one line.
  (import "env" "print" (func $print (param i32 i32)))

  (memory (export "memory") 1)

  ;; Memory map: 0 and 64: texts; 128: a line buffer; 1024: the table of fib values.
  (data (i32.const 0) "guest: hello from wasm on a Cortex-M")               ;; 36 bytes
  (data (i32.const 64) "guest: sum of fib(0..n) read back from memory = ")  ;; 48 bytes

  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; Writes the decimal digits of $v at $at and returns how many bytes it wrote.
  (func $utoa (param $v i32) (param $at i32) (result i32)
    (local $len i32) (local $rest i32) (local $i i32)
    (local.set $rest (local.get $v))
    (loop $count
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (local.set $rest (i32.div_u (local.get $rest) (i32.const 10)))
      (br_if $count (local.get $rest)))
    (local.set $i (local.get $len))
    (loop $digit
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $at) (local.get $i))
        (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $digit (local.get $i)))
    (local.get $len))

  ;; Prints the text at 64 followed by $v in decimal.
  (func $print_sum (param $v i32)
    (memory.copy (i32.const 128) (i32.const 64) (i32.const 48))
    (call $print
      (i32.const 128)
      (i32.add (i32.const 48) (call $utoa (local.get $v) (i32.const 176)))))

  ;; Greets, stores fib(i) for i < n at 1024, sums the table back from memory, prints the sum and
  ;; returns it.
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (call $print (i32.const 0) (i32.const 36))
    (block $done
      (loop $fill
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store offset=1024 (i32.shl (local.get $i) (i32.const 2)) (call $fib (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $add
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i32.add (local.get $sum) (i32.load offset=1024 (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $add)))
    (call $print_sum (local.get $sum))
    (local.get $sum)))
