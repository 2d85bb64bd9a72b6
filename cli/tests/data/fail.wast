;; A small spec script with exactly one failing assertion (the second).
(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))
(assert_return (invoke "add" (i32.const 2) (i32.const 2)) (i32.const 4))
(assert_return (invoke "add" (i32.const 2) (i32.const 2)) (i32.const 5))
