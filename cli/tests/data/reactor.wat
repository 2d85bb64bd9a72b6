;; A WASI reactor: no `_start`; `_initialize` sets the module up once, and the
;; other exports trap (unreachable) if it was not called first.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $ready (mut i32) (i32.const 0))
  (data (i32.const 16) "initialized\n")
  (data (i32.const 32) "hello from a reactor\n")

  ;; Writes LEN bytes at PTR to standard output.
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func (export "_initialize")
    (global.set $ready (i32.add (global.get $ready) (i32.const 1)))
    (call $print (i32.const 16) (i32.const 12)))

  ;; a + b, or a trap before `_initialize`.
  (func (export "add") (param i32 i32) (result i32)
    (if (i32.eqz (global.get $ready)) (then unreachable))
    (i32.add (local.get 0) (local.get 1)))

  ;; How many times `_initialize` ran.
  (func (export "init_count") (result i32)
    (global.get $ready))

  (func (export "greet")
    (if (i32.eqz (global.get $ready)) (then unreachable))
    (call $print (i32.const 32) (i32.const 21))))
