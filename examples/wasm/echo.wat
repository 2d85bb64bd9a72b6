;; echo for WASI preview 1: prints its arguments (all but argv[0]) separated
;; by spaces and followed by a newline on standard output.
;;
;;   wrtd examples/wasm/echo.wasm --wasi -- Hello, WASI!
;;
;; Exits with status 1 (proc_exit) if the arguments do not fit in its one page
;; of memory or standard output cannot be written.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit"
    (func $proc_exit (param i32)))

  ;; 0: argc, 4: size of the argument strings, 16: one iovec (pointer,
  ;; length), 24: bytes written, 32: " \n", 1024 up to the end of the page:
  ;; the argv pointers, then the strings they point to.
  (memory (export "memory") 1)
  (data (i32.const 32) " \n")

  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (local.get $len))
    (if (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))
      (then (call $proc_exit (i32.const 1)))))

  (func $strlen (param $p i32) (result i32)
    (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))

  (func (export "_start")
    (local $argc i32) (local $i i32) (local $arg i32)
    (if (call $args_sizes_get (i32.const 0) (i32.const 4))
      (then (call $proc_exit (i32.const 1))))
    (local.set $argc (i32.load (i32.const 0)))
    ;; 4 bytes per pointer plus the strings must fit in 1024..65536.
    (if (i64.gt_u
          (i64.add
            (i64.shl (i64.extend_i32_u (local.get $argc)) (i64.const 2))
            (i64.extend_i32_u (i32.load (i32.const 4))))
          (i64.const 64512))
      (then (call $proc_exit (i32.const 1))))
    (if (call $args_get
          (i32.const 1024)
          (i32.add (i32.const 1024) (i32.shl (local.get $argc) (i32.const 2))))
      (then (call $proc_exit (i32.const 1))))
    (local.set $i (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $argc)))
        (if (i32.gt_u (local.get $i) (i32.const 1))
          (then (call $write (i32.const 32) (i32.const 1))))
        (local.set $arg
          (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2)))))
        (call $write (local.get $arg) (call $strlen (local.get $arg)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $write (i32.const 33) (i32.const 1))))
