;; Well-formed but invalid: returns an i64 where an i32 is declared.
(module
  (func (export "main") (result i32) (i64.const 1)))
