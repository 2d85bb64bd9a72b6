//! Proof that the memory budget bounds real heap use: a counting global allocator measures every
//! byte this thread holds while modules are instantiated and run, and the peak must stay within
//! the budget the store was given.

#[path = "support/counting.rs"]
mod counting;

use wrt::{Config, Engine, Linker, Module, Store, Val};

const MODULES: &[(&str, &str, i32)] = &[
    (
        "recursion",
        r#"(module (func $f (export "run") (param i32) (result i32)
             (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
               (else (i32.add (call $f (i32.sub (local.get 0) (i32.const 1)))
                              (call $f (i32.sub (local.get 0) (i32.const 2))))))))"#,
        20,
    ),
    (
        "memory-grow",
        r#"(module (memory 2)
             (func (export "run") (param i32) (result i32)
               (drop (memory.grow (local.get 0)))
               (memory.fill (i32.const 0) (i32.const 1) (i32.mul (memory.size) (i32.const 65536)))
               (memory.size)))"#,
        30,
    ),
    (
        "tables",
        r#"(module (table 100 funcref) (elem declare func $g)
             (func $g (result i32) (i32.const 7))
             (func (export "run") (param i32) (result i32)
               (drop (table.grow (ref.func $g) (local.get 0)))
               (table.size)))"#,
        5000,
    ),
    (
        "deep-recursion",
        r#"(module (func $f (export "run") (param i32) (result i32)
             (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
               (else (i32.add (i32.const 1) (call $f (i32.sub (local.get 0) (i32.const 1))))))))"#,
        100_000,
    ),
];

#[test]
fn heap_use_stays_within_the_budget() {
    for budget in [256 * 1024u64, 1 << 20, 4 << 20] {
        let mut config = Config::new();
        // Linear memory on the heap too (the portable backend), so the counting allocator sees
        // every byte the budget covers; the mmap backend is charged the same (tests/platform.rs)
        // but its pages do not pass through the allocator.
        config
            .memory_budget(budget)
            .max_call_depth(1_000_000)
            .platform_optimizations(false);
        let engine = Engine::new(&config);
        for (name, wat, arg) in MODULES {
            // Compiling happens before a store exists; its result is charged at instantiation.
            let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
            let mut outcome = String::new();
            let _turn = counting::turn();
            let ((), peak) = counting::peak_heap_of(|| {
                let mut store = Store::new(&engine, ());
                let linker = Linker::new(&engine);
                match linker.instantiate(&mut store, &module) {
                    Ok(instance) => {
                        let run = instance.get_func(&store, "run").unwrap();
                        let mut out = [Val::I32(0)];
                        outcome = match run.call(&mut store, &[Val::I32(*arg)], &mut out) {
                            Ok(()) => format!("returned {:?}", out[0]),
                            Err(e) => format!("failed: {e}"),
                        };
                    }
                    Err(e) => outcome = format!("not instantiated: {e}"),
                }
                let profile = store.memory_profile();
                assert!(profile.total.peak <= budget, "{name}: profile over budget");
                drop(store);
            });
            println!("budget {budget:>8}  {name:<15} heap peak {peak:>8}  {outcome}");
            assert!(
                peak <= budget as i64,
                "{name} with a budget of {budget} held {peak} heap bytes ({outcome})"
            );
        }
    }
}
