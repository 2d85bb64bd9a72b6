//! Determinism across runs and across builds: the same module and inputs give the same results,
//! the same fuel and the same memory profile. The expected values are written down here, and
//! the test script runs this file both with the default (std) features and with
//! `--no-default-features --features alloc`, so a difference between the builds fails one run.

mod support;

use support::MIXED_PROGRAM;
use wrt::{Config, Engine, MemoryCategory, Val};

struct Outcome {
    results: Vec<Val>,
    fuel: u64,
    linear_memory: u64,
    tables: u64,
    grows: u64,
}

fn run(engine: &Engine) -> Outcome {
    let module = support::compile(engine, MIXED_PROGRAM);
    let (mut store, instance) = support::instantiate(engine, &module, Some(1_000_000));
    let results = support::call(&mut store, instance, "run", &[Val::I32(100)]).unwrap();
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
