//! What the core's integration tests share: compiling text, one instance of a module that
//! imports nothing in a store of its own, calling an export, and the program the determinism
//! and lazy-translation tests both run; `binary` writes modules by hand. Each test file uses a
//! part of it (`mod support;`).
//! The counting allocator of the budget proofs is apart, in `counting.rs`: it replaces the
//! global allocator of the test binary that includes it.
#![allow(dead_code)]

pub mod binary;

use wrt::{Engine, Error, Instance, Linker, Module, Store, Val};

/// Compiles WebAssembly text; the test fails if it does not parse or compile.
pub fn compile(engine: &Engine, wat: &str) -> Module {
    let bytes = wat::parse_str(wat).expect("test module parses");
    Module::new(engine, &bytes).expect("test module compiles")
}

/// A new store holding one instance of `module`, which imports nothing; with `fuel` when the
/// engine consumes fuel.
pub fn instantiate(engine: &Engine, module: &Module, fuel: Option<u64>) -> (Store<()>, Instance) {
    let mut store = Store::new(engine, ());
    if let Some(fuel) = fuel {
        store.set_fuel(fuel).expect("the engine consumes fuel");
    }
    let instance = Linker::new(engine)
        .instantiate(&mut store, module)
        .expect("test module instantiates");
    (store, instance)
}

/// A new store, and the error that instantiating `module` in it with an empty linker gave.
pub fn instantiate_err(engine: &Engine, module: &Module) -> (Store<()>, Error) {
    let mut store = Store::new(engine, ());
    let err = Linker::new(engine)
        .instantiate(&mut store, module)
        .expect_err("instantiation fails");
    (store, err)
}

/// Calls export `name` of `instance` with `args` and returns its results, as many as its type
/// has.
pub fn call<T>(
    store: &mut Store<T>,
    instance: Instance,
    name: &str,
    args: &[Val],
) -> Result<Vec<Val>, Error> {
    let f = instance
        .get_func(&*store, name)
        .unwrap_or_else(|| panic!("no export {name}"));
    let mut results = vec![Val::I32(0); f.ty(&*store)?.results().len()];
    f.call(&mut *store, args, &mut results)?;
    Ok(results)
}

/// Calls export `name`, which takes i32s and returns one i32.
pub fn call_i32<T>(
    store: &mut Store<T>,
    instance: Instance,
    name: &str,
    args: &[i32],
) -> Result<i32, Error> {
    let args: Vec<Val> = args.iter().map(|&a| Val::I32(a)).collect();
    match call(store, instance, name, &args)?[..] {
        [Val::I32(v)] => Ok(v),
        ref other => panic!("{name} returned {other:?}"),
    }
}

/// A program of calls (direct, indirect, recursive), a loop, memory (grow, fill, loads and
/// stores), a global and floats. `run(n)` returns an i64, an f64 and the memory size.
pub const MIXED_PROGRAM: &str = r#"(module
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
