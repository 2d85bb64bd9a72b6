//! `Config::platform_optimizations`: the platform backend of linear memory (an mmap reservation
//! on 64-bit Unix with the `platform-optimizations` feature) and the portable heap backend must
//! be indistinguishable to a program and to the embedder, except that the mmap one never moves.

mod support;

use wrt::{Config, Engine, Instance, Linker, MemoryCategory, MemoryProfile, Store, Val};

/// Grows, writes, fills, copies and reads back, so every memory path of the interpreter runs.
const PROGRAM: &str = r#"(module
  (memory (export "memory") 1 64)
  (data (i32.const 16) "platform")
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "run") (param i32) (result i64 i32)
    (local $i i32) (local $sum i64)
    (drop (memory.grow (local.get 0)))
    (memory.fill (i32.const 65536) (i32.const 3) (i32.const 1000))
    (memory.copy (i32.const 70000) (i32.const 16) (i32.const 8))
    (loop $l
      (local.set $sum (i64.add (local.get $sum)
        (i64.load8_u (i32.add (i32.const 65536) (i32.mul (local.get $i) (i32.const 7))))))
      (i64.store (i32.add (i32.const 80000) (i32.mul (local.get $i) (i32.const 8)))
        (local.get $sum))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 500))))
    (i64.add (local.get $sum) (i64.load (i32.const 70000)))
    (memory.size)))"#;

fn engine(platform: bool, budget: Option<u64>) -> Engine {
    let mut config = Config::new();
    // Eager translation: every function's code is charged at instantiation, so the budget
    // checks below see only what grows do (lazily, a first call would charge its code too).
    config
        .consume_fuel(true)
        .platform_optimizations(platform)
        .lazy_translation(false);
    if let Some(b) = budget {
        config.memory_budget(b);
    }
    assert_eq!(config.platform_optimizations_enabled(), platform);
    Engine::new(&config)
}

fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    support::instantiate(engine, &support::compile(engine, wat), Some(10_000_000))
}

fn call(store: &mut Store<()>, instance: &Instance, name: &str, args: &[Val]) -> Vec<Val> {
    support::call(store, *instance, name, args).unwrap()
}

#[test]
fn the_default_is_on() {
    assert!(Config::new().platform_optimizations_enabled());
}

/// With the mmap backend the bytes stay where they are across `memory.grow`, and the new pages
/// read as zero, from the embedder and from the program.
#[cfg(all(feature = "platform-optimizations", unix, target_pointer_width = "64"))]
#[test]
fn memory_grow_keeps_the_base_address_and_new_pages_are_zero() {
    const PAGE: usize = 65536;
    let engine = engine(true, None);
    let (mut store, instance) = instantiate(&engine, PROGRAM);
    let memory = instance.get_memory(&store, "memory").unwrap();
    call(
        &mut store,
        &instance,
        "store",
        &[Val::I32(PAGE as i32 - 8), Val::I64(-1)],
    );
    let base = memory.data(&store).unwrap().as_ptr();
    // Keep the heap busy in between, so a heap buffer would have reason to move.
    let mut ballast = Vec::new();
    for delta in [1, 2, 5, 23] {
        ballast.push(vec![0xAAu8; 3 * PAGE]);
        let old = memory.size(&store).unwrap();
        let got = call(&mut store, &instance, "grow", &[Val::I32(delta)]);
        assert_eq!(got, [Val::I32(old as i32)]);
        let data = memory.data(&store).unwrap();
        assert_eq!(
            data.as_ptr(),
            base,
            "the base moved when growing by {delta} pages"
        );
        assert_eq!(data.len(), (old as usize + delta as usize) * PAGE);
        assert!(data[old as usize * PAGE..].iter().all(|&b| b == 0));
        assert_eq!(&data[16..24], b"platform");
        let last = data.len() as i32 - 8;
        assert_eq!(
            call(&mut store, &instance, "load", &[Val::I32(last)]),
            [Val::I64(0)]
        );
    }
    assert_eq!(
        call(&mut store, &instance, "load", &[Val::I32(PAGE as i32 - 8)],),
        [Val::I64(-1)]
    );
    // The embedder's grow does not move it either.
    memory.grow(&mut store, 10).unwrap();
    assert_eq!(memory.data(&store).unwrap().as_ptr(), base);
    assert_eq!(memory.size(&store).unwrap(), 42);
    drop(ballast);
}

struct Outcome {
    results: Vec<Val>,
    fuel: u64,
    profile: MemoryProfile,
    bytes: Vec<u8>,
}

fn run_program(platform: bool) -> Outcome {
    let engine = engine(platform, Some(8 << 20));
    let (mut store, instance) = instantiate(&engine, PROGRAM);
    let results = call(&mut store, &instance, "run", &[Val::I32(3)]);
    let memory = instance.get_memory(&store, "memory").unwrap();
    Outcome {
        results,
        fuel: store.fuel_consumed(),
        profile: store.memory_profile(),
        bytes: memory.data(&store).unwrap().to_vec(),
    }
}

#[test]
fn the_same_program_gives_the_same_results_fuel_profile_and_bytes_either_way() {
    let on = run_program(true);
    let off = run_program(false);
    assert_eq!(
        on.results,
        [Val::I64(0x6d72_6f66_7461_6c70 + 3 * 143), Val::I32(4)]
    );
    assert_eq!(on.results, off.results);
    assert_eq!(on.fuel, off.fuel);
    assert_eq!(on.profile, off.profile);
    assert_eq!(on.bytes, off.bytes);
    assert_eq!(
        on.profile.category(MemoryCategory::LinearMemory).current,
        4 * 65536
    );
    assert_eq!(on.profile.memory_grows, 1);
}

/// A grow past the budget returns -1 and allocates nothing, whichever backend holds the memory.
#[test]
fn budget_exhaustion_on_grow_is_the_same_either_way() {
    let outcome = |platform: bool| {
        let engine = engine(platform, Some(6 * 65536));
        let (mut store, instance) = instantiate(&engine, PROGRAM);
        let memory = instance.get_memory(&store, "memory").unwrap();
        let base = memory.data(&store).unwrap().as_ptr();
        // A first call sets up the interpreter's stacks, so the next ones allocate nothing else.
        call(&mut store, &instance, "load", &[Val::I32(0)]);
        let before = store.memory_profile();
        // 1 page plus code and bookkeeping is in use: 5 more pages do not fit, 4 do.
        let refused = call(&mut store, &instance, "grow", &[Val::I32(5)]);
        let after_refusal = store.memory_profile();
        assert_eq!(memory.size(&store).unwrap(), 1);
        assert_eq!(memory.data(&store).unwrap().as_ptr(), base);
        assert!(memory.grow(&mut store, 5).is_err());
        let granted = call(&mut store, &instance, "grow", &[Val::I32(4)]);
        let after = store.memory_profile();
        (
            refused,
            before,
            after_refusal,
            granted,
            after,
            store.fuel_consumed(),
        )
    };
    let on = outcome(true);
    let off = outcome(false);
    let (refused, before, after_refusal, granted, after, _) = &on;
    assert_eq!(refused, &[Val::I32(-1)]);
    assert_eq!(granted, &[Val::I32(1)]);
    // Nothing was charged or allocated by the refused grow.
    assert_eq!(after_refusal.total, before.total);
    assert_eq!(
        after_refusal.category(MemoryCategory::LinearMemory).peak,
        65536
    );
    assert_eq!(after_refusal.memory_grow_failures, 1);
    assert_eq!(after_refusal.budget_refusals, 1);
    assert_eq!(
        after.category(MemoryCategory::LinearMemory).current,
        5 * 65536
    );
    assert_eq!(after.memory_grow_failures, 2);
    assert_eq!(after.memory_grows, 1);
    assert_eq!(on.0, off.0);
    assert_eq!(on.1, off.1);
    assert_eq!(on.2, off.2);
    assert_eq!(on.3, off.3);
    assert_eq!(on.4, off.4);
    assert_eq!(on.5, off.5);
}

/// A memory whose minimum does not fit is refused before anything is allocated, either way.
#[test]
fn a_minimum_over_the_budget_is_refused_the_same_either_way() {
    let refusal = |platform: bool| {
        let engine = engine(platform, Some(4 * 65536));
        let module = support::compile(&engine, "(module (memory 8))");
        let (store, err) = support::instantiate_err(&engine, &module);
        (err.to_string(), store.memory_profile())
    };
    let on = refusal(true);
    assert!(on.0.contains("memory budget"), "{}", on.0);
    assert_eq!(on.1.category(MemoryCategory::LinearMemory).peak, 0);
    assert_eq!(on, refusal(false));
}

/// Memories without a maximum reserve 4 GiB of address space each with the mmap backend; that is
/// not memory, so many of them fit, and each is charged only what it holds.
#[test]
fn many_memories_without_a_maximum() {
    let engine = engine(true, None);
    let module = support::compile(&engine, "(module (memory 1))");
    let mut store = Store::new(&engine, ());
    for _ in 0..64 {
        Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
    }
    assert_eq!(
        store
            .memory_profile()
            .category(MemoryCategory::LinearMemory)
            .current,
        64 * 65536
    );
}
