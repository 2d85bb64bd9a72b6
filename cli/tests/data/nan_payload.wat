;; Adds a float to itself, taking and returning its bits: a quiet NaN keeps its payload through
;; the addition on the hardware, unless the engine canonicalises NaNs (deterministic mode).
(module
  (func (export "add") (param i64) (result i64)
    local.get 0
    f64.reinterpret_i64
    local.get 0
    f64.reinterpret_i64
    f64.add
    i64.reinterpret_f64))
