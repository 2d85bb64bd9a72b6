;; depth(n) recurses n calls deep and returns n: tells the call-depth limit of
;; the default configuration (16384) from that of --no-std (1024).
(module
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else
        (i32.add
          (call $depth (i32.sub (local.get $n) (i32.const 1)))
          (i32.const 1))))))
