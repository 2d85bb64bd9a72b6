//! Lazy translation (`Config::lazy_translation`, the default): `Module::new` validates every
//! function body but translates each one on its first call, and each store is charged for a
//! function's translated code when it first calls it. Eager translation does everything in
//! `Module::new` and charges all code at instantiation.

mod support;

use support::binary::leb;
use support::{call_i32, compile, instantiate, MIXED_PROGRAM};
use wrt::{Config, Engine, ErrorKind, Linker, MemoryCategory, Module, Store, Val};

fn engine(lazy: bool) -> Engine {
    Engine::new(Config::new().lazy_translation(lazy))
}

/// Functions 0, 1 and 2; `quad` calls `double`, nothing calls `never`.
const THREE: &str = r#"(module
  (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $quad (export "quad") (param i32) (result i32) (call $double (call $double (local.get 0))))
  (func $never (export "never") (param i32) (result i32)
    (local i64 f64)
    (i32.add (local.get 0) (i32.const 99))))"#;

fn code(store: &Store<()>) -> u64 {
    store
        .memory_profile()
        .category(MemoryCategory::Code)
        .current
}

/// Bytes of the code section of a binary module (what a lazily translated module keeps).
fn code_section_len(wasm: &[u8]) -> u64 {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CodeSectionStart { range, .. } = payload.unwrap() {
            return range.len() as u64;
        }
    }
    0
}

#[test]
fn modules_are_translated_lazily_by_default() {
    assert!(Config::new().is_lazy_translation());
    assert!(!Config::new().lazy_translation(false).is_lazy_translation());
}

#[test]
fn never_called_functions_are_still_validated() {
    // A body that does not type-check, one with an opcode that does not exist, and one using
    // atomics (threads, which this build does not implement): none is ever called, all are
    // rejected by `Module::new` in both modes, with the same error.
    let invalid = r#"(module
      (func (export "ok") (result i32) (i32.const 1))
      (func (result i32) (i32.add (f32.const 1) (i32.const 1))))"#;
    let unsupported = r#"(module
      (memory 1)
      (func (export "ok") (result i32) (i32.const 1))
      (func (drop (i32.atomic.load (i32.const 0)))))"#;
    // (module (func nop)) with the `nop` (0x01) replaced by 0x27, which is no opcode.
    let malformed: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: [] -> []
        0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
        0x0a, 0x05, 0x01, 0x03, 0x00, 0x27, 0x0b, // code section: no locals, 0x27, end
    ];
    let mut fixed = malformed.to_vec();
    fixed[23] = 0x01;

    let lazy = engine(true);
    let eager = engine(false);
    for e in [&lazy, &eager] {
        Module::new(e, &fixed).unwrap();
    }
    let both = |wasm: &[u8]| {
        let l = Module::new(&lazy, wasm).unwrap_err();
        let e = Module::new(&eager, wasm).unwrap_err();
        assert_eq!(l.to_string(), e.to_string());
        l
    };
    let err = both(&wat::parse_str(invalid).unwrap());
    assert!(matches!(err.kind(), ErrorKind::Invalid { .. }), "{err}");
    assert!(err.to_string().contains("type mismatch"), "{err}");
    let err = both(&wat::parse_str(unsupported).unwrap());
    assert!(matches!(err.kind(), ErrorKind::Unsupported { .. }), "{err}");
    let err = both(malformed);
    assert!(matches!(err.kind(), ErrorKind::Malformed { .. }), "{err}");
    assert!(Module::validate(&lazy, malformed).is_err());
}

#[test]
fn functions_are_translated_and_charged_on_their_first_call() {
    let wasm = wat::parse_str(THREE).unwrap();
    let lazy = engine(true);
    let module = Module::new(&lazy, &wasm).unwrap();
    assert_eq!(module.debug_translated_funcs(), 0);
    let (mut store, instance) = instantiate(&lazy, &module, None);
    assert_eq!(module.debug_translated_funcs(), 0);
    let at_instantiation = code(&store);
    assert!(at_instantiation > 0, "metadata and bodies are charged");

    assert_eq!(call_i32(&mut store, instance, "quad", &[3]).unwrap(), 12);
    assert_eq!(module.debug_translated_funcs(), 2);
    let double = module.debug_code_bytes(0).unwrap();
    let quad = module.debug_code_bytes(1).unwrap();
    assert_eq!(
        module.debug_code_bytes(2),
        None,
        "never called, never translated"
    );
    assert_eq!(code(&store), at_instantiation + double + quad);
    // Calling again charges nothing more.
    assert_eq!(call_i32(&mut store, instance, "double", &[5]).unwrap(), 10);
    assert_eq!(call_i32(&mut store, instance, "quad", &[1]).unwrap(), 4);
    assert_eq!(code(&store), at_instantiation + double + quad);

    // Eager translation makes the same code, and charges all of it at instantiation.
    let eager = engine(false);
    let eager_module = Module::new(&eager, &wasm).unwrap();
    assert_eq!(eager_module.debug_translated_funcs(), 3);
    assert_eq!(eager_module.debug_code_bytes(0), Some(double));
    assert_eq!(eager_module.debug_code_bytes(1), Some(quad));
    let (mut eager_store, eager_instance) = instantiate(&eager, &eager_module, None);
    let eager_code = code(&eager_store);
    assert_eq!(
        call_i32(&mut eager_store, eager_instance, "quad", &[3]).unwrap(),
        12
    );
    assert_eq!(code(&eager_store), eager_code);

    // Once every function has been called, the lazy store holds the eager figure plus the
    // function bodies the lazy module keeps to translate from.
    assert_eq!(call_i32(&mut store, instance, "never", &[1]).unwrap(), 100);
    assert_eq!(module.debug_code_bytes(2), eager_module.debug_code_bytes(2));
    assert_eq!(code(&store), eager_code + code_section_len(&wasm));
}

#[test]
fn each_store_is_charged_once_for_each_function_it_calls() {
    let lazy = engine(true);
    let module = compile(&lazy, THREE);
    let linker = Linker::new(&lazy);
    let mut a = Store::new(&lazy, ());
    let mut b = Store::new(&lazy, ());
    let a1 = linker.instantiate(&mut a, &module).unwrap();
    let b1 = linker.instantiate(&mut b, &module).unwrap();
    let (a0, b0) = (code(&a), code(&b));
    assert_eq!(a0, b0);

    assert_eq!(call_i32(&mut a, a1, "double", &[1]).unwrap(), 2);
    let double = module.debug_code_bytes(0).unwrap();
    assert_eq!(code(&a), a0 + double);
    assert_eq!(code(&b), b0, "b has not called it");
    // `b` finds `double` translated already, and is charged for it all the same.
    assert_eq!(call_i32(&mut b, b1, "double", &[2]).unwrap(), 4);
    assert_eq!(module.debug_translated_funcs(), 1);
    assert_eq!(code(&b), b0 + double);

    // A second instance of the module in `a` shares the charge: per store and function, not
    // per instance.
    let a2 = linker.instantiate(&mut a, &module).unwrap();
    assert_eq!(code(&a), a0 + double);
    assert_eq!(call_i32(&mut a, a2, "double", &[3]).unwrap(), 6);
    assert_eq!(code(&a), a0 + double);
    assert_eq!(call_i32(&mut a, a2, "quad", &[1]).unwrap(), 4);
    let quad = module.debug_code_bytes(1).unwrap();
    assert_eq!(code(&a), a0 + double + quad);
    assert_eq!(call_i32(&mut a, a1, "quad", &[1]).unwrap(), 4);
    assert_eq!(code(&a), a0 + double + quad);
    assert_eq!(code(&b), b0 + double);
}

#[test]
fn a_first_call_whose_code_does_not_fit_fails_with_the_budget_error() {
    let wasm = wat::parse_str(THREE).unwrap();
    let run = |budget: Option<u64>| {
        let mut config = Config::new();
        if let Some(budget) = budget {
            config.memory_budget(budget);
        }
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &wasm).unwrap();
        let (mut store, instance) = instantiate(&engine, &module, None);
        let instantiated = store.memory_profile().total.current;
        let outcome = call_i32(&mut store, instance, "double", &[21]);
        (store, instance, instantiated, outcome)
    };
    // Without a budget: what instantiation and the first call use.
    let (store, _, instantiated, outcome) = run(None);
    assert_eq!(outcome.unwrap(), 42);
    let after_call = store.memory_profile().total.current;
    assert!(after_call > instantiated);

    // One byte less: instantiation fits, the first call's code does not.
    let (mut store, instance, _, outcome) = run(Some(after_call - 1));
    let err = outcome.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Limit { .. }), "{err}");
    assert!(err.to_string().contains("code needs"), "{err}");
    let profile = store.memory_profile();
    assert_eq!(profile.budget_refusals, 1);
    assert!(profile.total.current < after_call);
    let code_before = code(&store);
    // Nothing was cached: the next call fails the same way.
    let again = call_i32(&mut store, instance, "double", &[21]).unwrap_err();
    assert_eq!(again.to_string(), err.to_string());
    assert_eq!(code(&store), code_before);
    assert_eq!(store.memory_profile().budget_refusals, 2);

    // Exactly enough: the call runs.
    let (store, _, _, outcome) = run(Some(after_call));
    assert_eq!(outcome.unwrap(), 42);
    assert_eq!(store.memory_profile().total.current, after_call);
}

/// Programs exercising calls (direct, indirect, tail), branches, memory, globals and floats.
const PROGRAMS: &[&str] = &[
    MIXED_PROGRAM,
    r#"(module
      (func $count (param i32 i64) (result i64)
        (if (result i64) (i32.eqz (local.get 0))
          (then (local.get 1))
          (else (return_call $count (i32.sub (local.get 0) (i32.const 1))
                                    (i64.add (local.get 1) (i64.extend_i32_u (local.get 0)))))))
      (func $classify (param i32) (result i64)
        (block $d (block $c (block $b (block $a
          (br_table $a $b $c $d (i32.rem_u (local.get 0) (i32.const 5))))
          (return (i64.const 10)))
          (return (i64.const 20)))
          (return (i64.const 30)))
        (i64.const 40))
      (func (export "run") (param i32) (result i64) (local $i i32) (local $sum i64)
        (loop $l
          (local.set $sum (i64.add (local.get $sum) (call $classify (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
        (i64.add (local.get $sum) (call $count (local.get 0) (i64.const 0)))))"#,
];

#[test]
fn eager_and_lazy_give_the_same_code_results_and_fuel() {
    for (p, wat) in PROGRAMS.iter().enumerate() {
        let outcome = |lazy: bool| {
            let mut config = Config::new();
            config
                .lazy_translation(lazy)
                .consume_fuel(true)
                .deterministic(true)
                .memory_budget(1 << 20);
            let engine = Engine::new(&config);
            let module = compile(&engine, wat);
            let (mut store, instance) = instantiate(&engine, &module, Some(10_000_000));
            let results = support::call(&mut store, instance, "run", &[Val::I32(100)]).unwrap();
            let profile = store.memory_profile();
            let others: Vec<_> = MemoryCategory::ALL
                .iter()
                .filter(|c| !matches!(c, MemoryCategory::Code | MemoryCategory::Runtime))
                .map(|&c| profile.category(c))
                .collect();
            (results, store.fuel_consumed(), others, module.debug_ir())
        };
        let (lazy, eager) = (outcome(true), outcome(false));
        assert_eq!(lazy.0, eager.0, "program {p}: results");
        assert_eq!(lazy.1, eager.1, "program {p}: fuel");
        assert_eq!(
            lazy.2, eager.2,
            "program {p}: memory other than code and runtime"
        );
        assert_eq!(lazy.3, eager.3, "program {p}: translated code");
    }
}

#[test]
fn a_start_function_is_translated_at_instantiation() {
    let wat = r#"(module
      (global $g (export "g") (mut i32) (i32.const 0))
      (func $start (global.set $g (i32.const 7)))
      (func (export "unused") (result i32) (i32.const 1))
      (start $start))"#;
    let lazy = engine(true);
    let module = compile(&lazy, wat);
    let (store, instance) = instantiate(&lazy, &module, None);
    assert_eq!(module.debug_translated_funcs(), 1);
    let g = instance.get_global(&store, "g").unwrap();
    assert_eq!(g.get(&store).unwrap(), Val::I32(7));
}

#[test]
fn stores_on_several_threads_share_one_lazily_translated_module() {
    fn shareable<T: Send + Sync>(_: &T) {}
    let lazy = engine(true);
    let module = compile(&lazy, THREE);
    shareable(&module);
    let charged: Vec<(i32, u64, u64)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|i| {
                let (engine, module) = (lazy.clone(), module.clone());
                scope.spawn(move || {
                    let (mut store, instance) = instantiate(&engine, &module, None);
                    let before = code(&store);
                    let result = call_i32(&mut store, instance, "quad", &[i]).unwrap();
                    (result, before, code(&store))
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(module.debug_translated_funcs(), 2);
    let expected = module.debug_code_bytes(0).unwrap() + module.debug_code_bytes(1).unwrap();
    for (i, (result, before, after)) in charged.into_iter().enumerate() {
        assert_eq!(result, 4 * i as i32);
        assert_eq!(after - before, expected);
    }
}

#[test]
fn a_body_too_large_for_the_size_bound_is_measured_instead() {
    // `nop` x 2.2 million: past the size the frame bound accepts on size alone (about 2.1 MB),
    // so validation measures the operand stack instead (it stays empty) and accepts it.
    let nops = 2_200_000;
    let mut body = vec![0x00]; // no locals
    body.resize(1 + nops, 0x01);
    body.extend([0x41, 0x07, 0x0b]); // i32.const 7, end
    let mut code = vec![0x01];
    leb(&mut code, body.len() as u64);
    code.extend(&body);
    let mut wasm = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    wasm.extend([0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f]); // type: [] -> [i32]
    wasm.extend([0x03, 0x02, 0x01, 0x00]); // one function of type 0
    wasm.extend([0x07, 0x05, 0x01, 0x01, b'f', 0x00, 0x00]); // export "f" = func 0
    wasm.push(0x0a);
    leb(&mut wasm, code.len() as u64);
    wasm.extend(&code);
    for lazy in [true, false] {
        let engine = engine(lazy);
        let module = Module::new(&engine, &wasm).unwrap();
        let (mut store, instance) = instantiate(&engine, &module, None);
        assert_eq!(call_i32(&mut store, instance, "f", &[]).unwrap(), 7);
    }
}
