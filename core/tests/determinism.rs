//! Determinism across runs and across builds: the same module and inputs give the same results,
//! the same fuel and the same memory profile. The expected values are written down here, and
//! the test script runs this file both with the default (std) features and with
//! `--no-default-features --features alloc`, so a difference between the builds fails one run.

use wrt::{Config, Engine, Linker, MemoryCategory, Module, Store, Val};

const MODULE: &str = r#"(module
  (memory 1 10)
  (table 4 funcref)
  (global $g (mut i64) (i64.const 1))
  (elem (i32.const 0) $sq $neg)
  (type $un (func (param f64) (result f64)))
  (func $sq (type $un) (f64.mul (local.get 0) (local.get 0)))
  (func $neg (type $un) (f64.neg (local.get 0)))
  (func $fib (param i32) (result i64)
    (if (result i64) (i32.lt_u (local.get 0) (i32.const 2))
      (then (i64.extend_i32_u (local.get 0)))
      (else (i64.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "run") (param i32) (result i64 f64 i32)
    (local $i i32) (local $acc f64)
    (drop (memory.grow (i32.const 2)))
    (memory.fill (i32.const 0) (i32.const 7) (i32.const 4096))
    (loop $l
      (local.set $acc
        (f64.add (local.get $acc)
          (call_indirect (type $un)
            (f64.div (f64.convert_i32_s (local.get $i)) (f64.const 3))
            (i32.and (local.get $i) (i32.const 1)))))
      (i64.store (i32.mul (local.get $i) (i32.const 8)) (global.get $g))
      (global.set $g (i64.add (global.get $g) (i64.load (i32.const 16))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
    (i64.add (call $fib (i32.const 15)) (global.get $g))
    (local.get $acc)
    (memory.size)))"#;

struct Outcome {
    results: [Val; 3],
    fuel: u64,
    linear_memory: u64,
    tables: u64,
    grows: u64,
}

fn run(engine: &Engine) -> Outcome {
    let module = Module::new(engine, &wat::parse_str(MODULE).unwrap()).unwrap();
    let mut store = Store::new(engine, ());
    store.set_fuel(1_000_000).unwrap();
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    let mut results = [Val::I32(0), Val::I32(0), Val::I32(0)];
    run.call(&mut store, &[Val::I32(100)], &mut results)
        .unwrap();
    let profile = store.memory_profile();
    Outcome {
        results,
        fuel: store.fuel_consumed(),
        linear_memory: profile.category(MemoryCategory::LinearMemory).peak,
        tables: profile.category(MemoryCategory::Tables).peak,
        grows: profile.memory_grows,
    }
}

#[test]
fn same_results_fuel_and_profile_every_run_and_every_build() {
    // With and without platform optimizations (the mmap backend of linear memory, where the
    // build and the platform have it): the recorded values are the same for both.
    for platform in [true, false] {
        let mut config = Config::new();
        config
            .consume_fuel(true)
            .deterministic(true)
            .memory_budget(1 << 20)
            .platform_optimizations(platform);
        let engine = Engine::new(&config);
        let first = run(&engine);
        let second = run(&engine);
        // Recorded once from a std build; the alloc-only build must reproduce them exactly.
        let expected_results = [
            Val::I64(8_029_759_185_026_511_407),
            Val::F64(4_670_438_788_761_474_388),
            Val::I32(3),
        ];
        for outcome in [&first, &second] {
            assert_eq!(outcome.results, expected_results);
            assert_eq!(outcome.fuel, 32_307);
            assert_eq!(outcome.linear_memory, 3 * 65536);
            assert_eq!(outcome.tables, 4 * 8);
            assert_eq!(outcome.grows, 1);
        }
    }
}
