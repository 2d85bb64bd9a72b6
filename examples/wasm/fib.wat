;; Fibonacci numbers, two ways. A library-style module: it has no `_start`
;; or `main`, so wrtd needs `--function`:
;;
;;   wrtd examples/wasm/fib.wat --function fib 20        # prints 6765
;;   wrtd examples/wasm/fib.wasm --function fib_iter 90  # prints 2880067194370816120
;;
;; fib(0) = 0, fib(1) = 1, fib(n) = fib(n - 1) + fib(n - 2).
;; Rebuild fib.wasm from this file with ./build.sh.
(module
  ;; Recursive: exponential time, deep call stack. A good small benchmark.
  (func $fib (export "fib") (param $n i32) (result i64)
    (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i64.extend_i32_u (local.get $n)))
      (else
        (i64.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; Iterative: linear time, constant stack. Wraps modulo 2^64 past fib(92).
  (func (export "fib_iter") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $next i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $step
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $next (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $next))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $step)))
    (local.get $a)))
