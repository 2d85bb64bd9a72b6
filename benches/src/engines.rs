//! The engines under test, behind one small interface: compile + instantiate a module,
//! then call its exports.

use std::fmt;
use std::sync::OnceLock;

/// An engine configuration that runs the benchmark programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    Wasmi,
    Wrt,
    WasmiFuel,
    WrtFuel,
}

impl EngineKind {
    pub const ALL: [EngineKind; 4] = [
        EngineKind::Wasmi,
        EngineKind::Wrt,
        EngineKind::WasmiFuel,
        EngineKind::WrtFuel,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Wasmi => "wasmi",
            EngineKind::Wrt => "wrt",
            EngineKind::WasmiFuel => "wasmi-fuel",
            EngineKind::WrtFuel => "wrt-fuel",
        }
    }

    pub fn parse(name: &str) -> Option<EngineKind> {
        EngineKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether this configuration can run here (`wrt-fuel` needs wrt's fuel metering).
    pub fn available(self) -> bool {
        self != EngineKind::WrtFuel || wrt_fuel_available()
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Fuel every metered store starts with: more than any benchmark uses.
const FUEL: u64 = u64::MAX / 2;

/// Gives a wrt store built with `Config::consume_fuel(true)` `fuel`, or returns `None`
/// while wrt cannot meter fuel; the `wrt-fuel` column is then left out.
fn wrt_set_fuel(store: &mut wrt::Store<()>, fuel: u64) -> Option<()> {
    store.set_fuel(fuel).ok()
}

/// Whether wrt meters fuel: it accepts fuel, and a small amount runs out on `fib(25)`.
fn wrt_fuel_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let engine = wrt::Engine::new(wrt::Config::new().consume_fuel(true));
        if wrt_set_fuel(&mut wrt::Store::new(&engine, ()), FUEL).is_none() {
            return false;
        }
        let Some(fib) = crate::programs::find("fib") else {
            return false;
        };
        WrtInstance::new(fib.wasm, Some(10_000)).is_ok_and(|mut i| i.run(25).is_err())
    })
}

/// A value crossing the host boundary, independent of the engine.
#[derive(Debug, Clone, Copy)]
pub enum Scalar {
    I32(i32),
    I64(i64),
    /// Raw bits.
    F64(u64),
}

impl PartialEq for Scalar {
    /// Equal values, where any two NaNs are equal (NaN payloads may differ between
    /// conforming engines).
    fn eq(&self, other: &Scalar) -> bool {
        match (*self, *other) {
            (Scalar::I32(a), Scalar::I32(b)) => a == b,
            (Scalar::I64(a), Scalar::I64(b)) => a == b,
            (Scalar::F64(a), Scalar::F64(b)) => {
                a == b || (f64::from_bits(a).is_nan() && f64::from_bits(b).is_nan())
            }
            _ => false,
        }
    }
}

/// An instantiated module.
pub trait Instance {
    /// Calls `run(n) -> i64`.
    fn run(&mut self, n: i32) -> Result<i64, String>;
    /// Calls any export taking and returning scalars.
    fn call(&mut self, name: &str, args: &[Scalar]) -> Result<Scalar, String>;
    /// The exported memory `memory`, if any.
    fn memory(&self) -> Option<&[u8]>;
}

/// Compiles and instantiates `wasm` on an engine (fuel configurations get [`FUEL`]).
pub fn instantiate(kind: EngineKind, wasm: &[u8]) -> Result<Box<dyn Instance>, String> {
    instantiate_with_fuel(kind, wasm, FUEL)
}

/// Compiles and instantiates `wasm`; fuel configurations start with `fuel`.
pub fn instantiate_with_fuel(
    kind: EngineKind,
    wasm: &[u8],
    fuel: u64,
) -> Result<Box<dyn Instance>, String> {
    let mode = wasmi::CompilationMode::default();
    Ok(match kind {
        EngineKind::Wrt => Box::new(WrtInstance::new(wasm, None)?),
        EngineKind::WrtFuel => Box::new(WrtInstance::new(wasm, Some(fuel))?),
        EngineKind::Wasmi => Box::new(WasmiInstance::new(wasm, None, mode)?),
        EngineKind::WasmiFuel => Box::new(WasmiInstance::new(wasm, Some(fuel), mode)?),
    })
}

fn err(e: impl fmt::Display) -> String {
    e.to_string()
}

struct WrtInstance {
    store: wrt::Store<()>,
    instance: wrt::Instance,
    run: Option<wrt::Func>,
}

impl WrtInstance {
    fn new(wasm: &[u8], fuel: Option<u64>) -> Result<Self, String> {
        Self::with_config(wasm, fuel, wrt::Config::new())
    }

    fn with_config(
        wasm: &[u8],
        fuel: Option<u64>,
        mut config: wrt::Config,
    ) -> Result<Self, String> {
        let engine = wrt::Engine::new(config.consume_fuel(fuel.is_some()));
        let module = wrt::Module::new(&engine, wasm).map_err(err)?;
        let mut store = wrt::Store::new(&engine, ());
        if let Some(fuel) = fuel {
            wrt_set_fuel(&mut store, fuel).ok_or("wrt cannot meter fuel")?;
        }
        let instance = wrt::Linker::new(&engine)
            .instantiate(&mut store, &module)
            .map_err(err)?;
        let run = instance.get_func(&store, "run");
        Ok(WrtInstance {
            store,
            instance,
            run,
        })
    }
}

impl Instance for WrtInstance {
    fn run(&mut self, n: i32) -> Result<i64, String> {
        let run = self.run.ok_or("no export `run`")?;
        let mut out = [wrt::Val::I64(0)];
        run.call(&mut self.store, &[wrt::Val::I32(n)], &mut out)
            .map_err(err)?;
        match out[0] {
            wrt::Val::I64(v) => Ok(v),
            other => Err(format!("`run` returned {other:?}, not an i64")),
        }
    }

    fn call(&mut self, name: &str, args: &[Scalar]) -> Result<Scalar, String> {
        let func = self
            .instance
            .get_func(&self.store, name)
            .ok_or_else(|| format!("no export `{name}`"))?;
        let args: Vec<wrt::Val> = args
            .iter()
            .map(|a| match *a {
                Scalar::I32(v) => wrt::Val::I32(v),
                Scalar::I64(v) => wrt::Val::I64(v),
                Scalar::F64(v) => wrt::Val::F64(v),
            })
            .collect();
        let mut out = [wrt::Val::I32(0)];
        func.call(&mut self.store, &args, &mut out).map_err(err)?;
        match out[0] {
            wrt::Val::I32(v) => Ok(Scalar::I32(v)),
            wrt::Val::I64(v) => Ok(Scalar::I64(v)),
            wrt::Val::F64(v) => Ok(Scalar::F64(v)),
            other => Err(format!("`{name}` returned {other:?}")),
        }
    }

    fn memory(&self) -> Option<&[u8]> {
        let memory = self.instance.get_memory(&self.store, "memory")?;
        memory.data(&self.store).ok()
    }
}

struct WasmiInstance {
    store: wasmi::Store<()>,
    instance: wasmi::Instance,
    run: Option<wasmi::TypedFunc<i32, i64>>,
}

impl WasmiInstance {
    fn new(wasm: &[u8], fuel: Option<u64>, mode: wasmi::CompilationMode) -> Result<Self, String> {
        let mut config = wasmi::Config::default();
        config.consume_fuel(fuel.is_some()).compilation_mode(mode);
        let engine = wasmi::Engine::new(&config);
        let module = wasmi::Module::new(&engine, wasm).map_err(err)?;
        let mut store = wasmi::Store::new(&engine, ());
        if let Some(fuel) = fuel {
            store.set_fuel(fuel).map_err(err)?;
        }
        let instance = wasmi::Linker::new(&engine)
            .instantiate_and_start(&mut store, &module)
            .map_err(err)?;
        let run = instance.get_typed_func::<i32, i64>(&store, "run").ok();
        Ok(WasmiInstance {
            store,
            instance,
            run,
        })
    }
}

impl Instance for WasmiInstance {
    fn run(&mut self, n: i32) -> Result<i64, String> {
        let run = self
            .run
            .as_ref()
            .ok_or("no export `run` of type i32 -> i64")?;
        run.call(&mut self.store, n).map_err(err)
    }

    fn call(&mut self, name: &str, args: &[Scalar]) -> Result<Scalar, String> {
        let func = self
            .instance
            .get_func(&self.store, name)
            .ok_or_else(|| format!("no export `{name}`"))?;
        let args: Vec<wasmi::Val> = args
            .iter()
            .map(|a| match *a {
                Scalar::I32(v) => wasmi::Val::I32(v),
                Scalar::I64(v) => wasmi::Val::I64(v),
                Scalar::F64(v) => wasmi::Val::F64(f64::from_bits(v).into()),
            })
            .collect();
        let mut out = [wasmi::Val::I32(0)];
        func.call(&mut self.store, &args, &mut out).map_err(err)?;
        match &out[0] {
            wasmi::Val::I32(v) => Ok(Scalar::I32(*v)),
            wasmi::Val::I64(v) => Ok(Scalar::I64(*v)),
            wasmi::Val::F64(v) => Ok(Scalar::F64(v.to_bits())),
            other => Err(format!("`{name}` returned {other:?}")),
        }
    }

    fn memory(&self) -> Option<&[u8]> {
        let memory = self.instance.get_memory(&self.store, "memory")?;
        Some(memory.data(&self.store))
    }
}

/// A way to compile and instantiate the large start-up module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartupKind {
    /// wrt's default: every body validated in `Module::new`, on as many threads as pay.
    Wrt,
    /// wrt checking the bodies on the calling thread only (`parallel_compilation(false)`).
    WrtOneThread,
    /// wasmi's default: validate eagerly, translate each function on its first call.
    WasmiDefault,
    /// Validate and translate each function on its first call.
    WasmiLazy,
    /// Validate and translate everything up front.
    WasmiEager,
}

impl StartupKind {
    pub const ALL: [StartupKind; 5] = [
        StartupKind::WasmiDefault,
        StartupKind::Wrt,
        StartupKind::WrtOneThread,
        StartupKind::WasmiLazy,
        StartupKind::WasmiEager,
    ];

    pub fn name(self) -> &'static str {
        match self {
            StartupKind::Wrt => "wrt",
            StartupKind::WrtOneThread => "wrt (one thread)",
            StartupKind::WasmiDefault => "wasmi (default: lazy translation)",
            StartupKind::WasmiLazy => "wasmi (lazy)",
            StartupKind::WasmiEager => "wasmi (eager)",
        }
    }

    /// The engine name as `--engine` takes it.
    pub fn short(self) -> &'static str {
        match self {
            StartupKind::Wrt => "wrt",
            StartupKind::WrtOneThread => "wrt-1thread",
            StartupKind::WasmiDefault => "wasmi",
            StartupKind::WasmiLazy => "wasmi-lazy",
            StartupKind::WasmiEager => "wasmi-eager",
        }
    }

    /// Compiles and instantiates.
    pub fn instantiate(self, wasm: &[u8]) -> Result<Box<dyn Instance>, String> {
        let mode = match self {
            StartupKind::Wrt => return Ok(Box::new(WrtInstance::new(wasm, None)?)),
            StartupKind::WrtOneThread => {
                let mut config = wrt::Config::new();
                config.parallel_compilation(false);
                return Ok(Box::new(WrtInstance::with_config(wasm, None, config)?));
            }
            StartupKind::WasmiDefault => wasmi::CompilationMode::LazyTranslation,
            StartupKind::WasmiLazy => wasmi::CompilationMode::Lazy,
            StartupKind::WasmiEager => wasmi::CompilationMode::Eager,
        };
        Ok(Box::new(WasmiInstance::new(wasm, None, mode)?))
    }
}
