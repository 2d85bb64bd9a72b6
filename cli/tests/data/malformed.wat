;; Not well-formed text: the function is never closed.
(module
  (func (export "main") (result i32)
    (i32.const 1)
