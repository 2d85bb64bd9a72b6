//! Fuel never changes an answer: an operation that fails deterministically (a grow that returns
//! -1, a bulk operation out of bounds) gives the same result with fuel metering as without,
//! and costs only its instruction's base price. Fuel proportional to the size is charged only
//! for work that happens.

use wrt::{Config, Engine, Error, Instance, Linker, Module, Store, TrapCode, Val};

/// Every operation takes its operands from the parameters; `memory` is 1 page (at most 2),
/// `table` 1 element (at most 2), the data and element segments 4 bytes and 1 element.
const OPS: &str = r#"(module
  (memory 1 2)
  (table 1 2 funcref)
  (data $d "\01\02\03\04")
  (elem $e func $f)
  (func $f)
  (func (export "memory.grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "table.grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0)))
  (func (export "memory.fill") (param i32 i32)
    (memory.fill (local.get 0) (i32.const 7) (local.get 1)))
  (func (export "memory.copy") (param i32 i32)
    (memory.copy (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "memory.init") (param i32 i32)
    (memory.init $d (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "table.fill") (param i32 i32)
    (table.fill (local.get 0) (ref.null func) (local.get 1)))
  (func (export "table.copy") (param i32 i32)
    (table.copy (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "table.init") (param i32 i32)
    (table.init $e (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))"#;

/// The outcome of one call: its result (or error) and the fuel it consumed.
#[derive(Debug)]
struct Outcome {
    result: Result<Vec<Val>, Error>,
    fuel: u64,
}

/// A store and an instance of `OPS` under `config`.
fn instantiate(config: &Config) -> (Store<()>, Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, &wat::parse_str(OPS).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    (store, instance)
}

fn call(fuel: Option<u64>, budget: Option<u64>, name: &str, args: &[i32]) -> Outcome {
    let mut config = Config::new();
    config.consume_fuel(fuel.is_some());
    if let Some(bytes) = budget {
        config.memory_budget(bytes);
    }
    let (mut store, instance) = instantiate(&config);
    if let Some(fuel) = fuel {
        store.set_fuel(fuel).unwrap();
    }
    let func = instance.get_func(&store, name).unwrap();
    let args: Vec<Val> = args.iter().map(|&a| Val::I32(a)).collect();
    let mut out = vec![Val::I32(0); func.ty(&store).unwrap().results().len()];
    let result = func.call(&mut store, &args, &mut out).map(|()| out);
    Outcome {
        result,
        fuel: if fuel.is_some() {
            store.fuel_consumed()
        } else {
            0
        },
    }
}

/// Runs `name(args)` without fuel and with plenty, and checks both give `expected`; returns the
/// fuel the metered run consumed.
fn same_answer(name: &str, args: &[i32], expected: Result<Option<i32>, TrapCode>) -> u64 {
    let unmetered = call(None, None, name, args);
    let metered = call(Some(1_000_000), None, name, args);
    for outcome in [&unmetered, &metered] {
        match (&outcome.result, expected) {
            (Ok(out), Ok(value)) => assert_eq!(out.first().and_then(Val::i32), value, "{name}"),
            (Err(e), Err(code)) => assert_eq!(e.trap_code(), Some(code), "{name}: {e}"),
            (other, _) => panic!("{name}{args:?}: {other:?}, expected {expected:?}"),
        }
    }
    metered.fuel
}

/// Fuel of a call that runs `local.get`s, one operation and its constants: its base price,
/// with no size-proportional charge.
const BASE: u64 = 10;

#[test]
fn a_grow_beyond_the_maximum_returns_minus_one_and_costs_its_base_price() {
    // The issue's example: 65536 pages would cost 67,108,866 fuel if charged before the check.
    let fuel = same_answer("memory.grow", &[65536], Ok(Some(-1)));
    assert!(fuel < BASE, "a failing memory.grow cost {fuel} fuel");
    let fuel = same_answer("table.grow", &[1_000_000], Ok(Some(-1)));
    assert!(fuel < BASE, "a failing table.grow cost {fuel} fuel");
}

#[test]
fn a_grow_the_budget_refuses_returns_minus_one_with_and_without_fuel() {
    // A budget with room for what the module needs plus half a page: the call runs, a new
    // page does not fit.
    let needed = {
        let (mut store, instance) = instantiate(&Config::new());
        let grow = instance.get_func(&store, "memory.grow").unwrap();
        grow.call(&mut store, &[Val::I32(0)], &mut [Val::I32(0)])
            .unwrap();
        store.memory_profile().total.peak
    };
    let budget = Some(needed + 32 * 1024);
    let unmetered = call(None, budget, "memory.grow", &[1]);
    let metered = call(Some(1_000_000), budget, "memory.grow", &[1]);
    for outcome in [&unmetered, &metered] {
        let out = outcome.result.as_ref().unwrap();
        assert_eq!(out[0], Val::I32(-1), "the budget refuses a page");
    }
    assert!(
        metered.fuel < BASE,
        "a refused grow cost {} fuel",
        metered.fuel
    );
}

#[test]
fn a_grow_that_happens_pays_for_its_bytes() {
    let fuel = same_answer("memory.grow", &[1], Ok(Some(1)));
    // One page: 65536 bytes at one unit per 64.
    assert!((1024..1024 + BASE).contains(&fuel), "{fuel}");
    let fuel = same_answer("table.grow", &[1], Ok(Some(1)));
    assert!((1..1 + BASE).contains(&fuel), "{fuel}");
}

#[test]
fn out_of_bounds_bulk_operations_trap_out_of_bounds_and_cost_their_base_price() {
    let huge = -1; // 0xFFFF_FFFF elements or bytes: far more fuel than is given
    for (name, code) in [
        ("memory.fill", TrapCode::MemoryOutOfBounds),
        ("memory.copy", TrapCode::MemoryOutOfBounds),
        ("memory.init", TrapCode::MemoryOutOfBounds),
        ("table.fill", TrapCode::TableOutOfBounds),
        ("table.copy", TrapCode::TableOutOfBounds),
        ("table.init", TrapCode::TableOutOfBounds),
    ] {
        let fuel = same_answer(name, &[0, huge], Err(code));
        assert!(fuel < BASE, "{name} out of bounds cost {fuel} fuel");
        // Out of bounds by one element or byte, too.
        same_answer(
            name,
            &[1, if name.starts_with("table") { 1 } else { 65536 }],
            Err(code),
        );
    }
}

#[test]
fn bulk_operations_in_bounds_pay_for_their_size() {
    let fuel = same_answer("memory.fill", &[0, 65536], Ok(None));
    assert!((1024..1024 + BASE).contains(&fuel), "{fuel}");
    let fuel = same_answer("memory.init", &[0, 4], Ok(None));
    assert!((1..1 + BASE).contains(&fuel), "{fuel}");
}

#[test]
fn running_out_of_fuel_for_the_size_traps_and_changes_nothing() {
    let (mut store, instance) = instantiate(Config::new().consume_fuel(true));
    let fill = instance.get_func(&store, "memory.fill").unwrap();
    let grow = instance.get_func(&store, "memory.grow").unwrap();
    let byte = instance.get_func(&store, "byte").unwrap();
    store.set_fuel(100).unwrap();
    let e = fill
        .call(&mut store, &[Val::I32(0), Val::I32(65536)], &mut [])
        .unwrap_err();
    assert_eq!(e.trap_code(), Some(TrapCode::OutOfFuel));
    let e = grow
        .call(&mut store, &[Val::I32(1)], &mut [Val::I32(0)])
        .unwrap_err();
    assert_eq!(e.trap_code(), Some(TrapCode::OutOfFuel));
    store.set_fuel(100).unwrap();
    let mut out = [Val::I32(0)];
    byte.call(&mut store, &[Val::I32(0)], &mut out).unwrap();
    assert_eq!(
        out[0],
        Val::I32(0),
        "the fill that ran out of fuel wrote nothing"
    );
    let memory = instance.get_memory(&store, "memory");
    assert!(memory.is_none(), "the test module exports no memory");
    let profile = store.memory_profile();
    assert_eq!(
        profile.memory_grows, 0,
        "the grow that ran out of fuel did not happen"
    );
}
