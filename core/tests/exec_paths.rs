//! Interpreter fast paths and fused instructions: each test runs wasm that the translator turns
//! into the form under test (or that takes the fast path), with edge values and traps, and checks
//! the results against what the unfused operators compute.

use wrt::{Engine, Instance, Linker, Module, Store, TrapCode, Val};

fn instantiate(wat: &str) -> (Store<()>, Instance) {
    let engine = Engine::default();
    let bytes = wat::parse_str(wat).expect("test module parses");
    let module = Module::new(&engine, &bytes).expect("test module compiles");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("test module instantiates");
    (store, instance)
}

/// Calls export `name`, returning its single result or the trap code.
fn call(
    store: &mut Store<()>,
    instance: Instance,
    name: &str,
    args: &[Val],
) -> Result<Val, TrapCode> {
    let f = instance
        .get_func(&*store, name)
        .unwrap_or_else(|| panic!("no export {name}"));
    let mut out = [Val::I32(0)];
    match f.call(&mut *store, args, &mut out) {
        Ok(()) => Ok(out[0]),
        Err(e) => Err(e.trap_code().unwrap_or_else(|| panic!("{name}: {e}"))),
    }
}

fn i32s(
    store: &mut Store<()>,
    instance: Instance,
    name: &str,
    args: &[i32],
) -> Result<i32, TrapCode> {
    let args: Vec<Val> = args.iter().map(|&a| Val::I32(a)).collect();
    call(store, instance, name, &args).map(|v| match v {
        Val::I32(v) => v,
        other => panic!("{name}: {other:?}"),
    })
}

/// `call_indirect` reads table 0 through a cache of its elements: it must see elements set
/// after instantiation, the table's new elements (and new place) after `table.grow`, and trap
/// like the general path; other tables take the general lookup.
#[test]
fn call_indirect_sees_table_changes_and_traps() {
    let (mut store, instance) = instantiate(
        r#"(module
          (type $t (func (param i32) (result i32)))
          (table $tab 8 funcref)
          (table $other 2 funcref)
          (elem (table $tab) (i32.const 0) func $inc $dbl)
          (elem (table $tab) (i32.const 5) func $inc)
          (elem (table $other) (i32.const 0) func $dbl $inc)
          (elem declare func $neg $wide)
          (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
          (func $dbl (type $t) (i32.mul (local.get 0) (i32.const 2)))
          (func $neg (type $t) (i32.sub (i32.const 0) (local.get 0)))
          (func $wide (param i64) (result i64) (local.get 0))
          (func (export "call0") (param i32 i32) (result i32)
            (call_indirect $tab (type $t) (local.get 1) (local.get 0)))
          (func (export "call1") (param i32 i32) (result i32)
            (call_indirect $other (type $t) (local.get 1) (local.get 0)))
          (func (export "set0") (param i32) (result i32)
            (table.set $tab (local.get 0) (ref.func $neg))
            (i32.const 0))
          (func (export "set_wide") (param i32) (result i32)
            (table.set $tab (local.get 0) (ref.func $wide))
            (i32.const 0))
          ;; Grows table 0 by `n` (its elements move), changes element 5 and the last new
          ;; element, then calls both.
          (func (export "grow_then_call") (param $n i32) (param $x i32) (result i32)
            (local $old i32)
            (local.set $old (table.grow $tab (ref.null func) (local.get $n)))
            (table.set $tab (i32.const 5) (ref.func $dbl))
            (table.set $tab (i32.add (local.get $old) (i32.sub (local.get $n) (i32.const 1)))
              (ref.func $neg))
            (i32.add
              (call_indirect $tab (type $t) (local.get $x) (i32.const 5))
              (call_indirect $tab (type $t) (local.get $x)
                (i32.add (local.get $old) (i32.sub (local.get $n) (i32.const 1)))))))"#,
    );
    let s = &mut store;
    assert_eq!(i32s(s, instance, "call0", &[0, 10]), Ok(11));
    assert_eq!(i32s(s, instance, "call0", &[1, 10]), Ok(20));
    assert_eq!(i32s(s, instance, "call1", &[0, 10]), Ok(20));
    assert_eq!(i32s(s, instance, "call1", &[1, 10]), Ok(11));
    assert_eq!(i32s(s, instance, "call0", &[5, 10]), Ok(11));
    assert_eq!(
        i32s(s, instance, "call0", &[2, 10]),
        Err(TrapCode::UninitializedElement)
    );
    assert_eq!(
        i32s(s, instance, "call0", &[8, 10]),
        Err(TrapCode::UndefinedElement)
    );
    assert_eq!(
        i32s(s, instance, "call0", &[-1, 10]),
        Err(TrapCode::UndefinedElement)
    );
    assert_eq!(
        i32s(s, instance, "call1", &[2, 10]),
        Err(TrapCode::UndefinedElement)
    );
    assert_eq!(i32s(s, instance, "set0", &[2]), Ok(0));
    assert_eq!(i32s(s, instance, "call0", &[2, 10]), Ok(-10));
    assert_eq!(i32s(s, instance, "set_wide", &[1]), Ok(0));
    assert_eq!(
        i32s(s, instance, "call0", &[1, 10]),
        Err(TrapCode::IndirectCallTypeMismatch)
    );
    // 2 * 7 + -7, through the grown table (twice: the second grow moves the elements again).
    assert_eq!(i32s(s, instance, "grow_then_call", &[1000, 7]), Ok(7));
    assert_eq!(i32s(s, instance, "grow_then_call", &[5000, 7]), Ok(7));
    assert_eq!(i32s(s, instance, "call0", &[5, 10]), Ok(20));
    assert_eq!(i32s(s, instance, "call0", &[6007, 10]), Ok(-10));
    assert_eq!(
        i32s(s, instance, "call0", &[6008, 10]),
        Err(TrapCode::UndefinedElement)
    );
    assert_eq!(
        i32s(s, instance, "call0", &[6006, 10]),
        Err(TrapCode::UninitializedElement)
    );
}
