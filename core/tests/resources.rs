//! Fuel, the memory budget, limits, profiling and deterministic mode.

mod support;

use support::{call, call_i32, compile, instantiate, instantiate_err};
use wrt::{Config, Engine, Error, ErrorKind, Linker, MemoryCategory, Module, Store, TrapCode, Val};

const LOOP: &str = r#"(module
  (func (export "count") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br 0)))
    (local.get 1)))"#;

fn run_count(engine: &Engine, module: &Module, fuel: u64, n: i32) -> (Result<(), Error>, u64, u64) {
    let (mut store, instance) = instantiate(engine, module, Some(fuel));
    let r = call(&mut store, instance, "count", &[Val::I32(n)]).map(drop);
    (r, store.fuel_consumed(), store.get_fuel().unwrap())
}

#[test]
fn fuel_is_exact_and_deterministic() {
    let engine = Engine::new(Config::new().consume_fuel(true));
    let module = compile(&engine, LOOP);
    // Per iteration: local.get, local.get, i32.ge_u, br_if (4) then local.get, i32.const,
    // i32.add, local.set, br (5) = 9; the exit iteration runs 4, then local.get 1 (1).
    let (r, consumed, left) = run_count(&engine, &module, 1_000_000, 10);
    r.unwrap();
    assert_eq!(consumed, 10 * 9 + 4 + 1);
    assert_eq!(left, 1_000_000 - consumed);
    // The same run again consumes exactly the same.
    assert_eq!(run_count(&engine, &module, 1_000_000, 10).1, consumed);
    // One unit short traps with "out of fuel" after the same work every time.
    let (r, consumed_short, _) = run_count(&engine, &module, 94, 10);
    let e = r.unwrap_err();
    assert_eq!(e.trap_code(), Some(TrapCode::OutOfFuel));
    assert!(e.to_string().contains("out of fuel"));
    assert_eq!(run_count(&engine, &module, 94, 10).1, consumed_short);
}

#[test]
fn fuel_can_be_added_to_continue() {
    let engine = Engine::new(Config::new().consume_fuel(true));
    let module = compile(&engine, LOOP);
    let (mut store, instance) = instantiate(&engine, &module, None);
    let f = instance.get_func(&store, "count").unwrap();
    let mut out = [Val::I32(0)];
    store.set_fuel(50).unwrap();
    assert!(f.call(&mut store, &[Val::I32(100)], &mut out).is_err());
    // What ran before the trap was paid for; setting and adding fuel consumes none.
    let before = store.fuel_consumed();
    assert_eq!(before, 50 - store.get_fuel().unwrap());
    store.add_fuel(10_000).unwrap();
    assert_eq!(store.fuel_consumed(), before);
    f.call(&mut store, &[Val::I32(100)], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(100));
    // 100 iterations of 9 units, the exit test (4) and the result (1).
    let total = before + 100 * 9 + 4 + 1;
    assert_eq!(store.fuel_consumed(), total);
    // Replacing the fuel, even with the most there is, keeps the count of what was consumed.
    store.set_fuel(u64::MAX).unwrap();
    store.add_fuel(5).unwrap();
    assert_eq!(store.get_fuel().unwrap(), u64::MAX);
    assert_eq!(store.fuel_consumed(), total);
    f.call(&mut store, &[Val::I32(1)], &mut out).unwrap();
    assert_eq!(store.fuel_consumed(), total + 9 + 4 + 1);
    assert_eq!(store.get_fuel().unwrap(), u64::MAX - (9 + 4 + 1));
}

#[test]
fn fuel_api_requires_fuel_to_be_enabled() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    assert!(store.set_fuel(5).is_err());
    assert!(store.get_fuel().is_err());
    // A module compiled with fuel cannot run in a store without it.
    let fuel_engine = Engine::new(Config::new().consume_fuel(true));
    let module = compile(&fuel_engine, LOOP);
    assert!(Linker::new(&engine)
        .instantiate(&mut store, &module)
        .is_err());
}

#[test]
fn bulk_operations_cost_in_proportion_to_their_size() {
    let engine = Engine::new(Config::new().consume_fuel(true));
    let module = compile(
        &engine,
        r#"(module (memory 1)
             (func (export "fill") (param i32) (memory.fill (i32.const 0) (i32.const 7) (local.get 0))))"#,
    );
    let consumed = |n: i32| {
        let (mut store, i) = instantiate(&engine, &module, Some(1_000_000));
        assert_eq!(call(&mut store, i, "fill", &[Val::I32(n)]).unwrap(), vec![]);
        store.fuel_consumed()
    };
    // 4 instructions, plus one unit per 64 bytes.
    assert_eq!(consumed(0), 4);
    assert_eq!(consumed(64), 5);
    assert_eq!(consumed(65536), 4 + 1024);
}

#[test]
fn a_huge_minimum_memory_is_refused_before_allocating() {
    let engine = Engine::new(Config::new().memory_budget(16 << 20));
    let module = compile(&engine, "(module (memory 65536))");
    let (store, err) = instantiate_err(&engine, &module);
    assert!(matches!(err.kind(), ErrorKind::Limit { .. }), "{err}");
    assert!(err.to_string().contains("memory budget"));
    assert_eq!(
        store
            .memory_profile()
            .category(MemoryCategory::LinearMemory)
            .peak,
        0
    );
}

#[test]
fn memory_grow_fails_at_the_budget_and_the_profile_is_exact() {
    let engine = Engine::new(Config::new().memory_budget(6 * 65536));
    let module = compile(
        &engine,
        r#"(module (memory 3)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let (mut store, i) = instantiate(&engine, &module, None);
    assert_eq!(call_i32(&mut store, i, "grow", &[2]).unwrap(), 3);
    // 5 pages plus code and bookkeeping: a sixth page does not fit.
    assert_eq!(call_i32(&mut store, i, "grow", &[1]).unwrap(), -1);
    let p = store.memory_profile();
    assert_eq!(p.category(MemoryCategory::LinearMemory).peak, 327_680);
    assert_eq!(p.category(MemoryCategory::LinearMemory).current, 327_680);
    assert_eq!(p.memory_grows, 1);
    assert_eq!(p.memory_grow_failures, 1);
    assert!(p.total.peak <= 6 * 65536);
    assert!(p.category(MemoryCategory::Code).current > 0);
    assert!(p.category(MemoryCategory::Stacks).current > 0);
    let sum: u64 = p.categories.iter().map(|(_, u)| u.current).sum();
    assert_eq!(sum, p.total.current);
}

#[test]
fn table_grow_fails_at_the_limit() {
    let engine = Engine::new(Config::new().max_table_elements(100));
    let module = compile(
        &engine,
        r#"(module (table 10 funcref)
             (func (export "grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))"#,
    );
    let (mut store, i) = instantiate(&engine, &module, None);
    assert_eq!(call_i32(&mut store, i, "grow", &[90]).unwrap(), 10);
    assert_eq!(call_i32(&mut store, i, "grow", &[1]).unwrap(), -1);
    let too_big = compile(&engine, "(module (table 101 funcref))");
    assert!(matches!(
        Linker::new(&engine).instantiate(&mut store, &too_big),
        Err(e) if matches!(e.kind(), ErrorKind::Limit { .. })
    ));
}

#[test]
fn instance_memory_and_table_counts_are_limited() {
    let engine = Engine::new(Config::new().max_instances(2).max_memories(1).max_tables(1));
    let empty = compile(&engine, "(module)");
    let mut store = Store::new(&engine, ());
    let linker = Linker::new(&engine);
    linker.instantiate(&mut store, &empty).unwrap();
    linker.instantiate(&mut store, &empty).unwrap();
    assert!(matches!(
        linker.instantiate(&mut store, &empty),
        Err(e) if matches!(e.kind(), ErrorKind::Limit { .. })
    ));
    let mut store = Store::new(&engine, ());
    let two_memories = compile(&engine, "(module (memory 0))");
    linker.instantiate(&mut store, &two_memories).unwrap();
    assert!(matches!(
        linker.instantiate(&mut store, &two_memories),
        Err(e) if matches!(e.kind(), ErrorKind::Limit { .. })
    ));
}

#[test]
fn the_value_stack_is_inside_the_budget() {
    // Deep recursion needs stack; a small budget turns that into a clean trap.
    let engine = Engine::new(
        Config::new()
            .memory_budget(256 * 1024)
            .max_call_depth(1_000_000),
    );
    let module = compile(
        &engine,
        r#"(module (func $f (export "f") (param i32) (result i32)
              (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                (else (call $f (i32.sub (local.get 0) (i32.const 1)))))))"#,
    );
    let (mut store, i) = instantiate(&engine, &module, None);
    let e = call_i32(&mut store, i, "f", &[1_000_000]).unwrap_err();
    assert_eq!(e.trap_code(), Some(TrapCode::CallStackExhausted));
    assert!(store.memory_profile().total.peak <= 256 * 1024);
    // The store is still usable afterwards.
    assert_eq!(call_i32(&mut store, i, "f", &[10]).unwrap(), 0);
}

#[test]
fn deterministic_mode_canonicalises_nans() {
    let wat = r#"(module (func (export "f") (param f32 f32) (result f32)
                   (f32.add (local.get 0) (local.get 1))))"#;
    let nan_payload = f32::from_bits(0x7fa0_0001);
    let run = |engine: &Engine| {
        let module = compile(engine, wat);
        let (mut store, i) = instantiate(engine, &module, None);
        let args = [Val::from(nan_payload), Val::from(1.0f32)];
        call(&mut store, i, "f", &args).unwrap()[0]
    };
    assert_eq!(
        run(&Engine::new(Config::new().deterministic(true))),
        Val::F32(0x7fc0_0000)
    );
    // Without it the payload propagates (quieted) as the hardware does.
    assert_ne!(run(&Engine::default()), Val::F32(0x7fc0_0000));
}

#[test]
fn host_allocations_are_charged() {
    let engine = Engine::new(Config::new().memory_budget(1 << 20));
    let mut store = Store::new(&engine, ());
    store.charge_host(1000).unwrap();
    assert!(store.charge_host(2 << 20).is_err());
    assert_eq!(
        store
            .memory_profile()
            .category(MemoryCategory::Host)
            .current,
        1000
    );
    store.release_host(1000);
    assert_eq!(
        store
            .memory_profile()
            .category(MemoryCategory::Host)
            .current,
        0
    );
}

/// A run of instructions that charges nothing (a label right before `end`) gets no fuel
/// instruction, and branches to it land on what follows: results and charges stay exact.
#[test]
fn empty_fuel_runs_are_dropped_without_changing_charges() {
    let engine = Engine::new(Config::new().consume_fuel(true));
    let module = compile(
        &engine,
        r#"(module
          (func (export "f") (param i32) (result i32) (local i32)
            (block
              (block
                (br_if 1 (local.get 0))
                (local.set 1 (i32.const 5))))
            (local.get 1))
          (func (export "g") (param i32) (result i32)
            (if (result i32) (local.get 0)
              (then (i32.const 1))
              (else (i32.const 2)))))"#,
    );
    let ir = module.debug_ir();
    assert!(!ir.contains("amount=0"), "{ir}");
    let (mut store, instance) = instantiate(&engine, &module, Some(1_000));
    let mut charged = |name: &str, arg: i32| {
        let before = store.fuel_consumed();
        let result = call_i32(&mut store, instance, name, &[arg]).unwrap();
        (result, store.fuel_consumed() - before)
    };
    // local.get, br_if, local.get.
    assert_eq!(charged("f", 1), (0, 3));
    // local.get, br_if, i32.const, local.set, local.get.
    assert_eq!(charged("f", 0), (5, 5));
    // local.get, if, i32.const.
    assert_eq!(charged("g", 1), (1, 3));
    assert_eq!(charged("g", 0), (2, 3));
}
