;; Raw WASI filesystem calls, each returning the errno it got, to show what a
;; guest sees with and without preopened directories (and under --no-std).
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get"
    (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory"
    (func $path_create_directory (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) ".")

  ;; fd_prestat_get(fd): 0 for a preopened directory, EBADF (8) past the last.
  (func (export "prestat") (param $fd i32) (result i32)
    (call $fd_prestat_get (local.get $fd) (i32.const 0)))

  ;; path_open(fd, ".") as a directory, with every right but FD_WRITE (-65): asking to
  ;; write a directory is EISDIR.
  (func (export "open_dot") (param $fd i32) (result i32)
    (call $path_open (local.get $fd) (i32.const 0) (i32.const 64) (i32.const 1)
      (i32.const 2) (i64.const -65) (i64.const -1) (i32.const 0) (i32.const 16)))

  ;; path_create_directory(fd, ".") (EEXIST when the directory is reachable).
  (func (export "mkdir_dot") (param $fd i32) (result i32)
    (call $path_create_directory (local.get $fd) (i32.const 64) (i32.const 1))))
