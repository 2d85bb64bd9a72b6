;; The start function traps during instantiation.
(module
  (func $init (unreachable))
  (start $init)
  (func (export "main") (result i32) (i32.const 0)))
