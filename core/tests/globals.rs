//! Globals: the interpreter reads an instance's own (defined) globals relative to the first of
//! them and imported ones through the instance's index table. These tests mix both, across
//! instances of one module, calls into the exporting instance, and a host call that creates
//! globals and instantiates a module (with a start function) in the middle of execution.

use wrt::{
    Caller, Config, Engine, Extern, Global, GlobalType, Instance, Linker, Module, Mutability,
    Store, Val, ValType,
};

fn module(engine: &Engine, wat: &str) -> Module {
    let bytes = wat::parse_str(wat).expect("test module parses");
    Module::new(engine, &bytes).expect("test module compiles")
}

/// Exports a mutable global and a function that changes it (and its other own globals).
const PROVIDER: &str = r#"(module
  (global $pad (mut i64) (i64.const 7))
  (global $shared (export "shared") (mut i32) (i32.const 100))
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (func (export "bump") (param i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (global.set $pad (i64.add (global.get $pad) (i64.const 1)))
    (global.set $shared (i32.add (global.get $shared) (local.get 0)))
    (global.get $shared))
  (func (export "pad") (result i64) (global.get $pad))
  (func (export "shared_value") (result i32) (global.get $shared)))"#;

/// Imports the provider's global and defines its own; instantiated twice.
const USER: &str = r#"(module
  (import "a" "shared" (global $shared (mut i32)))
  (import "a" "bump" (func $bump (param i32) (result i32)))
  (import "host" "grow" (func $grow (param i32) (result i32)))
  (global $seed (export "seed") (mut i32) (i32.const 0))
  (global $count (export "count") (mut i64) (i64.const 0))
  (global $last (export "last") (mut i32) (i32.const 0))
  (global $copy (export "copy") (mut i32) (i32.const 0))
  (func (export "init") (param i32) (result i32)
    (global.set $seed (local.get 0))
    (global.get $seed))
  (func (export "run") (param $k i32) (result i32)
    (global.set $last (global.get $shared))
    (global.set $shared (i32.add (global.get $seed) (global.get $shared)))
    (global.set $count (i64.add (global.get $count) (i64.const 1)))
    (global.set $seed (i32.add (global.get $seed) (i32.const 3)))
    (global.set $copy (global.get $seed))
    (drop (call $bump (local.get $k)))
    (drop (call $grow (global.get $seed)))
    (global.set $copy (global.get $last))
    (global.set $last (i32.add (global.get $last) (global.get $shared)))
    (global.set $seed (i32.sub (global.get $seed) (global.get $copy)))
    (global.set $seed (i32.add (global.get $seed) (global.get $last)))
    (global.get $last))
  ;; A global.get right after a global.set of the same global takes the stored operand.
  (func (export "forward") (param $x i32) (result i32)
    (global.set $last (local.get $x))
    (global.get $last)
    (local.set $x (i32.const 1000))
    (i32.add (local.get $x))
    (global.set $last (i32.const 9))
    (i32.add (global.get $last))
    (global.set $last (i32.add (global.get $shared) (i32.const 1)))
    (i32.add (global.get $last)))
  ;; ... but never across a label.
  (func (export "loop") (param $n i32) (result i32)
    (global.set $last (i32.const 0))
    (loop $l
      (global.set $last (i32.add (global.get $last) (i32.const 2)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (global.get $last))
  (func (export "skip") (param $c i32) (result i32)
    (global.set $last (i32.const 1))
    (block
      (br_if 0 (local.get $c))
      (global.set $last (i32.const 2)))
    (global.get $last)))"#;

/// Instantiated by the host function, inside `run`: its start function changes the imported
/// global and its own.
const NESTED: &str = r#"(module
  (import "a" "shared" (global $shared (mut i32)))
  (global $before (export "before") (mut i32) (i32.const -1))
  (global $after (export "after") (mut i32) (i32.const -1))
  (func $start
    (global.set $before (global.get $shared))
    (global.set $shared (i32.add (global.get $shared) (i32.const 1000)))
    (global.set $after (global.get $shared)))
  (start $start))"#;

/// What the host function adds to the caller's `count` and how many globals it creates.
const HOST_COUNT: i64 = 10;
const NEW_GLOBALS: usize = 300;

#[derive(Clone, Copy, Debug, Default)]
struct UserModel {
    seed: i32,
    count: i64,
    last: i32,
    copy: i32,
}

#[derive(Debug)]
struct Model {
    shared: i32,
    calls: i32,
    pad: i64,
    users: [UserModel; 2],
    /// (before, after) of each nested instance.
    nested: Vec<(i32, i32)>,
}

impl Model {
    fn bump(&mut self, p: i32) {
        self.calls += 1;
        self.pad += 1;
        self.shared = self.shared.wrapping_add(p);
    }

    fn run(&mut self, user: usize, k: i32) -> i32 {
        let mut u = self.users[user];
        u.last = self.shared;
        self.shared = u.seed.wrapping_add(self.shared);
        u.count += 1;
        u.seed = u.seed.wrapping_add(3);
        u.copy = u.seed;
        self.bump(k);
        // The host function.
        let before = self.shared;
        self.shared = self.shared.wrapping_add(1000);
        self.nested.push((before, self.shared));
        u.count += HOST_COUNT;
        u.copy = u.last;
        u.last = u.last.wrapping_add(self.shared);
        u.seed = u.seed.wrapping_sub(u.copy);
        u.seed = u.seed.wrapping_add(u.last);
        self.users[user] = u;
        u.last
    }
}

fn get_i32(store: &Store<Vec<Instance>>, instance: Instance, name: &str) -> i32 {
    match instance
        .get_global(store, name)
        .unwrap()
        .get(store)
        .unwrap()
    {
        Val::I32(v) => v,
        other => panic!("{name}: {other:?}"),
    }
}

fn get_i64(store: &Store<Vec<Instance>>, instance: Instance, name: &str) -> i64 {
    match instance
        .get_global(store, name)
        .unwrap()
        .get(store)
        .unwrap()
    {
        Val::I64(v) => v,
        other => panic!("{name}: {other:?}"),
    }
}

fn call_i32(store: &mut Store<Vec<Instance>>, instance: Instance, name: &str, args: &[Val]) -> i32 {
    let f = instance.get_func(&*store, name).unwrap();
    let mut out = [Val::I32(0)];
    f.call(&mut *store, args, &mut out).unwrap();
    match out[0] {
        Val::I32(v) => v,
        other => panic!("{name}: {other:?}"),
    }
}

fn check(
    store: &mut Store<Vec<Instance>>,
    model: &Model,
    provider: Instance,
    users: [Instance; 2],
) {
    assert_eq!(get_i32(store, provider, "shared"), model.shared);
    assert_eq!(get_i32(store, provider, "calls"), model.calls);
    assert_eq!(call_i32(store, provider, "shared_value", &[]), model.shared);
    let pad = provider.get_func(&*store, "pad").unwrap();
    let mut out = [Val::I64(0)];
    pad.call(&mut *store, &[], &mut out).unwrap();
    assert_eq!(out[0], Val::I64(model.pad));
    for (u, m) in users.iter().zip(&model.users) {
        assert_eq!(get_i32(store, *u, "seed"), m.seed);
        assert_eq!(get_i64(store, *u, "count"), m.count);
        assert_eq!(get_i32(store, *u, "last"), m.last);
        assert_eq!(get_i32(store, *u, "copy"), m.copy);
    }
    let nested = store.data().clone();
    assert_eq!(nested.len(), model.nested.len());
    for (n, &(before, after)) in nested.iter().zip(&model.nested) {
        assert_eq!(get_i32(store, *n, "before"), before);
        assert_eq!(get_i32(store, *n, "after"), after);
    }
}

fn own_and_imported_globals(config: &Config) {
    let engine = Engine::new(config);
    let provider_m = module(&engine, PROVIDER);
    let user_m = module(&engine, USER);
    let nested_m = module(&engine, NESTED);

    // The fast paths these tests are about are really used.
    let ir = user_m.debug_ir();
    for kind in [
        "GlobalGetOwn",
        "GlobalSetOwn",
        "GlobalGet ",
        "GlobalSet ",
        "GlobalCopyOwn",
        "GlobalAddImm32Own",
        "GlobalAddImm64Own",
    ] {
        assert!(ir.contains(kind), "no {kind} in:\n{ir}");
    }

    let mut store = Store::new(&engine, Vec::<Instance>::new());
    if config.fuel_enabled() {
        store.set_fuel(u64::MAX / 2).unwrap();
    }
    let provider = Linker::new(&engine)
        .instantiate(&mut store, &provider_m)
        .unwrap();
    let shared = provider.get_global(&store, "shared").unwrap();
    let mut linker = Linker::new(&engine);
    linker.instance(&store, "a", provider).unwrap();
    linker
        .func_wrap(
            "host",
            "grow",
            move |mut caller: Caller<'_, Vec<Instance>>, seed: i32| -> Result<i32, wrt::Error> {
                // Enough new globals to move the store's globals elsewhere in memory.
                for i in 0..NEW_GLOBALS {
                    let ty = GlobalType::new(ValType::I32, Mutability::Var);
                    Global::new(&mut caller, ty, Val::I32(i as i32))?;
                }
                // An instance whose start function runs wasm code on the same store.
                let mut nested_linker = Linker::new(caller.engine());
                nested_linker.define("a", "shared", shared)?;
                let nested = nested_linker.instantiate(&mut caller, &nested_m)?;
                caller.data_mut().push(nested);
                // A change to one of the caller's own globals, seen by the code after the call.
                let Some(Extern::Global(count)) = caller.get_export("count") else {
                    return Err(wrt::Error::host("no count"));
                };
                let Val::I64(c) = count.get(&caller)? else {
                    return Err(wrt::Error::host("count is not an i64"));
                };
                count.set(&mut caller, Val::I64(c + HOST_COUNT))?;
                Ok(seed.wrapping_mul(2))
            },
        )
        .unwrap();
    let u0 = linker.instantiate(&mut store, &user_m).unwrap();
    // Globals created between the two instances: their own globals are apart in the store.
    for _ in 0..5 {
        Global::new(
            &mut store,
            GlobalType::new(ValType::I64, Mutability::Const),
            Val::I64(-1),
        )
        .unwrap();
    }
    let u1 = linker.instantiate(&mut store, &user_m).unwrap();
    let users = [u0, u1];

    let mut model = Model {
        shared: 100,
        calls: 0,
        pad: 7,
        users: [UserModel::default(); 2],
        nested: Vec::new(),
    };
    check(&mut store, &model, provider, users);
    assert_eq!(call_i32(&mut store, u0, "init", &[Val::I32(5)]), 5);
    model.users[0].seed = 5;
    assert_eq!(call_i32(&mut store, u1, "init", &[Val::I32(11)]), 11);
    model.users[1].seed = 11;
    check(&mut store, &model, provider, users);

    for (step, (user, k)) in [(0, 1), (1, 2), (0, 3), (1, -4), (1, 5), (0, 6)]
        .into_iter()
        .enumerate()
    {
        let got = call_i32(&mut store, users[user], "run", &[Val::I32(k)]);
        let want = model.run(user, k);
        assert_eq!(got, want, "step {step}");
        check(&mut store, &model, provider, users);
        // The host side changes a global; the next run reads it.
        if step == 2 {
            shared.set(&mut store, Val::I32(-7)).unwrap();
            model.shared = -7;
        }
    }

    // Store-to-load forwarding of a global.
    let got = call_i32(&mut store, u1, "forward", &[Val::I32(40)]);
    assert_eq!(got, 40 + 1000 + 9 + model.shared.wrapping_add(1));
    model.users[1].last = model.shared.wrapping_add(1);
    check(&mut store, &model, provider, users);
    assert_eq!(call_i32(&mut store, u0, "loop", &[Val::I32(5)]), 10);
    model.users[0].last = 10;
    assert_eq!(call_i32(&mut store, u0, "skip", &[Val::I32(1)]), 1);
    assert_eq!(call_i32(&mut store, u1, "skip", &[Val::I32(0)]), 2);
    model.users[0].last = 1;
    model.users[1].last = 2;
    check(&mut store, &model, provider, users);
}

#[test]
fn own_and_imported_globals_default() {
    own_and_imported_globals(&Config::new());
}

#[test]
fn own_and_imported_globals_eager_with_fuel() {
    let mut config = Config::new();
    config.lazy_translation(false).consume_fuel(true);
    own_and_imported_globals(&config);
}
