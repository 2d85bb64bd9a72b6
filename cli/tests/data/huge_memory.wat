;; A 4 GiB minimum (65536 pages): must be refused by a small budget before
;; anything is allocated.
(module
  (memory 65536)
  (func (export "main") (result i32)
    (i32.const 1)))
