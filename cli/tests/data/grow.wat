;; Three pages of linear memory; `main` grows it by two and returns the old
;; size (3). The linear-memory peak is then 5 * 65536 = 327680 bytes.
(module
  (memory 3)
  (func (export "main") (result i32)
    (memory.grow (i32.const 2))))
