//! Hostile modules: thousands of deterministic mutations of real programs must never make wrt
//! panic. Each mutant is compiled; one that compiles is instantiated and each exported function
//! is called with small arguments, under fuel and a memory budget, so every run ends. An error
//! is fine; a panic (caught here per mutant) fails the test with the seed that reproduces it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use wrt::{Config, Engine, Extern, Linker, Module, Store, Val};

/// The same generator as the arena's tests: the same mutants on every machine and every run.
#[path = "../arena/src/tests/xorshift.rs"]
mod xorshift;

use xorshift::Rng;

/// The programs mutated: the benchmark programs and the small examples, all in the repository.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["benches/programs", "examples/wasm"] {
        let mut names: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
            .collect();
        names.sort();
        for path in names {
            files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    assert!(files.len() >= 10, "corpus not found");
    files
}

/// One to four edits of the kinds that reach deep into a decoder: a changed byte (often to a
/// boundary value), an inserted or removed byte, or a cut.
fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut m = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        if m.is_empty() {
            break;
        }
        let at = rng.below(m.len());
        match rng.below(8) {
            0 => m[at] ^= 1 << rng.below(8),
            1 => m[at] = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x0b, 0x41][rng.below(8)],
            2 => m[at] = rng.next() as u8,
            3 => m.insert(at, rng.next() as u8),
            4 => {
                m.remove(at);
            }
            5 => m.truncate(at.max(8)),
            // A byte from elsewhere in the module: plausible opcodes and indices.
            _ => m[at] = bytes[rng.below(bytes.len())],
        }
    }
    m
}

/// Every mutant of the corpus with its file and seed: `WRT_MUTANTS` (300 unless set) per file.
fn mutants() -> impl Iterator<Item = (String, u64, Vec<u8>)> {
    let per_file: u64 = std::env::var("WRT_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    corpus().into_iter().flat_map(move |(name, bytes)| {
        (1..=per_file).map(move |seed| {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ bytes.len() as u64);
            (name.clone(), seed, mutate(&bytes, &mut rng))
        })
    })
}

/// Compiles, instantiates and calls everything a mutant exports.
fn exercise(engine: &Engine, wasm: &[u8]) {
    let Ok(module) = Module::new(engine, wasm) else {
        return;
    };
    let mut store = Store::new(engine, ());
    let _ = store.set_fuel(20_000);
    let Ok(instance) = Linker::new(engine).instantiate(&mut store, &module) else {
        return;
    };
    for (_, export) in instance.exports(&store) {
        let Extern::Func(func) = export else { continue };
        let ty = func.ty(&store).expect("an export of this store");
        let args: Vec<Val> = ty
            .params()
            .iter()
            .map(|t| Val::default_for(*t).unwrap_or(Val::I32(0)))
            .map(|v| match v {
                Val::I32(_) => Val::I32(3),
                other => other,
            })
            .collect();
        let mut results: Vec<Val> = ty
            .results()
            .iter()
            .map(|t| Val::default_for(*t).unwrap_or(Val::I32(0)))
            .collect();
        let _ = store.set_fuel(20_000);
        let _ = func.call(&mut store, &args, &mut results);
    }
}

#[test]
fn mutated_modules_never_panic() {
    let mut engines = Vec::new();
    for lazy in [true, false] {
        let mut config = Config::new();
        config
            .consume_fuel(true)
            .memory_budget(16 << 20)
            .max_call_depth(200)
            .lazy_translation(lazy);
        engines.push(Engine::new(&config));
    }
    let mut compiled = 0;
    let mut total = 0;
    for (name, seed, mutant) in mutants() {
        for engine in &engines {
            total += 1;
            let outcome = catch_unwind(AssertUnwindSafe(|| exercise(engine, &mutant)));
            assert!(outcome.is_ok(), "{name}: mutant {seed} made wrt panic");
            compiled += usize::from(Module::new(engine, &mutant).is_ok());
        }
    }
    // Some mutants must get through to instantiation and calls, or the test shows little.
    assert!(
        compiled > total / 20,
        "only {compiled} of {total} mutants compiled"
    );
    println!("{total} mutant runs, {compiled} compiled");
}

/// One module, one error: lazy and eager translation, on one thread or several, reject a
/// malformed or invalid module with the same error (the one the specification's order gives),
/// and accept the same modules.
#[test]
fn every_mode_rejects_a_mutant_with_the_same_error() {
    let mut engines = Vec::new();
    for (lazy, parallel) in [(true, true), (false, true), (true, false), (false, false)] {
        let mut config = Config::new();
        config.lazy_translation(lazy).parallel_compilation(parallel);
        engines.push((lazy, parallel, Engine::new(&config)));
    }
    let mut differences = Vec::new();
    let mut rejected = 0;
    for (name, seed, mutant) in mutants() {
        let outcomes: Vec<_> = engines
            .iter()
            .map(|(lazy, parallel, engine)| {
                let outcome = Module::new(engine, &mutant)
                    .map(|_| ())
                    .map_err(|e| e.to_string());
                (*lazy, *parallel, outcome)
            })
            .collect();
        rejected += usize::from(outcomes[0].2.is_err());
        if outcomes.iter().any(|o| o.2 != outcomes[0].2) {
            differences.push(format!("{name}: mutant {seed}: {outcomes:?}"));
        }
    }
    assert!(rejected > 0);
    assert!(
        differences.is_empty(),
        "{} of {rejected} rejected mutants get different errors in different modes:\n{}",
        differences.len(),
        differences
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
