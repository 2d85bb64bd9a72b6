;; Grows linear memory and writes to every new page. The README uses it to
;; show --memory, --fuel and --memory-profile.
;;
;;   wrtd examples/wasm/grow.wasm --function grow 7 --memory-profile
(module
  (memory (export "memory") 1)

  ;; grow(pages) -> the new size in pages, or -1 when the memory cannot grow
  ;; (for example because `--memory` leaves no room).
  (func (export "grow") (param $pages i32) (result i32)
    (local $old i32)
    (local.set $old (memory.grow (local.get $pages)))
    (if (i32.eq (local.get $old) (i32.const -1))
      (then (return (i32.const -1))))
    ;; Store one byte into each new page, last page first.
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $pages)))
        (local.set $pages (i32.sub (local.get $pages) (i32.const 1)))
        (i32.store8
          (i32.mul (i32.add (local.get $old) (local.get $pages)) (i32.const 65536))
          (i32.const 1))
        (br $next)))
    (memory.size)))
