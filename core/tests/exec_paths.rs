//! Interpreter fast paths and fused instructions: each test runs wasm that the translator turns
//! into the form under test (or that takes the fast path), with edge values and traps, and checks
//! the results against what the unfused operators compute.

mod support;

use wrt::{Engine, Instance, Store, TrapCode, Val};

fn instantiate(wat: &str) -> (Store<()>, Instance) {
    let engine = Engine::default();
    support::instantiate(&engine, &support::compile(&engine, wat), None)
}

/// Instantiates `wat` after checking that its translation has each of the fused `forms`.
fn instantiate_fused(wat: &str, forms: &[&str]) -> (Store<()>, Instance) {
    let ir = ir_of(wat);
    for form in forms {
        assert!(ir.contains(form), "no {form} in\n{ir}");
    }
    instantiate(wat)
}

/// Calls export `name`, returning its single result or the trap code.
fn call(
    store: &mut Store<()>,
    instance: Instance,
    name: &str,
    args: &[Val],
) -> Result<Val, TrapCode> {
    match support::call(store, instance, name, args) {
        Ok(results) => Ok(results[0]),
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

fn ir_of(wat: &str) -> String {
    support::compile(&Engine::default(), wat).debug_ir()
}

/// `i32.shl x, K; i32.add C` (`I32ShlAddImm`) and a load from it (`Load32ShlAddImm`,
/// `Load64ShlAddImm`): the sum wraps in 32 bits before the load checks its bounds, as the
/// separate operators do.
const SHL_ADD: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (data (i32.const 65528) "\a1\a2\a3\a4\a5\a6\a7\a8")
  (func (export "addr") (param $i i32) (result i32)
    (i32.add (i32.shl (local.get $i) (i32.const 2)) (i32.const 1024)))
  ;; The constant on the left of the add, and a shift count above 31 (taken mod 32).
  (func (export "addr_left") (param $i i32) (result i32)
    (i32.add (i32.const -8) (i32.shl (local.get $i) (i32.const 35))))
  (func (export "load32") (param $i i32) (result i32)
    (i32.load (i32.add (i32.shl (local.get $i) (i32.const 2)) (i32.const 4))))
  (func (export "load64") (param $i i32) (result i64)
    (i64.load (i32.add (i32.shl (local.get $i) (i32.const 3)) (i32.const -8))))
  (func (export "loadf64") (param $i i32) (result f64)
    (f64.load (i32.add (i32.shl (local.get $i) (i32.const 3)) (i32.const 0))))
  ;; The shifted value also kept in a local: no fusion may drop that write.
  (func (export "tee") (param $i i32) (result i32)
    (local $t i32)
    (i32.add
      (i32.load (i32.add (local.tee $t (i32.shl (local.get $i) (i32.const 2))) (i32.const 4)))
      (local.get $t)))
  ;; The fused sum stored into a local, then used as an address.
  (func (export "set_then_load") (param $i i32) (result i32)
    (local $p i32)
    (local.set $p (i32.add (i32.shl (local.get $i) (i32.const 2)) (i32.const 8)))
    (i32.add (i32.load8_u (local.get $p)) (local.get $p))))"#;

#[test]
fn shl_add_imm_and_indexed_loads() {
    let forms = ["I32ShlAddImm", "Load32ShlAddImm", "Load64ShlAddImm"];
    let (mut store, instance) = instantiate_fused(SHL_ADD, &forms);
    let s = &mut store;
    let one = |s: &mut Store<()>, name: &str, i: i32| call(s, instance, name, &[Val::I32(i)]);
    assert_eq!(one(s, "addr", 3), Ok(Val::I32(1036)));
    assert_eq!(one(s, "addr", -1), Ok(Val::I32(1020)));
    assert_eq!(one(s, "addr", 0x4000_0000), Ok(Val::I32(1024)));
    assert_eq!(one(s, "addr", i32::MAX), Ok(Val::I32(1020)));
    assert_eq!(one(s, "addr_left", 1), Ok(Val::I32(0)));
    assert_eq!(one(s, "addr_left", -1), Ok(Val::I32(-16)));
    assert_eq!(one(s, "load32", 0), Ok(Val::I32(0x0807_0605)));
    assert_eq!(one(s, "load32", 2), Ok(Val::I32(0x100f_0e0d)));
    // (-1 << 2) + 4 wraps to address 0.
    assert_eq!(one(s, "load32", -1), Ok(Val::I32(0x0403_0201)));
    // 65532 + 4 is past the end; 65528 + 4 is the last word.
    assert_eq!(one(s, "load32", 16383), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(
        one(s, "load32", 16382),
        Ok(Val::I32(0xa8a7_a6a5_u32 as i32))
    );
    assert_eq!(
        one(s, "load32", 16381),
        Ok(Val::I32(0xa4a3_a2a1_u32 as i32))
    );
    assert_eq!(
        one(s, "load32", 0x2000_0000),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(one(s, "load64", 1), Ok(Val::I64(0x0807_0605_0403_0201)));
    assert_eq!(
        one(s, "load64", 8192),
        Ok(Val::I64(0xa8a7_a6a5_a4a3_a2a1_u64 as i64))
    );
    assert_eq!(one(s, "load64", 8193), Err(TrapCode::MemoryOutOfBounds));
    // (0x2000_0001 << 3) - 8 wraps to address 0.
    assert_eq!(
        one(s, "load64", 0x2000_0001),
        Ok(Val::I64(0x0807_0605_0403_0201))
    );
    assert_eq!(one(s, "load64", 0), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(
        one(s, "loadf64", 1),
        Ok(Val::F64(u64::from_le_bytes([
            9, 10, 11, 12, 13, 14, 15, 16
        ])))
    );
    assert_eq!(one(s, "tee", 1), Ok(Val::I32(0x0c0b_0a09 + 4)));
    assert_eq!(one(s, "set_then_load", 1), Ok(Val::I32(13 + 12)));
}

/// A `select` whose result is stored into a local writes the local directly (no copy), also
/// when the local is one of its operands.
const SELECT_SET: &str = r#"(module
  (func (export "max") (param $a i32) (param $b i32) (result i32)
    (local.set $a (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))
    (local.get $a))
  (func (export "swapsel") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (local.set $a (select (local.get $b) (local.get $c) (local.get $a)))
    (i32.sub (local.get $a) (local.get $c)))
  ;; The condition is the local being written.
  (func (export "cond") (param $a i32) (param $b i32) (result i32)
    (local.set $a (select (local.get $b) (i32.const 7) (local.get $a)))
    (local.get $a))
  ;; local.tee keeps the value on the stack too.
  (func (export "tee") (param $a i32) (param $b i32) (result i64)
    (local $x i64)
    (i64.add
      (local.tee $x (select (i64.const -1) (i64.const 5) (i32.lt_u (local.get $a) (local.get $b))))
      (local.get $x))))"#;

#[test]
fn select_writes_the_local_it_is_stored_into() {
    let ir = ir_of(SELECT_SET);
    assert!(!ir.contains("Copy"), "a select's result was copied:\n{ir}");
    let (mut store, instance) = instantiate(SELECT_SET);
    let s = &mut store;
    assert_eq!(i32s(s, instance, "max", &[3, 9]), Ok(9));
    assert_eq!(i32s(s, instance, "max", &[-3, -9]), Ok(-3));
    assert_eq!(i32s(s, instance, "swapsel", &[5, 2, 5]), Ok(-3));
    assert_eq!(i32s(s, instance, "swapsel", &[0, 2, 5]), Ok(0));
    assert_eq!(i32s(s, instance, "cond", &[1, 2]), Ok(2));
    assert_eq!(i32s(s, instance, "cond", &[0, 2]), Ok(7));
    let tee =
        |s: &mut Store<()>, a: i32, b: i32| call(s, instance, "tee", &[Val::I32(a), Val::I32(b)]);
    assert_eq!(tee(s, 1, 2), Ok(Val::I64(-2)));
    assert_eq!(tee(s, -1, 2), Ok(Val::I64(10)));
}

/// Bit tests: `and C; eqz; br_if`, `and C; br_if`, `if (and C)` and the i64 forms become
/// `BrI32AndImm*` / `BrI64AndImm*`; masks with the sign bit set (sign-extended for i64).
const BIT_TEST: &str = r#"(module
  (func (export "eqz32") (param $x i32) (param $m i32) (result i32)
    (block $b
      (br_if $b (i32.eqz (i32.and (local.get $x) (i32.const 0x80000001))))
      (return (i32.const 1)))
    (i32.const 0))
  (func (export "nez32") (param $x i32) (param $m i32) (result i32)
    (block $b
      (br_if $b (i32.and (local.get $x) (i32.const 6)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "if32") (param $x i32) (param $m i32) (result i32)
    (if (result i32) (i32.and (local.get $x) (i32.const -16))
      (then (i32.const 1))
      (else (i32.const 0))))
  (func (export "ne32") (param $x i32) (param $m i32) (result i32)
    (block $b
      (br_if $b (i32.ne (i32.and (local.get $x) (i32.const 4)) (i32.const 0)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "eqz64") (param $x i64) (param $m i32) (result i32)
    (block $b
      (br_if $b (i64.eqz (i64.and (local.get $x) (i64.const -2))))
      (return (i32.const 1)))
    (i32.const 0))
  (func (export "ne64") (param $x i64) (param $m i32) (result i32)
    (block $b
      (br_if $b (i64.ne (i64.and (local.get $x) (i64.const 0x40000000)) (i64.const 0)))
      (return (i32.const 0)))
    (i32.const 1))
  ;; A loop on bit tests, as in modular exponentiation: counts the set bits.
  (func (export "loop") (param $x i32) (param $m i32) (result i32)
    (local $n i32)
    (loop $l
      (if (i32.eqz (i32.and (local.get $x) (i32.const 1)))
        (then)
        (else (local.set $n (i32.add (local.get $n) (i32.const 1)))))
      (local.set $x (i32.shr_u (local.get $x) (i32.const 1)))
      (br_if $l (i32.and (local.get $x) (i32.const 0x7fffffff))))
    (local.get $n))
  ;; The masked value is also kept: no fusion.
  (func (export "kept") (param $x i32) (param $m i32) (result i32)
    (local $t i32)
    (block $b
      (br_if $b (i32.eqz (local.tee $t (i32.and (local.get $x) (i32.const 3)))))
      (return (local.get $t)))
    (i32.const 100)))"#;

#[test]
fn bit_tests_branch_in_one_instruction() {
    let forms = [
        "BrI32AndImmEqz",
        "BrI32AndImmNez",
        "BrI64AndImmEqz",
        "BrI64AndImmNez",
    ];
    let (mut store, instance) = instantiate_fused(BIT_TEST, &forms);
    let s = &mut store;
    let run = |s: &mut Store<()>, name: &str, x: Val| -> i32 {
        match call(s, instance, name, &[x, Val::I32(0)]) {
            Ok(Val::I32(v)) => v,
            other => panic!("{name}: {other:?}"),
        }
    };
    let i = Val::I32;
    assert_eq!(run(s, "eqz32", i(0)), 0);
    assert_eq!(run(s, "eqz32", i(2)), 0);
    assert_eq!(run(s, "eqz32", i(1)), 1);
    assert_eq!(run(s, "eqz32", i(i32::MIN)), 1);
    assert_eq!(run(s, "nez32", i(1)), 0);
    assert_eq!(run(s, "nez32", i(4)), 1);
    assert_eq!(run(s, "nez32", i(-1)), 1);
    assert_eq!(run(s, "if32", i(15)), 0);
    assert_eq!(run(s, "if32", i(16)), 1);
    assert_eq!(run(s, "if32", i(i32::MIN)), 1);
    assert_eq!(run(s, "ne32", i(3)), 0);
    assert_eq!(run(s, "ne32", i(7)), 1);
    assert_eq!(run(s, "eqz64", Val::I64(1)), 0);
    assert_eq!(run(s, "eqz64", Val::I64(i64::MIN)), 1);
    assert_eq!(run(s, "eqz64", Val::I64(1 << 40)), 1);
    assert_eq!(run(s, "ne64", Val::I64(0x3fff_ffff)), 0);
    assert_eq!(run(s, "ne64", Val::I64(0x4000_0000)), 1);
    assert_eq!(run(s, "ne64", Val::I64(0x4000_0000_0000_0000)), 0);
    assert_eq!(run(s, "loop", i(0b1011)), 3);
    assert_eq!(run(s, "loop", i(-1)), 32);
    assert_eq!(run(s, "loop", i(0)), 0);
    assert_eq!(run(s, "kept", i(4)), 100);
    assert_eq!(run(s, "kept", i(6)), 2);
}

/// `i32.add x, C; store` with offset 0 becomes `Store*AddImm`: the sum wraps in 32 bits before
/// the bounds check; the stored value may be a local or a constant (nothing emitted between).
const STORE_ADD: &str = r#"(module
  (memory 1)
  (func (export "st8") (param $p i32) (param $v i32) (result i64)
    (i32.store8 (i32.add (local.get $p) (i32.const 3)) (local.get $v))
    (i64.load (i32.const 0)))
  (func (export "st16") (param $p i32) (param $v i32) (result i64)
    (i32.store16 (i32.add (local.get $p) (i32.const -2)) (local.get $v))
    (i64.load (i32.const 0)))
  (func (export "st32") (param $p i32) (param $v i32) (result i64)
    (i32.store (i32.add (local.get $p) (i32.const 4)) (local.get $v))
    (i64.load (i32.const 0)))
  (func (export "st64") (param $p i32) (param $v i32) (result i64)
    (i64.store (i32.add (local.get $p) (i32.const 65528)) (i64.const 0x0102030405060708))
    (i64.load (i32.const 65528)))
  ;; The address is also the value.
  (func (export "self") (param $p i32) (param $v i32) (result i64)
    (i32.store (i32.add (local.get $p) (i32.const 1)) (local.get $p))
    (i64.load (i32.const 0)))
  (func (export "clear") (param $p i32) (param $v i32) (result i64)
    (i64.store (i32.const 0) (i64.const 0))
    (i64.store (i32.const 65528) (i64.const 0))
    (i64.const 0)))"#;

#[test]
fn stores_to_a_sum_with_an_immediate() {
    let forms = [
        "Store8AddImm",
        "Store16AddImm",
        "Store32AddImm",
        "Store64AddImm",
    ];
    let (mut store, instance) = instantiate_fused(STORE_ADD, &forms);
    let s = &mut store;
    let mut run = |name: &str, p: i32, v: i32| {
        let r = call(s, instance, name, &[Val::I32(p), Val::I32(v)]);
        assert_eq!(
            call(s, instance, "clear", &[Val::I32(0), Val::I32(0)]),
            Ok(Val::I64(0))
        );
        r
    };
    assert_eq!(run("st8", 0, 0x1ab), Ok(Val::I64(0xab << 24)));
    assert_eq!(run("st8", -3, 0x7f), Ok(Val::I64(0x7f)));
    assert_eq!(run("st8", 65533, 1), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(run("st16", 3, 0x12345), Ok(Val::I64(0x2345 << 8)));
    // 1 - 2 wraps to 0xffff_ffff: out of bounds, not address -1.
    assert_eq!(run("st16", 1, 7), Err(TrapCode::MemoryOutOfBounds));
    // 65536 - 2 is the last halfword; 65537 - 2 is past it.
    assert_eq!(run("st16", 65536, 0x0102), Ok(Val::I64(0)));
    assert_eq!(run("st16", 65537, 0x0102), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(run("st16", 2, -1), Ok(Val::I64(0xffff)));
    assert_eq!(
        run("st32", 0, -2),
        Ok(Val::I64(0xffff_fffe_0000_0000_u64 as i64))
    );
    assert_eq!(run("st32", -4, 5), Ok(Val::I64(5)));
    assert_eq!(run("st32", 65529, 5), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(run("st64", 0, 0), Ok(Val::I64(0x0102_0304_0506_0708)));
    assert_eq!(run("st64", 1, 0), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(run("st64", -65528, 0), Ok(Val::I64(0)));
    assert_eq!(run("self", 2, 0), Ok(Val::I64(2 << 24)));
}

/// `i32.add a, b; load` with offset 0 of two slots becomes `Load32Add` / `Load64Add`: the sum
/// wraps in 32 bits before the bounds check.
const LOAD_ADD: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (func (export "load32") (param $p i32) (param $i i32) (result i32)
    (i32.load (i32.add (local.get $p) (local.get $i))))
  (func (export "load64") (param $p i32) (param $i i32) (result i64)
    (i64.load (i32.add (local.get $p) (local.get $i))))
  (func (export "loadf32") (param $p i32) (param $i i32) (result f32)
    (f32.load (i32.add (local.get $p) (local.get $i)))))"#;

#[test]
fn loads_from_a_sum_of_two_slots() {
    let (mut store, instance) = instantiate_fused(LOAD_ADD, &["Load32Add ", "Load64Add "]);
    let s = &mut store;
    let mut run = |name: &str, p: i32, i: i32| call(s, instance, name, &[Val::I32(p), Val::I32(i)]);
    assert_eq!(run("load32", 1, 2), Ok(Val::I32(0x0706_0504)));
    // -4 + 8 wraps to 4.
    assert_eq!(run("load32", -4, 8), Ok(Val::I32(0x0807_0605)));
    assert_eq!(run("load32", 65530, 2), Ok(Val::I32(0)));
    assert_eq!(run("load32", 65530, 3), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(run("load32", -1, 0), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(run("load64", 4, 4), Ok(Val::I64(0x100f_0e0d_0c0b_0a09)));
    assert_eq!(
        run("load64", i32::MIN, i32::MIN),
        Ok(Val::I64(0x0807_0605_0403_0201))
    );
    assert_eq!(run("load64", 65520, 9), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(run("load64", 65520, 8), Ok(Val::I64(0)));
    assert_eq!(run("loadf32", 0, 0), Ok(Val::F32(0x0403_0201)));
}
