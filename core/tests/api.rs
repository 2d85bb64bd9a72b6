//! The embedding API, exercised the way an embedder uses it.

mod support;

use support::{call, call_i32, compile, instantiate, instantiate_err};
use wrt::{
    Caller, Config, Engine, Error, ErrorKind, Extern, FuncType, Linker, Memory, MemoryType, Module,
    Store, TrapCode, Val, ValType,
};

const FIB: &str = r#"(module
  (func $fib (export "fib") (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                     (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
  (func (export "fib_iter") (param i32) (result i32) (local i32 i32 i32)
    (local.set 1 (i32.const 0)) (local.set 2 (i32.const 1))
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 3 (i32.add (local.get 1) (local.get 2)))
      (local.set 1 (local.get 2))
      (local.set 2 (local.get 3))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 1)))"#;

#[test]
fn recursive_and_iterative_fib() {
    let engine = Engine::default();
    let m = compile(&engine, FIB);
    let (mut store, instance) = instantiate(&engine, &m, None);
    let fib = call(&mut store, instance, "fib", &[Val::I64(20)]);
    assert_eq!(fib.unwrap(), vec![Val::I64(6765)]);
    assert_eq!(
        call_i32(&mut store, instance, "fib_iter", &[30]).unwrap(),
        832040
    );
}

#[test]
fn wrong_arguments_are_errors_not_panics() {
    let engine = Engine::default();
    let m = compile(&engine, FIB);
    let (mut store, instance) = instantiate(&engine, &m, None);
    let fib = instance.get_func(&store, "fib").unwrap();
    let mut out = [Val::I64(0)];
    assert!(matches!(
        fib.call(&mut store, &[Val::I32(1)], &mut out),
        Err(e) if matches!(e.kind(), ErrorKind::Type { .. })
    ));
    assert!(matches!(
        fib.call(&mut store, &[], &mut out),
        Err(e) if matches!(e.kind(), ErrorKind::Type { .. })
    ));
    assert!(matches!(
        fib.call(&mut store, &[Val::I64(1)], &mut []),
        Err(e) if matches!(e.kind(), ErrorKind::Type { .. })
    ));
    // A handle from another store is refused.
    let mut other = Store::new(&engine, ());
    assert!(matches!(
        fib.call(&mut other, &[Val::I64(1)], &mut out),
        Err(e) if matches!(e.kind(), ErrorKind::Handle { .. })
    ));
}

#[test]
fn deep_recursion_traps_without_overflowing_the_host_stack() {
    let engine = Engine::new(Config::new().max_call_depth(100_000));
    let m = compile(
        &engine,
        r#"(module (func $f (export "f") (param i32) (result i32)
              (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                (else (i32.add (i32.const 1) (call $f (i32.sub (local.get 0) (i32.const 1))))))))"#,
    );
    // Run in a thread with a small stack: wasm recursion must not use it.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let (mut store, instance) = instantiate(&engine, &m, None);
            assert_eq!(
                call_i32(&mut store, instance, "f", &[50_000]).unwrap(),
                50_000
            );
            let err = call_i32(&mut store, instance, "f", &[1_000_000]).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::CallStackExhausted));
            assert!(err.to_string().contains("call stack exhausted"));
        })
        .unwrap();
    handle.join().unwrap();
}

#[test]
fn host_functions_see_memory_and_host_data() {
    let engine = Engine::default();
    let m = compile(
        &engine,
        r#"(module
          (import "env" "log" (func $log (param i32 i32)))
          (import "env" "add" (func $add (param i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "hello")
          (func (export "run") (result i32)
            (call $log (i32.const 16) (i32.const 5))
            (call $add (i32.const 40) (i32.const 2))))"#,
    );
    let mut store = Store::new(&engine, Vec::<String>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "log",
            |mut caller: Caller<'_, Vec<String>>, ptr: i32, len: i32| {
                let memory = caller.memory().ok_or_else(|| Error::host("no memory"))?;
                let mut buf = vec![0u8; len as usize];
                memory.read(&caller, ptr as usize, &mut buf)?;
                caller
                    .data_mut()
                    .push(String::from_utf8_lossy(&buf).into_owned());
                Ok(())
            },
        )
        .unwrap();
    linker
        .func_new(
            "env",
            "add",
            FuncType::new([ValType::I32, ValType::I32], [ValType::I32]),
            |_caller, args, results| {
                results[0] = Val::I32(args[0].i32().unwrap_or(0) + args[1].i32().unwrap_or(0));
                Ok(())
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &m).unwrap();
    assert_eq!(call_i32(&mut store, instance, "run", &[]).unwrap(), 42);
    assert_eq!(store.data(), &vec!["hello".to_string()]);
}

#[test]
fn host_errors_propagate_and_missing_imports_are_link_errors() {
    let engine = Engine::default();
    let m = compile(
        &engine,
        r#"(module (import "env" "fail" (func $fail)) (func (export "run") (call $fail)))"#,
    );
    let (mut store, err) = instantiate_err(&engine, &m);
    assert!(matches!(err.kind(), ErrorKind::Link { .. }), "{err}");
    assert!(err.to_string().contains("env::fail"));

    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "fail", || -> Result<(), Error> {
            Err(Error::host("boom"))
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &m).unwrap();
    let err = call(&mut store, instance, "run", &[]).unwrap_err();
    assert!(err.to_string().contains("boom"));
}

/// A host function's own error type comes back to the embedder through the wasm frames that
/// called it, and can be downcast.
#[test]
fn host_errors_keep_their_type_through_wasm() {
    #[derive(Debug, PartialEq)]
    struct Refused {
        code: u32,
    }
    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "refused with code {}", self.code)
        }
    }
    impl std::error::Error for Refused {}

    let engine = Engine::default();
    let m = compile(
        &engine,
        r#"(module (import "env" "ask" (func $ask (param i32)))
             (func $inner (param i32) (call $ask (local.get 0)))
             (func (export "run") (param i32) (call $inner (local.get 0))))"#,
    );
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "ask", |code: i32| -> Result<(), Error> {
            Err(Error::host(Refused { code: code as u32 }))
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &m).unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    let err = run.call(&mut store, &[Val::I32(7)], &mut []).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Host(_)), "{err}");
    assert_eq!(err.downcast_ref::<Refused>(), Some(&Refused { code: 7 }));
    assert_eq!(err.to_string(), "host error: refused with code 7");
    assert_eq!(err.downcast::<Refused>().ok(), Some(Refused { code: 7 }));
}

/// Getters on a handle from another store fail instead of answering with a made-up value.
#[test]
fn handles_from_another_store_are_refused() {
    let engine = Engine::default();
    let m = compile(
        &engine,
        r#"(module (memory (export "m") 1 2) (table (export "t") 3 funcref)
             (global (export "g") i32 (i32.const 5)) (func (export "f") (param i32)))"#,
    );
    let mut one = Store::new(&engine, ());
    let mut two = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut one, &m).unwrap();
    Linker::new(&engine).instantiate(&mut two, &m).unwrap();
    let handle = |e: Result<(), Error>| match e {
        Err(e) if matches!(e.kind(), ErrorKind::Handle { .. }) => {}
        other => panic!("{other:?}"),
    };
    let memory = instance.get_memory(&one, "m").unwrap();
    assert_eq!(memory.ty(&one).unwrap().maximum(), Some(2));
    handle(memory.ty(&two).map(drop));
    handle(memory.size(&two).map(drop));
    handle(memory.data(&two).map(drop));
    handle(memory.data_mut(&mut two).map(drop));
    let table = instance.get_table(&one, "t").unwrap();
    assert_eq!(table.size(&one).unwrap(), 3);
    handle(table.ty(&two).map(drop));
    handle(table.size(&two).map(drop));
    handle(table.get(&two, 0).map(drop));
    let global = instance.get_global(&one, "g").unwrap();
    assert_eq!(global.get(&one).unwrap(), Val::I32(5));
    handle(global.ty(&two).map(drop));
    handle(global.get(&two).map(drop));
    let func = instance.get_func(&one, "f").unwrap();
    assert_eq!(func.ty(&one).unwrap().params(), &[ValType::I32]);
    handle(func.ty(&two).map(drop));
    handle(Extern::Func(func).ty(&two).map(drop));
    // Past the end of a table is a trap, as in wasm.
    let err = table.get(&one, 3).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::TableOutOfBounds));
}

#[test]
fn traps_carry_spec_messages() {
    let engine = Engine::default();
    let m = compile(
        &engine,
        r#"(module (memory 1)
          (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
          (func (export "unreachable") unreachable))"#,
    );
    let (mut store, instance) = instantiate(&engine, &m, None);
    let mut trap = |name: &str, args: &[i32]| call_i32(&mut store, instance, name, args);
    let e = trap("div", &[1, 0]).unwrap_err();
    assert_eq!(e.trap_code(), Some(TrapCode::IntegerDivideByZero));
    let e = trap("div", &[i32::MIN, -1]).unwrap_err();
    assert_eq!(e.trap_code(), Some(TrapCode::IntegerOverflow));
    let e = trap("load", &[65534]).unwrap_err();
    assert_eq!(e.to_string(), "trap: out of bounds memory access");
    let e = call(&mut store, instance, "unreachable", &[]).unwrap_err();
    assert_eq!(e.trap_code(), Some(TrapCode::Unreachable));
}

#[test]
fn malformed_and_invalid_modules_are_rejected() {
    let engine = Engine::default();
    assert!(matches!(
        Module::new(&engine, b"\0asm\x01\0\0\0\x01"),
        Err(e) if matches!(e.kind(), ErrorKind::Malformed { .. })
    ));
    assert!(Module::new(&engine, b"not wasm at all").is_err());
    let invalid = wat::parse_str("(module (func (result i32) (i64.const 1)))").unwrap();
    assert!(matches!(
        Module::new(&engine, &invalid),
        Err(e) if matches!(e.kind(), ErrorKind::Invalid { .. })
    ));
    // Every truncation of a valid module gives a result, never a panic; cutting into the code
    // section is always an error.
    let good = wat::parse_str(FIB).unwrap();
    for len in 0..good.len() {
        let _ = Module::new(&engine, &good[..len]);
    }
    assert!(Module::new(&engine, &good[..good.len() - 1]).is_err());
}

#[test]
fn memory_and_exports_through_the_api() {
    let engine = Engine::default();
    let m = compile(
        &engine,
        r#"(module (memory (export "mem") 1 3) (global (export "g") (mut i32) (i32.const 7))
                   (func (export "size") (result i32) memory.size))"#,
    );
    let (mut store, instance) = instantiate(&engine, &m, None);
    let mem: Memory = instance.get_memory(&store, "mem").unwrap();
    assert_eq!(mem.size(&store).unwrap(), 1);
    assert_eq!(mem.grow(&mut store, 2).unwrap(), 1);
    assert!(mem.grow(&mut store, 1).is_err());
    mem.write(&mut store, 10, b"abc").unwrap();
    assert_eq!(&mem.data(&store).unwrap()[10..13], b"abc");
    assert!(mem.write(&mut store, 3 * 65536 - 1, b"ab").is_err());
    assert_eq!(call_i32(&mut store, instance, "size", &[]).unwrap(), 3);
    let g = instance.get_global(&store, "g").unwrap();
    assert_eq!(g.get(&store).unwrap(), Val::I32(7));
    g.set(&mut store, Val::I32(9)).unwrap();
    assert_eq!(g.get(&store).unwrap(), Val::I32(9));
    assert!(g.set(&mut store, Val::I64(9)).is_err());
    assert!(matches!(
        instance.get_export(&store, "mem"),
        Some(Extern::Memory(_))
    ));
    let standalone = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    assert_eq!(standalone.data_size(&store).unwrap(), 65536);
}

/// `eqz` of a comparison is fused into one negated compare-and-branch; the negation must keep
/// NaN semantics (`!(a < b)` is not `a >= b`), for `if` and for `br_if`.
#[test]
fn eqz_of_a_comparison_branches_like_wasm() {
    let ops = ["eq", "ne", "lt", "gt", "le", "ge"];
    let mut funcs = String::new();
    for op in ops {
        funcs.push_str(&format!(
            r#"(func (export "if_{op}") (param f64 f64) (result i32)
                 (if (result i32) (i32.eqz (f64.{op} (local.get 0) (local.get 1)))
                   (then (i32.const 1)) (else (i32.const 0))))
               (func (export "br_if_{op}") (param f64 f64) (result i32)
                 (block (br_if 0 (i32.eqz (f64.{op} (local.get 0) (local.get 1))))
                   (return (i32.const 0)))
                 (i32.const 1))
            "#
        ));
    }
    let engine = Engine::default();
    let m = compile(&engine, &format!("(module {funcs})"));
    let ir = m.debug_ir();
    assert!(
        !ir.contains("I32EqImm") && !ir.contains("Eqz"),
        "eqz was not fused:\n{ir}"
    );
    let (mut store, instance) = instantiate(&engine, &m, None);
    let values = [f64::NAN, -1.0, 0.0, -0.0, 2.5, f64::INFINITY];
    for op in ops {
        for a in values {
            for b in values {
                let holds = match op {
                    "eq" => a == b,
                    "ne" => a != b,
                    "lt" => a < b,
                    "gt" => a > b,
                    "le" => a <= b,
                    _ => a >= b,
                };
                let expected = Val::I32(i32::from(!holds));
                for kind in ["if", "br_if"] {
                    let args = [Val::F64(a.to_bits()), Val::F64(b.to_bits())];
                    let out = call(&mut store, instance, &format!("{kind}_{op}"), &args);
                    assert_eq!(out.unwrap(), vec![expected], "{kind} eqz(f64.{op} {a} {b})");
                }
            }
        }
    }
}

/// `i32.add x, C` feeding a load is fused into one instruction; the sum must still wrap at
/// 32 bits like `i32.add` (and only then be bounds-checked), for every load width.
#[test]
fn fused_address_addition_wraps_like_i32_add() {
    let loads = [
        ("i32.load", "i32"),
        ("i64.load", "i64"),
        ("i32.load8_s", "i32"),
        ("i32.load8_u", "i32"),
        ("i32.load16_s", "i32"),
        ("i32.load16_u", "i32"),
        ("i64.load32_s", "i64"),
    ];
    let mut funcs = String::new();
    for (i, (op, ty)) in loads.iter().enumerate() {
        funcs.push_str(&format!(
            r#"(func (export "f{i}") (param i32) (result {ty})
                 ({op} (i32.add (local.get 0) (i32.const 32))))
            "#
        ));
    }
    let wat =
        format!(r#"(module (memory 1) (data (i32.const 16) "\f0\f1\f2\f3\f4\f5\f6\f7") {funcs})"#);
    let engine = Engine::default();
    let m = compile(&engine, &wat);
    let ir = m.debug_ir();
    assert!(
        ir.contains("AddImm dst=") && !ir.contains("I32AddImm"),
        "not fused:\n{ir}"
    );
    let (mut store, instance) = instantiate(&engine, &m, None);
    let expected: [i64; 7] = [
        0xf3f2_f1f0_u32 as i32 as i64,
        0xf7f6_f5f4_f3f2_f1f0_u64 as i64,
        0xf0_u8 as i8 as i64,
        0xf0,
        0xf1f0_u16 as i16 as i64,
        0xf1f0,
        0xf3f2_f1f0_u32 as i32 as i64,
    ];
    for (i, (_, ty)) in loads.iter().enumerate() {
        let f = format!("f{i}");
        let mut at = |address: i32| call(&mut store, instance, &f, &[Val::I32(address)]);
        // 0xfffffff0 + 32 wraps to 16, where the data is.
        let r = at(-16);
        let got = match r.as_deref() {
            Ok(&[Val::I32(v)]) if *ty == "i32" => i64::from(v),
            Ok(&[Val::I64(v)]) => v,
            other => panic!("f{i}: {other:?}"),
        };
        assert_eq!(got, expected[i], "f{i}");
        // 0xffffffe0 + 32 wraps to 0; 65536 - 32 + 32 is past the end and traps.
        assert!(at(-32).is_ok(), "f{i} at 0");
        let err = at(65536 - 32).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds), "f{i}");
    }
}

/// `i32.add x, C` feeding `br_table` is fused; the index must wrap at 32 bits like `i32.add`
/// (a negative sum is a huge unsigned index: the default target).
#[test]
fn fused_br_table_index_wraps_like_i32_add() {
    let wat = r#"(module (func (export "f") (param i32) (result i32)
        (block (block (block (block
          (br_table 0 1 2 3 (i32.add (local.get 0) (i32.const -5))))
          (return (i32.const 10)))
          (return (i32.const 11)))
          (return (i32.const 12)))
        (i32.const 13)))"#;
    let engine = Engine::default();
    let m = compile(&engine, wat);
    assert!(m.debug_ir().contains("BrTableAddImm"), "{}", m.debug_ir());
    let (mut store, instance) = instantiate(&engine, &m, None);
    for (arg, expected) in [
        (5, 10),
        (6, 11),
        (7, 12),
        (8, 13),
        (4, 13),
        (i32::MIN, 13),
        (-1, 13),
    ] {
        let out = call_i32(&mut store, instance, "f", &[arg]);
        assert_eq!(out.unwrap(), expected, "f({arg})");
    }
}
