//! Loading a module is bounded by the engine's memory budget from the first byte: a counting
//! global allocator measures every byte the process holds while `Module::new` runs (on every
//! thread it starts), and the peak must stay within the budget plus a small documented constant
//! for hostile shapes (a million types, functions, globals, imports, exports, segments) as
//! well as for modules that fit.

#[path = "support/counting.rs"]
mod counting;
mod support;

use support::binary::{
    big_datas, datas, elements, exports, functions, globals, imports, long_bodies, long_elements,
    long_names, types, wide_types,
};
use support::{call_i32, instantiate};
use wrt::{Config, Engine, Error, Module};

/// `Module::new` of `shape(n)` under `budget`, and the peak number of bytes the process held
/// meanwhile (everything else that allocates waits its turn).
fn load(shape: fn(u64) -> Vec<u8>, n: u64, budget: u64, lazy: bool) -> (Result<(), Error>, i64) {
    let _turn = counting::turn();
    let bytes = shape(n);
    let engine = Engine::new(Config::new().memory_budget(budget).lazy_translation(lazy));
    let (module, peak) = counting::peak_heap_of(|| Module::new(&engine, &bytes));
    // The module and its bytes are freed during the turn too.
    (module.map(drop), peak)
}

type Shape = (&'static str, fn(u64) -> Vec<u8>);

const SHAPES: &[Shape] = &[
    ("types", types),
    ("functions", functions),
    ("globals", globals),
    ("imports", imports),
    ("exports", exports),
    ("datas", datas),
    ("elements", elements),
    ("long names", long_names),
    ("wide types", wide_types),
    ("big datas", big_datas),
    ("long elements", long_elements),
    ("long bodies", long_bodies),
];

/// What `Module::new` may hold above the budget: buffers whose size does not depend on the
/// module (the parser's and validator's fixed state, a thread's scratch buffers).
const SLACK: i64 = 256 * 1024;

const BUDGET: u64 = 16 << 20;

#[test]
fn a_million_items_of_any_kind_is_refused_within_the_budget() {
    for &(name, shape) in SHAPES {
        for lazy in [true, false] {
            let (module, peak) = load(shape, 1_000_000, BUDGET, lazy);
            println!("{name:>13} x 1e6, lazy {lazy}: peak {peak}");
            let err = module
                .err()
                .unwrap_or_else(|| panic!("{name}: a million fit in 16 MiB"));
            assert!(err.to_string().contains("memory budget"), "{name}: {err}");
            assert!(
                peak <= BUDGET as i64 + SLACK,
                "{name}: Module::new held {peak} bytes with a budget of {BUDGET}"
            );
        }
    }
}

#[test]
fn the_largest_modules_that_fit_stay_within_the_budget_while_loading() {
    // For each shape, the most items a 4 MiB budget accepts (found by bisection) and one more:
    // both stay within the budget while loading, so the reservations are true upper bounds.
    const SMALL: u64 = 4 << 20;
    for &(name, shape) in SHAPES {
        for lazy in [true, false] {
            let fits = |n: u64| load(shape, n, SMALL, lazy).0.is_ok();
            let (mut lo, mut hi) = (0u64, 1u64 << 16);
            assert!(!fits(hi), "{name}: {hi} items fit in 4 MiB");
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if fits(mid) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            for n in [lo, hi] {
                let (module, peak) = load(shape, n, SMALL, lazy);
                println!(
                    "{name:>13} x {n:>6}, lazy {lazy:>5}: peak {peak:>8}, {}",
                    module.is_ok()
                );
                assert!(
                    peak <= SMALL as i64 + SLACK,
                    "{name} x {n} (lazy {lazy}): Module::new held {peak} bytes with a budget of {SMALL}"
                );
            }
        }
    }
}

/// Lazy translation: a first call whose code does not fit the store's budget fails before the
/// code is allocated. The call allocates no more than the budget has left (plus the stacks).
#[test]
fn a_first_call_allocates_no_code_beyond_the_budget() {
    // 20,000 `i32.add`s of a constant: about 320 KB of code from 60 KB of wasm.
    let wat = format!(
        "(module (func (export \"f\") (result i32) (i32.const 0) {}))",
        "(i32.add (i32.const 1)) ".repeat(20_000)
    );
    let wasm = wat::parse_str(&wat).unwrap();
    let budget = 256 * 1024;
    let _turn = counting::turn();
    let engine = Engine::new(Config::new().memory_budget(budget).lazy_translation(true));
    let module = Module::new(&engine, &wasm).unwrap();
    let (mut store, instance) = instantiate(&engine, &module, None);
    let available = budget - store.memory_profile().total.current;
    let (outcome, peak) = counting::peak_heap_of(|| call_i32(&mut store, instance, "f", &[]));
    let err = outcome.unwrap_err();
    assert!(err.to_string().contains("code needs at least"), "{err}");
    assert!(
        peak <= available as i64 + 16 * 1024,
        "the refused first call held {peak} bytes with {available} left in the budget"
    );
    // With room for the code, the same call runs.
    drop(store);
    let engine = Engine::new(Config::new().lazy_translation(true));
    let module = Module::new(&engine, &wasm).unwrap();
    let (mut store, instance) = instantiate(&engine, &module, None);
    assert_eq!(call_i32(&mut store, instance, "f", &[]).unwrap(), 20_000);
}

/// `n` functions of `adds` additions each (about 16 bytes of code per addition), and, if
/// `invalid`, one more function that pops an operand that is not there.
fn adders(n: usize, adds: usize, invalid: bool) -> Vec<u8> {
    let body = "(i32.add (i32.const 1)) ".repeat(adds);
    let mut wat = String::from("(module\n");
    for _ in 0..n {
        wat.push_str(&format!("(func (result i32) (i32.const 0) {body})\n"));
    }
    if invalid {
        wat.push_str("(func (result i32) (i32.add (i32.const 1)))\n");
    }
    wat.push(')');
    wat::parse_str(&wat).unwrap()
}

/// Eager translation takes its code from what the budget has left after reading the module:
/// translating stops as soon as the code does not fit, on one thread within the budget, and the
/// module gets the budget's error, unless a body is invalid: then, in every mode and on any
/// number of threads, that body's error.
#[test]
fn eager_translation_stops_when_the_code_does_not_fit() {
    const SMALL: u64 = 2 << 20;
    // Everything this test allocates waits for its turn to measure, not only the measurement.
    let _turn = counting::turn();
    // 100 functions of 2,000 additions: about 600 KB of wasm and 3.2 MB of code.
    let wasm = adders(100, 2000, false);
    for parallel in [false, true] {
        let engine = Engine::new(
            Config::new()
                .memory_budget(SMALL)
                .lazy_translation(false)
                .parallel_compilation(parallel),
        );
        let (module, peak) = counting::peak_heap_of(|| Module::new(&engine, &wasm).map(drop));
        let err = module.unwrap_err();
        assert!(err.to_string().contains("translated code"), "{err}");
        if !parallel {
            assert!(
                peak <= SMALL as i64 + SLACK,
                "held {peak} bytes with a budget of {SMALL}"
            );
        }
    }
    // Lazily, the module loads: each function's code is charged to a store when first called.
    let lazy = Engine::new(Config::new().memory_budget(SMALL).lazy_translation(true));
    Module::new(&lazy, &wasm).unwrap();

    let invalid = adders(100, 2000, true);
    for (lazy, parallel) in [(false, false), (false, true), (true, false), (true, true)] {
        let engine = Engine::new(
            Config::new()
                .memory_budget(SMALL)
                .lazy_translation(lazy)
                .parallel_compilation(parallel),
        );
        let err = Module::new(&engine, &invalid).map(drop).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid module: type mismatch"),
            "lazy {lazy}, parallel {parallel}: {err}"
        );
    }
}
