;; Exports `main` only: wrtd falls back to it.
(module
  (func (export "helper") (result i32) (i32.const 1))
  (func (export "main") (result i32) (i32.const 8)))
