//! Tests of the layer the Python and Node bindings share: each goes through the C API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use wrt_bindings_common::*;

const HOST: &str = r#"(module
  (import "env" "double" (func $d (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (param i32) (result i32) (call $d (local.get 0)))
  (func (export "peek") (result i32) (i32.load8_u (i32.const 0))))"#;

fn engine(config: Config) -> Engine {
    Engine::new(&config).unwrap()
}

/// Instantiates `HOST` in `store` with `double` as its import `env.double`.
fn host_instance(e: &Engine, store: &Store, double: Box<HostFn>) -> Instance {
    let linker = Linker::new(e).unwrap();
    linker
        .define_func(
            "env",
            "double",
            &FuncType {
                params: vec![ValKind::I32],
                results: vec![ValKind::I32],
            },
            double,
        )
        .unwrap();
    let module = Module::new(e, HOST.as_bytes()).unwrap();
    linker.instantiate(store, &module).unwrap()
}

/// The exported function `name` of `instance`.
fn func(store: &Store, instance: Instance, name: &str) -> Func {
    let Extern::Func(f) = store.instance_export(instance, name).unwrap() else {
        panic!("{name} is not a function")
    };
    f
}

/// The exported memory `name` of `instance`.
fn memory(store: &Store, instance: Instance, name: &str) -> Memory {
    let Extern::Memory(m) = store.instance_export(instance, name).unwrap() else {
        panic!("{name} is not a memory")
    };
    m
}

#[test]
fn module_info_lists_imports_and_exports() {
    let e = engine(Config::default());
    let m = Module::new(&e, HOST.as_bytes()).unwrap();
    let info = m.info();
    assert_eq!(info.imports.len(), 1);
    assert_eq!(info.imports[0].module, "env");
    assert_eq!(
        info.imports[0].ty.func(),
        Some(&FuncType {
            params: vec![ValKind::I32],
            results: vec![ValKind::I32]
        })
    );
    let names: Vec<_> = info.exports.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["memory", "run", "peek"]);
    assert_eq!(info.exports[1].ty.func().unwrap().params, [ValKind::I32]);
}

#[test]
fn module_info_gives_every_kind_its_type() {
    let e = engine(Config::default());
    let m = Module::new(
        &e,
        br#"(module
              (import "env" "mem" (memory 1 4))
              (import "env" "g" (global (mut i64)))
              (table (export "t") 3 externref)
              (global (export "c") f32 (f32.const 1)))"#,
    )
    .unwrap();
    let info = m.info();
    assert_eq!(
        info.imports[0].ty,
        ExternType::Memory {
            min: 1,
            max: Some(4)
        }
    );
    assert_eq!(
        info.imports[1].ty,
        ExternType::Global {
            content: ValKind::I64,
            mutable: true
        }
    );
    assert_eq!(
        info.exports[0].ty,
        ExternType::Table {
            element: ValKind::ExternRef,
            min: 3,
            max: None
        }
    );
    assert_eq!(info.exports[1].ty.kind(), ExternKind::Global);
    assert!(info.exports[1].ty.func().is_none());
}

#[test]
fn host_functions_run_with_the_caller_context() {
    let e = engine(Config::default());
    let store = Store::new(&e).unwrap();
    let calls = Arc::new(AtomicU32::new(0));
    let seen = calls.clone();
    let instance = host_instance(
        &e,
        &store,
        Box::new(move |caller, args, results| {
            seen.fetch_add(1, Ordering::SeqCst);
            let mem = caller.memory().map_err(|e| e.to_string())?;
            // The store's own operations use the caller's context here.
            caller
                .store()
                .memory_write(mem, 0, &[7])
                .map_err(|e| e.to_string())?;
            let Val::I32(x) = args[0] else {
                return Err("not an i32".into());
            };
            results[0] = Val::I32(x * 2);
            Ok(())
        }),
    );
    let run = func(&store, instance, "run");
    assert_eq!(store.call(run, &[Val::I32(21)]).unwrap(), [Val::I32(42)]);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let mem = memory(&store, instance, "memory");
    assert_eq!(store.memory_read(mem, 0, 1).unwrap(), [7]);
}

#[test]
fn host_errors_and_traps_keep_their_codes() {
    let e = engine(Config::default());
    let store = Store::new(&e).unwrap();
    let instance = host_instance(&e, &store, Box::new(|_, _, _| Err("no".into())));
    let run = func(&store, instance, "run");
    let err = store.call(run, &[Val::I32(1)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Host);
    assert_eq!(err.message(), "host error: no");
    let bad = Module::new(&e, b"(module (func (export \"f\") unreachable))").unwrap();
    let i = Linker::new(&e).unwrap().instantiate(&store, &bad).unwrap();
    let f = func(&store, i, "f");
    let err = store.call(f, &[]).unwrap_err();
    assert_eq!(err.code(), consts::WRT_ERROR_TRAP);
    assert_eq!(trap_name(err.trap_code()), "unreachable");
}

#[test]
fn fuel_runs_out_with_a_trap_code() {
    let e = engine(Config {
        consume_fuel: true,
        ..Config::default()
    });
    let store = Store::new(&e).unwrap();
    store.fuel_set(50).unwrap();
    let m = Module::new(&e, b"(module (func (export \"f\") (loop $l (br $l))))").unwrap();
    let i = Linker::new(&e).unwrap().instantiate(&store, &m).unwrap();
    let f = func(&store, i, "f");
    let err = store.call(f, &[]).unwrap_err();
    assert!(err.is_out_of_fuel(), "{err:?}");
    assert!(store.fuel_consumed().unwrap() > 0);
}

#[test]
fn open_views_stop_execution_and_growth() {
    let e = engine(Config::default());
    let store = Store::new(&e).unwrap();
    let instance = host_instance(&e, &store, Box::new(|_, _, _| Ok(())));
    let mem = memory(&store, instance, "memory");
    let peek = func(&store, instance, "peek");
    let (ptr, len) = store.view_begin(mem).unwrap();
    assert_eq!(len, 65536);
    // SAFETY: the view keeps the memory in place until `view_end`.
    unsafe { *ptr = 9 };
    assert_eq!(store.call(peek, &[]).unwrap_err().kind(), ErrorKind::Busy);
    assert_eq!(
        store.memory_grow(mem, 1).unwrap_err().kind(),
        ErrorKind::Busy
    );
    store.view_end();
    assert_eq!(store.call(peek, &[]).unwrap(), [Val::I32(9)]);
    assert_eq!(store.memory_grow(mem, 1).unwrap(), 1);
}

#[test]
fn wasi_output_is_captured() {
    let e = engine(Config::default());
    let store = Store::new(&e).unwrap();
    store
        .set_wasi(&WasiConfig {
            args: vec!["hello.wasm".into()],
            stdout: WasiOutput::Capture,
            stderr: WasiOutput::Capture,
            ..WasiConfig::default()
        })
        .unwrap();
    let linker = Linker::new(&e).unwrap();
    linker.define_wasi().unwrap();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/wasi/rust/hello.wasm"
    );
    let module = Module::new(&e, &std::fs::read(path).unwrap()).unwrap();
    let instance = linker.instantiate(&store, &module).unwrap();
    let start = func(&store, instance, "_start");
    store.call(start, &[]).unwrap();
    assert_eq!(
        String::from_utf8(store.wasi_take_stdout().unwrap()).unwrap(),
        "Hello from WASI!\nArg: hello.wasm\n"
    );
    assert_eq!(store.wasi_take_stderr().unwrap(), b"a line on stderr\n");
}

#[test]
fn translation_settings_reach_the_engine() {
    // The translated code a store holds: with lazy translation (the default) it appears on the
    // first call; translated eagerly, it is there from instantiation.
    let code_bytes = |store: &Store| {
        let profile = store.memory_profile().unwrap();
        let code = profile
            .categories
            .iter()
            .find(|(name, _, _)| name == "code");
        code.map(|(_, current, _)| *current).unwrap()
    };
    let run = |config: Config| {
        let e = engine(config);
        let store = Store::new(&e).unwrap();
        let m = Module::new(
            &e,
            b"(module (func (export \"f\") (result i32) i32.const 7))",
        )
        .unwrap();
        let i = Linker::new(&e).unwrap().instantiate(&store, &m).unwrap();
        let before = code_bytes(&store);
        let f = func(&store, i, "f");
        assert_eq!(store.call(f, &[]).unwrap(), [Val::I32(7)]);
        (before, code_bytes(&store))
    };
    let (lazy_before, lazy_after) = run(Config::default());
    assert!(lazy_after > lazy_before, "{lazy_before} -> {lazy_after}");
    for parallel in [None, Some(false), Some(true)] {
        for platform in [None, Some(false)] {
            let (before, after) = run(Config {
                lazy_translation: Some(false),
                parallel_compilation: parallel,
                platform_optimizations: platform,
                ..Config::default()
            });
            assert_eq!(before, after);
            assert!(before > lazy_before, "{before} vs {lazy_before}");
        }
    }
}
