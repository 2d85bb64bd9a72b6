//! The native part of the Node binding (`wrt.node`). It wraps wrt's C API through the
//! `wrt-bindings-common` layer, which calls the `extern "C"` functions of the `wrt-capi` crate,
//! so JavaScript sees the same behaviour and error codes as C. `index.js` builds the
//! JavaScript API (modelled on the WebAssembly JS API) on these low-level classes.
//!
//! No Rust panic reaches Node: the C API catches its own, host functions run behind
//! `catch_unwind` in the common layer, and this crate does not panic (clippy denies `unwrap`,
//! `expect` and `panic`).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use common::{Extern, Val, ValKind};
use napi::bindgen_prelude::*;
use napi::{sys, Env, ValueType};
use napi_derive::napi;

// ---------------------------------------------------------------------------------------------
// Errors.

/// `(code, trapCode, exitStatus, message)`.
type ErrorArgs = FnArgs<(u32, u32, Option<i32>, String)>;
type ErrorFactory = FunctionRef<ErrorArgs, Unknown<'static>>;

thread_local! {
    /// Builds the JavaScript error object for a C API error (set by index.js).
    static FACTORY: RefCell<Option<ErrorFactory>> = const { RefCell::new(None) };
    /// The exception a JavaScript host function threw, kept while the error travels through
    /// wasm code, so the call that started it throws the same object.
    static PENDING: RefCell<Option<Error>> = const { RefCell::new(None) };
    /// The environment of the native call running on this thread, for host functions.
    static CURRENT_ENV: Cell<sys::napi_env> = const { Cell::new(std::ptr::null_mut()) };
}

/// Registers the function that turns `(code, trapCode, exitStatus, message)` into an error
/// object of the right class.
#[napi]
pub fn set_error_factory(factory: Function<ErrorArgs, Unknown<'static>>) -> Result<()> {
    let r = factory.create_ref()?;
    FACTORY.with(|f| *f.borrow_mut() = Some(r));
    Ok(())
}

fn js_error(env: &Env, e: common::Error) -> Error {
    let pending = PENDING.with(|p| p.borrow_mut().take());
    if e.kind() == common::ErrorKind::Host {
        if let Some(original) = pending {
            return original;
        }
    }
    let built = FACTORY.with(|f| -> Option<Error> {
        let f = f.borrow();
        let factory = f.as_ref()?;
        let func = factory.borrow_back(env).ok()?;
        let obj = func
            .call(FnArgs::from((
                e.code(),
                e.trap_code(),
                e.exit_status(),
                e.message().to_owned(),
            )))
            .ok()?;
        Some(Error::from(obj))
    });
    built.unwrap_or_else(|| Error::new(Status::GenericFailure, e.message().to_owned()))
}

trait OrThrow<T> {
    fn js(self, env: &Env) -> Result<T>;
}

impl<T> OrThrow<T> for common::Result<T> {
    fn js(self, env: &Env) -> Result<T> {
        self.map_err(|e| js_error(env, e))
    }
}

fn type_error(message: impl Into<String>) -> Error {
    Error::new(Status::InvalidArg, message.into())
}

/// Makes `env` the environment host functions use while `f` runs.
fn with_env<R>(env: &Env, f: impl FnOnce() -> R) -> R {
    struct Restore(sys::napi_env);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT_ENV.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CURRENT_ENV.with(|c| c.replace(env.raw())));
    f()
}

// ---------------------------------------------------------------------------------------------
// Values.

/// A WebAssembly value on its way to JavaScript: i32, f32 and f64 as numbers, i64 as BigInt,
/// references as `NativeExtern` or null.
pub enum JsVal {
    Number(f64),
    Int(i32),
    Big(i64),
    Null,
    Func(NativeExtern),
}

impl ToNapiValue for JsVal {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        // SAFETY: `env` is the live environment napi-rs passes in; each arm forwards to the
        // conversion of a type napi-rs provides.
        unsafe {
            match val {
                JsVal::Number(v) => f64::to_napi_value(env, v),
                JsVal::Int(v) => i32::to_napi_value(env, v),
                JsVal::Big(v) => BigInt::to_napi_value(env, BigInt::from(v)),
                JsVal::Null => Null::to_napi_value(env, Null),
                JsVal::Func(f) => NativeExtern::to_napi_value(env, f),
            }
        }
    }
}

fn to_js(store: &common::Store, v: Val) -> Result<JsVal> {
    Ok(match v {
        Val::I32(v) => JsVal::Int(v),
        Val::I64(v) => JsVal::Big(v),
        Val::F32(v) => JsVal::Number(f64::from(v)),
        Val::F64(v) => JsVal::Number(v),
        Val::FuncRef(None) | Val::ExternRef(None) => JsVal::Null,
        Val::FuncRef(Some(f)) => JsVal::Func(NativeExtern {
            store: store.clone(),
            item: Extern::Func(f),
        }),
        Val::ExternRef(Some(_)) => {
            return Err(type_error(
                "externref values are not supported by the Node binding yet",
            ))
        }
    })
}

/// Converts a JavaScript value to a value of `kind`: numbers (or BigInt) for i32 (wrapping like
/// `x | 0`), BigInt (or a safe integer) for i64, numbers for f32/f64, an exported function or
/// null for funcref, null for externref.
fn from_js(env: &Env, store: &common::Store, kind: ValKind, v: &Unknown<'_>) -> Result<Val> {
    let ty = v.get_type()?;
    let number = || -> Result<f64> {
        // SAFETY: the value is a number (checked by the callers through `ty`).
        unsafe { v.cast::<f64>() }
    };
    let bigint = || -> Result<i128> {
        // SAFETY: the value is a BigInt (checked by the callers through `ty`).
        let b = unsafe { v.cast::<BigInt>() }?;
        let (value, lossless) = b.get_i128();
        if lossless {
            Ok(value)
        } else {
            Err(type_error("the BigInt does not fit in 64 bits"))
        }
    };
    Ok(match (kind, ty) {
        (ValKind::I32, ValueType::Number) => {
            let f = number()?;
            let wrapped = if f.is_finite() {
                (f.trunc() % 4294967296.0) as i64 as u32 as i32
            } else {
                0
            };
            Val::I32(wrapped)
        }
        (ValKind::I32, ValueType::BigInt) => Val::I32(bigint()? as u32 as i32),
        (ValKind::I64, ValueType::BigInt) => {
            let b = bigint()?;
            if !(-(1i128 << 63)..(1i128 << 64)).contains(&b) {
                return Err(type_error("the BigInt does not fit in an i64"));
            }
            Val::I64(b as u64 as i64)
        }
        (ValKind::I64, ValueType::Number) => {
            let f = number()?;
            if f.fract() != 0.0 || f.abs() > 9007199254740991.0 {
                return Err(type_error("an i64 takes a BigInt or a safe integer number"));
            }
            Val::I64(f as i64)
        }
        (ValKind::F32, ValueType::Number) => Val::F32(number()? as f32),
        (ValKind::F64, ValueType::Number) => Val::F64(number()?),
        (ValKind::FuncRef | ValKind::ExternRef, ValueType::Null | ValueType::Undefined) => {
            Val::zero(kind)
        }
        (ValKind::FuncRef, ValueType::Object) => {
            // SAFETY: `v` is a live value of this call; the conversion checks the class
            // (napi type tag) before giving out the reference.
            let e = unsafe { ClassInstance::<NativeExtern>::from_napi_value(env.raw(), v.raw()) }?;
            match e.item {
                Extern::Func(f) if e.store.same(store) => Val::FuncRef(Some(f)),
                Extern::Func(_) => return Err(type_error("the function belongs to another store")),
                _ => return Err(type_error("a funcref takes an exported function or null")),
            }
        }
        (ValKind::ExternRef, _) => {
            return Err(type_error(
                "externref values other than null are not supported by the Node binding yet",
            ))
        }
        (kind, ty) => {
            return Err(type_error(format!(
                "cannot convert a JavaScript {ty} to {}",
                kind.name()
            )))
        }
    })
}

fn kinds(names: &[String]) -> Result<Vec<ValKind>> {
    names
        .iter()
        .map(|n| ValKind::parse(n).map_err(|e| type_error(e.message())))
        .collect()
}

fn names(kinds: &[ValKind]) -> Vec<String> {
    kinds.iter().map(|k| k.name().to_owned()).collect()
}

fn u64_arg(value: i64, what: &str) -> Result<u64> {
    u64::try_from(value).map_err(|_| type_error(format!("{what} must not be negative")))
}

fn opt_usize(value: Option<i64>, what: &str) -> Result<Option<usize>> {
    value
        .map(|v| usize::try_from(v).map_err(|_| type_error(format!("{what} must not be negative"))))
        .transpose()
}

fn bytes_arg(bytes: Either<Uint8Array, String>) -> Vec<u8> {
    match bytes {
        Either::A(a) => a.to_vec(),
        Either::B(s) => s.into_bytes(),
    }
}

// ---------------------------------------------------------------------------------------------
// Engines and modules.

/// One engine setting, as index.js reads, checks and documents it: its name in camel case
/// (`maxCallDepth`), its kind (`flag`: a boolean, false unless set; `bool`: a boolean, or unset
/// for wrt's default; `int`: a non-negative integer, or unset), whether a compiled module
/// depends on it, and its documentation.
#[napi(object)]
pub struct SettingDesc {
    pub name: String,
    pub kind: String,
    pub compile: bool,
    pub doc: String,
}

fn kind_name(kind: common::SettingKind) -> &'static str {
    match kind {
        common::SettingKind::Flag => "flag",
        common::SettingKind::Bool => "bool",
        common::SettingKind::Int => "int",
    }
}

/// The engine settings, in the C API's order.
#[napi]
pub fn config_settings() -> Vec<SettingDesc> {
    common::Config::SETTINGS
        .iter()
        .map(|s| SettingDesc {
            name: s.camel_case_name(),
            kind: kind_name(s.kind).to_owned(),
            compile: s.compile,
            doc: s.doc.to_owned(),
        })
        .collect()
}

/// The C API's error codes by name without `WRT_ERROR_` (`{ NULL_ARGUMENT: 1, ... }`).
#[napi]
pub fn error_codes(env: &Env) -> Result<Object<'_>> {
    let mut codes = Object::new(env)?;
    for kind in common::ErrorKind::ALL {
        let name = kind.code_name();
        codes.set(name.strip_prefix("ERROR_").unwrap_or(name), kind.code())?;
    }
    Ok(codes)
}

/// The C API's trap codes by trap name (`{ none: 0, unreachable: 1, ... }`).
#[napi]
pub fn trap_codes(env: &Env) -> Result<Object<'_>> {
    let mut codes = Object::new(env)?;
    for (_, code) in common::TRAP_CODES {
        codes.set(common::trap_name(*code), *code)?;
    }
    Ok(codes)
}

#[napi]
pub struct NativeEngine {
    inner: common::Engine,
}

#[napi]
impl NativeEngine {
    /// `options` holds settings by their camel-case names (see `configSettings`); a missing one
    /// keeps wrt's default.
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<Object<'_>>) -> Result<Self> {
        let mut c = common::Config::default();
        if let Some(o) = options {
            for setting in common::Config::SETTINGS {
                let key = setting.camel_case_name();
                let input = match setting.kind {
                    common::SettingKind::Flag | common::SettingKind::Bool => o
                        .get::<bool>(&key)?
                        .map_or(common::SettingInput::Default, common::SettingInput::Bool),
                    common::SettingKind::Int => match o.get::<i64>(&key)? {
                        Some(n) => common::SettingInput::Int(u64_arg(n, &key)?),
                        None => common::SettingInput::Default,
                    },
                };
                c.set(setting.name, input).js(&env)?;
            }
        }
        Ok(NativeEngine {
            inner: common::Engine::new(&c).js(&env)?,
        })
    }
}

/// An import or export of a module, with its type: `params`/`results` for functions,
/// `valueType` and `mutable` for globals, `valueType` (the element type), `minimum` and
/// `maximum` for tables, `minimum` and `maximum` (in 64 KiB pages) for memories.
#[napi(object)]
pub struct ExternDesc {
    pub module: Option<String>,
    pub name: String,
    pub kind: String,
    pub params: Option<Vec<String>>,
    pub results: Option<Vec<String>>,
    pub value_type: Option<String>,
    pub mutable: Option<bool>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
}

fn extern_desc(module: Option<String>, name: &str, ty: &common::ExternType) -> ExternDesc {
    use common::ExternType as T;
    // Sizes fit: pages are at most 65536 and table elements at most 2^32.
    let size = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let mut d = ExternDesc {
        module,
        name: name.to_owned(),
        kind: ty.kind().name().to_owned(),
        params: None,
        results: None,
        value_type: None,
        mutable: None,
        minimum: None,
        maximum: None,
    };
    match *ty {
        T::Func(ref f) => {
            d.params = Some(names(&f.params));
            d.results = Some(names(&f.results));
        }
        T::Global { content, mutable } => {
            d.value_type = Some(content.name().to_owned());
            d.mutable = Some(mutable);
        }
        T::Memory { min, max } => {
            d.minimum = Some(size(min));
            d.maximum = max.map(size);
        }
        T::Table { element, min, max } => {
            d.value_type = Some(element.name().to_owned());
            d.minimum = Some(size(min));
            d.maximum = max.map(size);
        }
        T::Other => {}
    }
    d
}

#[napi]
pub struct NativeModule {
    inner: common::Module,
}

#[napi]
impl NativeModule {
    #[napi(constructor)]
    pub fn new(env: Env, engine: &NativeEngine, bytes: Either<Uint8Array, String>) -> Result<Self> {
        let bytes = bytes_arg(bytes);
        Ok(NativeModule {
            inner: common::Module::new(&engine.inner, &bytes).js(&env)?,
        })
    }

    #[napi]
    pub fn imports(&self) -> Vec<ExternDesc> {
        self.inner
            .info()
            .imports
            .iter()
            .map(|i| extern_desc(Some(i.module.clone()), &i.name, &i.ty))
            .collect()
    }

    #[napi]
    pub fn exports(&self) -> Vec<ExternDesc> {
        self.inner
            .info()
            .exports
            .iter()
            .map(|e| extern_desc(None, &e.name, &e.ty))
            .collect()
    }
}

/// Checks that `bytes` (binary or text) are a valid module; throws a CompileError otherwise.
#[napi]
pub fn validate(env: Env, engine: &NativeEngine, bytes: Either<Uint8Array, String>) -> Result<()> {
    common::Module::validate(&engine.inner, &bytes_arg(bytes)).js(&env)
}

/// Converts the WebAssembly text format to a binary module.
#[napi(js_name = "wat2wasm")]
pub fn wat2wasm(env: Env, text: String) -> Result<Buffer> {
    Ok(common::wat2wasm(&text).js(&env)?.into())
}

/// The version of the wrt library.
#[napi]
pub fn version() -> String {
    common::version()
}

// ---------------------------------------------------------------------------------------------
// Stores.

/// WASI settings: see index.d.ts (`WasiOptions`).
#[napi(object)]
pub struct WasiOptions {
    pub args: Option<Vec<String>>,
    pub env: Option<HashMap<String, String>>,
    pub inherit_env: Option<Vec<String>>,
    pub preopens: Option<HashMap<String, String>>,
    pub read_only_preopens: Option<HashMap<String, String>>,
    pub stdin: Option<Either<Uint8Array, String>>,
    pub stdout: Option<String>,
    pub stderr: Option<String>,
    pub exit_allowed: Option<bool>,
}

fn output_mode(mode: Option<&str>) -> Result<common::WasiOutput> {
    match mode {
        None | Some("ignore") | Some("null") => Ok(common::WasiOutput::Null),
        Some("inherit") => Ok(common::WasiOutput::Inherit),
        Some("capture") => Ok(common::WasiOutput::Capture),
        Some(other) => Err(type_error(format!(
            "unknown output mode {other:?}: use 'ignore', 'inherit' or 'capture'"
        ))),
    }
}

/// One memory category's usage.
#[napi(object)]
pub struct Usage {
    pub current: i64,
    pub peak: i64,
}

/// A snapshot of a store's memory use.
#[napi(object)]
pub struct MemoryProfile {
    pub budget: Option<i64>,
    pub current: i64,
    pub peak: i64,
    pub memory_grows: i64,
    pub memory_grow_failures: i64,
    pub table_grows: i64,
    pub budget_refusals: i64,
    pub categories: HashMap<String, Usage>,
}

fn clamp(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[napi]
pub struct NativeStore {
    inner: common::Store,
}

#[napi]
impl NativeStore {
    #[napi(constructor)]
    pub fn new(env: Env, engine: &NativeEngine) -> Result<Self> {
        Ok(NativeStore {
            inner: common::Store::new(&engine.inner).js(&env)?,
        })
    }

    #[napi]
    pub fn set_fuel(&self, env: Env, fuel: i64) -> Result<()> {
        self.inner.fuel_set(u64_arg(fuel, "fuel")?).js(&env)
    }

    #[napi]
    pub fn add_fuel(&self, env: Env, fuel: i64) -> Result<()> {
        self.inner.fuel_add(u64_arg(fuel, "fuel")?).js(&env)
    }

    #[napi]
    pub fn get_fuel(&self, env: Env) -> Result<i64> {
        Ok(clamp(self.inner.fuel_get().js(&env)?))
    }

    #[napi]
    pub fn fuel_consumed(&self, env: Env) -> Result<i64> {
        Ok(clamp(self.inner.fuel_consumed().js(&env)?))
    }

    #[napi]
    pub fn memory_profile(&self, env: Env) -> Result<MemoryProfile> {
        let p = self.inner.memory_profile().js(&env)?;
        Ok(MemoryProfile {
            budget: p.budget.map(clamp),
            current: clamp(p.current),
            peak: clamp(p.peak),
            memory_grows: clamp(p.memory_grows),
            memory_grow_failures: clamp(p.memory_grow_failures),
            table_grows: clamp(p.table_grows),
            budget_refusals: clamp(p.budget_refusals),
            categories: p
                .categories
                .into_iter()
                .map(|(name, current, peak)| {
                    (
                        name,
                        Usage {
                            current: clamp(current),
                            peak: clamp(peak),
                        },
                    )
                })
                .collect(),
        })
    }

    #[napi]
    pub fn charge_host(&self, env: Env, bytes: i64) -> Result<()> {
        self.inner.charge_host(u64_arg(bytes, "bytes")?).js(&env)
    }

    #[napi]
    pub fn release_host(&self, env: Env, bytes: i64) -> Result<()> {
        self.inner.release_host(u64_arg(bytes, "bytes")?).js(&env)
    }

    #[napi]
    pub fn set_wasi(&self, env: Env, options: WasiOptions) -> Result<()> {
        let mut c = common::WasiConfig {
            args: options.args.unwrap_or_default(),
            stdout: output_mode(options.stdout.as_deref())?,
            stderr: output_mode(options.stderr.as_deref())?,
            exit_allowed: options.exit_allowed.unwrap_or(false),
            ..Default::default()
        };
        let mut vars: Vec<(String, String)> = options.env.unwrap_or_default().into_iter().collect();
        vars.sort();
        c.env = vars.into_iter().map(|(k, v)| (k, Some(v))).collect();
        for name in options.inherit_env.unwrap_or_default() {
            c.env.push((name, None));
        }
        for (map, read_only) in [
            (options.preopens, false),
            (options.read_only_preopens, true),
        ] {
            let mut dirs: Vec<(String, String)> = map.unwrap_or_default().into_iter().collect();
            dirs.sort();
            for (guest, host) in dirs {
                c.preopens.push(common::Preopen {
                    host,
                    guest: Some(guest),
                    read_only,
                });
            }
        }
        c.stdin = match options.stdin {
            None => common::WasiInput::Null,
            Some(Either::A(bytes)) => common::WasiInput::Bytes(bytes.to_vec()),
            Some(Either::B(s)) if s == "inherit" => common::WasiInput::Inherit,
            Some(Either::B(s)) => common::WasiInput::Bytes(s.into_bytes()),
        };
        self.inner.set_wasi(&c).js(&env)
    }

    #[napi]
    pub fn take_stdout(&self, env: Env) -> Result<Buffer> {
        Ok(self.inner.wasi_take_stdout().js(&env)?.into())
    }

    #[napi]
    pub fn take_stderr(&self, env: Env) -> Result<Buffer> {
        Ok(self.inner.wasi_take_stderr().js(&env)?.into())
    }
}

// ---------------------------------------------------------------------------------------------
// Store objects.

/// A function, memory, global or table of a store.
#[napi]
pub struct NativeExtern {
    store: common::Store,
    item: Extern,
}

impl NativeExtern {
    fn func(&self) -> Result<common::Func> {
        match self.item {
            Extern::Func(f) => Ok(f),
            _ => Err(type_error("not a function")),
        }
    }
    fn memory(&self) -> Result<common::Memory> {
        match self.item {
            Extern::Memory(m) => Ok(m),
            _ => Err(type_error("not a memory")),
        }
    }
    fn global(&self) -> Result<common::Global> {
        match self.item {
            Extern::Global(g) => Ok(g),
            _ => Err(type_error("not a global")),
        }
    }
    fn table(&self) -> Result<common::Table> {
        match self.item {
            Extern::Table(t) => Ok(t),
            _ => Err(type_error("not a table")),
        }
    }
}

/// A function type: parameter and result type names.
#[napi(object)]
pub struct FuncTypeDesc {
    pub params: Vec<String>,
    pub results: Vec<String>,
}

#[napi]
impl NativeExtern {
    /// "func", "memory", "global" or "table".
    #[napi]
    pub fn kind(&self) -> String {
        self.item.kind().name().to_owned()
    }

    #[napi]
    pub fn func_type(&self, env: Env) -> Result<FuncTypeDesc> {
        let (p, r) = self.store.func_type(self.func()?).js(&env)?;
        Ok(FuncTypeDesc {
            params: names(&p),
            results: names(&r),
        })
    }

    /// Calls the function with `args`; returns the results as an array.
    #[napi]
    pub fn call(&self, env: Env, args: Vec<Unknown>) -> Result<Vec<JsValWrap>> {
        let func = self.func()?;
        let (params, _) = self.store.func_type(func).js(&env)?;
        if args.len() != params.len() {
            return Err(type_error(format!(
                "the function takes {} argument(s), {} given",
                params.len(),
                args.len()
            )));
        }
        let vals = params
            .iter()
            .zip(&args)
            .map(|(k, a)| from_js(&env, &self.store, *k, a))
            .collect::<Result<Vec<_>>>()?;
        let results = with_env(&env, || self.store.call(func, &vals)).js(&env)?;
        results
            .into_iter()
            .map(|v| to_js(&self.store, v).map(JsValWrap))
            .collect()
    }

    #[napi]
    pub fn mem_size(&self, env: Env) -> Result<i64> {
        Ok(clamp(self.store.memory_size(self.memory()?).js(&env)?))
    }

    #[napi]
    pub fn mem_byte_length(&self, env: Env) -> Result<i64> {
        Ok(clamp(
            self.store.memory_data_size(self.memory()?).js(&env)? as u64
        ))
    }

    #[napi]
    pub fn mem_grow(&self, env: Env, delta: i64) -> Result<i64> {
        let m = self.memory()?;
        Ok(clamp(
            self.store
                .memory_grow(m, u64_arg(delta, "delta")?)
                .js(&env)?,
        ))
    }

    #[napi]
    pub fn mem_read(&self, env: Env, offset: i64, length: i64) -> Result<Buffer> {
        let m = self.memory()?;
        let offset = opt_usize(Some(offset), "offset")?.unwrap_or(0);
        let length = opt_usize(Some(length), "length")?.unwrap_or(0);
        Ok(self.store.memory_read(m, offset, length).js(&env)?.into())
    }

    #[napi]
    pub fn mem_write(&self, env: Env, offset: i64, data: Either<Uint8Array, String>) -> Result<()> {
        let m = self.memory()?;
        let offset = opt_usize(Some(offset), "offset")?.unwrap_or(0);
        self.store
            .memory_write(m, offset, &bytes_arg(data))
            .js(&env)
    }

    #[napi]
    pub fn global_get(&self, env: Env) -> Result<JsValWrap> {
        let v = self.store.global_get(self.global()?).js(&env)?;
        Ok(JsValWrap(to_js(&self.store, v)?))
    }

    #[napi]
    pub fn global_set(&self, env: Env, value: Unknown) -> Result<()> {
        let g = self.global()?;
        let (kind, _) = self.store.global_type(g).js(&env)?;
        let v = from_js(&env, &self.store, kind, &value)?;
        self.store.global_set(g, v).js(&env)
    }

    /// `[type, mutable]`.
    #[napi]
    pub fn global_type(&self, env: Env) -> Result<(String, bool)> {
        let (kind, mutable) = self.store.global_type(self.global()?).js(&env)?;
        Ok((kind.name().to_owned(), mutable))
    }

    #[napi]
    pub fn table_size(&self, env: Env) -> Result<i64> {
        Ok(clamp(self.store.table_size(self.table()?).js(&env)?))
    }

    #[napi]
    pub fn table_type(&self, env: Env) -> Result<String> {
        Ok(self
            .store
            .table_type(self.table()?)
            .js(&env)?
            .name()
            .to_owned())
    }

    #[napi]
    pub fn table_get(&self, env: Env, index: i64) -> Result<JsValWrap> {
        let v = self
            .store
            .table_get(self.table()?, u64_arg(index, "index")?)
            .js(&env)?;
        Ok(JsValWrap(to_js(&self.store, v)?))
    }

    #[napi]
    pub fn table_set(&self, env: Env, index: i64, value: Unknown) -> Result<()> {
        let t = self.table()?;
        let kind = self.store.table_type(t).js(&env)?;
        let v = from_js(&env, &self.store, kind, &value)?;
        self.store
            .table_set(t, u64_arg(index, "index")?, v)
            .js(&env)
    }

    #[napi]
    pub fn table_grow(&self, env: Env, delta: i64, init: Option<Unknown>) -> Result<i64> {
        let t = self.table()?;
        let kind = self.store.table_type(t).js(&env)?;
        let v = match init {
            Some(u) => from_js(&env, &self.store, kind, &u)?,
            None => Val::zero(kind),
        };
        Ok(clamp(
            self.store
                .table_grow(t, u64_arg(delta, "delta")?, v)
                .js(&env)?,
        ))
    }
}

/// A value returned to JavaScript (see `JsVal`).
pub struct JsValWrap(JsVal);

impl ToNapiValue for JsValWrap {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        // SAFETY: forwarded from napi-rs, which passes a live environment.
        unsafe { JsVal::to_napi_value(env, val.0) }
    }
}

impl TypeName for JsValWrap {
    fn type_name() -> &'static str {
        "number | bigint | NativeExtern | null"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

#[napi]
pub struct NativeInstance {
    store: common::Store,
    instance: common::Instance,
}

#[napi]
impl NativeInstance {
    /// The export `name`.
    #[napi]
    pub fn export(&self, env: Env, name: String) -> Result<NativeExtern> {
        let item = self.store.instance_export(self.instance, &name).js(&env)?;
        Ok(NativeExtern {
            store: self.store.clone(),
            item,
        })
    }
}

/// What a host function gets as `this`: the calling instance's exports, during the call.
#[napi]
pub struct NativeCaller {
    inner: common::Caller,
}

#[napi]
impl NativeCaller {
    /// The calling instance's export `name`, or null.
    #[napi]
    pub fn export(&self, env: Env, name: String) -> Result<Option<NativeExtern>> {
        match self.inner.export(&name) {
            Ok(item) => Ok(Some(NativeExtern {
                store: self.inner.store().clone(),
                item,
            })),
            Err(e) if e.kind() == common::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(js_error(&env, e)),
        }
    }

    /// The remaining fuel of the store.
    #[napi]
    pub fn get_fuel(&self, env: Env) -> Result<i64> {
        Ok(clamp(self.inner.store().fuel_get().js(&env)?))
    }
}

// ---------------------------------------------------------------------------------------------
// Linkers and host functions.

/// `(caller, args)`.
type HostArgs = FnArgs<(NativeCaller, Vec<JsVal>)>;
type HostCallback = FunctionRef<HostArgs, Unknown<'static>>;

fn host_call(
    callback: &HostCallback,
    caller: &common::Caller,
    args: &[Val],
    results: &mut [Val],
) -> std::result::Result<(), String> {
    let raw = CURRENT_ENV.with(|c| c.get());
    if raw.is_null() {
        return Err("a JavaScript host function was called outside a call from JavaScript".into());
    }
    let env = Env::from_raw(raw);
    let store = caller.store();
    let mut run = || -> Result<()> {
        let js_args = args
            .iter()
            .map(|v| to_js(store, *v))
            .collect::<Result<Vec<_>>>()?;
        let func = callback.borrow_back(&env)?;
        let returned = func.call(FnArgs::from((
            NativeCaller {
                inner: caller.clone(),
            },
            js_args,
        )))?;
        if results.is_empty() {
            return Ok(());
        }
        // index.js always hands back an array of the results.
        // SAFETY: `returned` is a live value of this call; the conversion checks it is an array.
        let items = unsafe { Vec::<Unknown>::from_napi_value(env.raw(), returned.raw()) }?;
        if items.len() != results.len() {
            return Err(type_error(format!(
                "the host function has {} results but returned {}",
                results.len(),
                items.len()
            )));
        }
        for (slot, item) in results.iter_mut().zip(&items) {
            *slot = from_js(&env, store, slot.kind(), item)?;
        }
        Ok(())
    };
    run().map_err(|e| {
        let message = e.reason.clone();
        PENDING.with(|p| *p.borrow_mut() = Some(e));
        if message.is_empty() {
            "a JavaScript host function threw".to_owned()
        } else {
            message
        }
    })
}

#[napi]
pub struct NativeLinker {
    inner: common::Linker,
}

#[napi]
impl NativeLinker {
    #[napi(constructor)]
    pub fn new(env: Env, engine: &NativeEngine) -> Result<Self> {
        Ok(NativeLinker {
            inner: common::Linker::new(&engine.inner).js(&env)?,
        })
    }

    #[napi]
    pub fn allow_shadowing(&self, env: Env, allow: bool) -> Result<()> {
        self.inner.allow_shadowing(allow).js(&env)
    }

    /// Defines `module`.`name` as a host function; `callback(caller, args)` returns an array
    /// of the results.
    #[napi]
    pub fn define_func(
        &self,
        env: Env,
        module: String,
        name: String,
        params: Vec<String>,
        results: Vec<String>,
        callback: Function<HostArgs, Unknown<'static>>,
    ) -> Result<()> {
        let ty = common::FuncType {
            params: kinds(&params)?,
            results: kinds(&results)?,
        };
        let callback: HostCallback = callback.create_ref()?;
        self.inner
            .define_func(
                &module,
                &name,
                &ty,
                Box::new(move |caller, args, results| host_call(&callback, caller, args, results)),
            )
            .js(&env)
    }

    /// Defines `module`.`name` as an object of `store`.
    #[napi]
    pub fn define(
        &self,
        env: Env,
        store: &NativeStore,
        module: String,
        name: String,
        item: &NativeExtern,
    ) -> Result<()> {
        self.inner
            .define(&store.inner, &module, &name, item.item)
            .js(&env)
    }

    #[napi]
    pub fn define_wasi(&self, env: Env) -> Result<()> {
        self.inner.define_wasi().js(&env)
    }

    #[napi]
    pub fn instantiate(
        &self,
        env: Env,
        store: &NativeStore,
        module: &NativeModule,
    ) -> Result<NativeInstance> {
        let instance =
            with_env(&env, || self.inner.instantiate(&store.inner, &module.inner)).js(&env)?;
        Ok(NativeInstance {
            store: store.inner.clone(),
            instance,
        })
    }
}
