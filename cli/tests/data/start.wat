;; Exports both `_start` and `main`: wrtd must pick `_start`.
(module
  (func (export "main") (result i32) (i32.const 8))
  (func (export "_start") (result i32) (i32.const 7)))
