;; `main` loops forever: only fuel stops it.
(module
  (func (export "main")
    (loop $again
      (br $again))))
