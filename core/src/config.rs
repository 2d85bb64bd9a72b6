//! Engine configuration and the engine that carries it.

use alloc::sync::Arc;

/// Limits and switches that apply to every module and store created from an [`Engine`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub(crate) max_call_depth: usize,
    pub(crate) max_value_stack: usize,
    pub(crate) memory_budget: Option<u64>,
    pub(crate) consume_fuel: bool,
    pub(crate) deterministic: bool,
    pub(crate) max_instances: usize,
    pub(crate) max_memories: usize,
    pub(crate) max_tables: usize,
    pub(crate) max_table_elements: u64,
    pub(crate) platform_optimizations: bool,
    pub(crate) lazy_translation: bool,
    pub(crate) parallel_compilation: bool,
}

impl Default for Config {
    /// The defaults: no budget, no fuel, lazy translation, parallel compilation where the
    /// machine has several cores, platform speed-ups on. For the defaults of a safety-critical
    /// embedding, start from [`Config::safety_critical`] instead.
    fn default() -> Self {
        Config {
            max_call_depth: 16 * 1024,
            max_value_stack: 1024 * 1024,
            memory_budget: None,
            consume_fuel: false,
            deterministic: false,
            max_instances: 10_000,
            max_memories: 10_000,
            max_tables: 10_000,
            max_table_elements: 10_000_000,
            platform_optimizations: true,
            lazy_translation: true,
            parallel_compilation: true,
        }
    }
}

impl Config {
    /// The defaults for safety-critical embedding: [`Config::default`] except that every
    /// function is translated in `Module::new` (a call never translates, so never allocates
    /// code: [`Config::lazy_translation`] off), compiling never starts threads
    /// ([`Config::parallel_compilation`] off), and NaN results are canonical, bit-identical on
    /// every host ([`Config::deterministic`] on). Each setting can still be changed afterwards.
    ///
    /// `wrtd` and the C library start from this configuration when built with their
    /// `safety-critical` feature; `Config::default()` never changes with a build feature.
    pub fn safety_critical() -> Self {
        Config {
            deterministic: true,
            lazy_translation: false,
            parallel_compilation: false,
            ..Config::default()
        }
    }

    /// Default settings (as `Config::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The deepest nesting of wasm calls before execution traps with "call stack exhausted".
    pub fn max_call_depth(&mut self, depth: usize) -> &mut Self {
        self.max_call_depth = depth.max(1);
        self
    }

    /// The largest value stack, in 64-bit slots, before execution traps with
    /// "call stack exhausted". The stack grows on demand up to this size.
    pub fn max_value_stack(&mut self, slots: usize) -> &mut Self {
        self.max_value_stack = slots.max(16);
        self
    }

    /// One budget, in bytes, for everything a store allocates: linear memories, tables,
    /// globals, stacks, translated code, runtime bookkeeping and reported host allocations.
    /// Every allocation is checked against it before it happens.
    pub fn memory_budget(&mut self, bytes: u64) -> &mut Self {
        self.memory_budget = Some(bytes);
        self
    }

    /// Removes the memory budget.
    pub fn unlimited_memory(&mut self) -> &mut Self {
        self.memory_budget = None;
        self
    }

    /// Charge fuel for executed instructions; stores then start with zero fuel and must be
    /// given some with `Store::set_fuel`. See the crate docs for the cost table.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.consume_fuel = enable;
        self
    }

    /// Canonicalise every NaN a float instruction produces, so results are bit-identical on
    /// every host.
    pub fn deterministic(&mut self, enable: bool) -> &mut Self {
        self.deterministic = enable;
        self
    }

    /// Instances one store may hold.
    pub fn max_instances(&mut self, n: usize) -> &mut Self {
        self.max_instances = n;
        self
    }

    /// Linear memories one store may hold.
    pub fn max_memories(&mut self, n: usize) -> &mut Self {
        self.max_memories = n;
        self
    }

    /// Tables one store may hold.
    pub fn max_tables(&mut self, n: usize) -> &mut Self {
        self.max_tables = n;
        self
    }

    /// Elements one table may hold.
    pub fn max_table_elements(&mut self, n: u64) -> &mut Self {
        self.max_table_elements = n;
        self
    }

    /// Use platform-specific speed-ups where the build and the platform have them (default:
    /// on). Today that is linear memory: with the `platform-optimizations` feature (a default
    /// feature) on 64-bit Unix, each memory reserves the address range it may grow to up front
    /// with `mmap`, so `memory.grow` never copies and the memory's base address never moves.
    /// Off, or where that is unavailable, memories live in an ordinary heap buffer that is
    /// copied when it grows. If a reservation fails (e.g. address-space limits) the memory uses
    /// the heap buffer too, rather than failing.
    ///
    /// Results, traps, fuel and the memory budget and profile are the same either way: the
    /// budget is charged for the bytes a memory can access, not for reserved address space.
    pub fn platform_optimizations(&mut self, enable: bool) -> &mut Self {
        self.platform_optimizations = enable;
        self
    }

    /// Translate each function body on its first call (the default) instead of in
    /// `Module::new`. Either way `Module::new` validates every body and rejects anything the
    /// engine cannot run, so a module that compiles never fails later for being invalid or
    /// unsupported. Lazy translation makes `Module::new` several times faster on large modules;
    /// the price is a one-time translation on each function's first call, which real-time
    /// embedders that want no first-call latency avoid with `lazy_translation(false)`.
    ///
    /// With the memory budget, an eagerly translated module's code is charged to each store at
    /// instantiation; a lazily translated function's code is charged to a store when that store
    /// first calls it (and fails the call if it does not fit). That first translation never
    /// allocates more code than the store's budget has left: it stops, and the call fails, as
    /// soon as the code would not fit.
    pub fn lazy_translation(&mut self, enable: bool) -> &mut Self {
        self.lazy_translation = enable;
        self
    }

    /// Let `Module::new` check (and, translating eagerly, translate) function bodies on several
    /// threads when the machine has several cores and the module is large enough to gain from
    /// it (default: on). The result is the same either way, down to which error a module with
    /// several bad bodies gets. Needs the `std` feature; without it, and when off, bodies are
    /// checked one by one on the calling thread, which embedders that must not have the
    /// runtime start threads ask for with `parallel_compilation(false)`.
    pub fn parallel_compilation(&mut self, enable: bool) -> &mut Self {
        self.parallel_compilation = enable;
        self
    }

    /// The memory budget in bytes, if one is set.
    pub fn get_memory_budget(&self) -> Option<u64> {
        self.memory_budget
    }

    /// Whether fuel is metered.
    pub fn fuel_enabled(&self) -> bool {
        self.consume_fuel
    }

    /// Whether NaN results are canonicalised (deterministic mode).
    pub fn is_deterministic(&self) -> bool {
        self.deterministic
    }

    /// Whether platform-specific speed-ups were asked for (see
    /// [`Config::platform_optimizations`]); `true` even in a build or on a platform without
    /// any, where the portable code is used regardless.
    pub fn platform_optimizations_enabled(&self) -> bool {
        self.platform_optimizations
    }

    /// Whether functions are translated on their first call.
    pub fn is_lazy_translation(&self) -> bool {
        self.lazy_translation
    }

    /// Whether `Module::new` may check function bodies on several threads.
    pub fn is_parallel_compilation(&self) -> bool {
        self.parallel_compilation
    }
}

/// Shared, immutable configuration for modules and stores. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    inner: Arc<Config>,
}

impl Engine {
    /// An engine with these settings.
    pub fn new(config: &Config) -> Self {
        Engine {
            inner: Arc::new(config.clone()),
        }
    }

    /// The engine's settings.
    pub fn config(&self) -> &Config {
        &self.inner
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, Engine, Linker, Module, Store, Val};

    /// What `config` does, seen in its effects: whether `Module::new` translated the function
    /// (eager translation), and whether an arithmetic NaN comes back canonical (determinism).
    fn observed(config: &Config) -> (bool, bool) {
        let engine = Engine::new(config);
        let wasm = wat::parse_str(
            r#"(module (func (export "nan") (param f64) (result f64)
                 local.get 0 local.get 0 f64.add))"#,
        )
        .unwrap();
        let module = Module::new(&engine, &wasm).unwrap();
        let eager = module.debug_translated_funcs() == 1;

        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let nan = instance.get_func(&store, "nan").unwrap();
        // A NaN with a payload: x86 keeps it through an addition; canonicalisation clears it.
        let mut out = [Val::F64(0)];
        nan.call(&mut store, &[Val::F64(0x7ff8_0000_0000_0001)], &mut out)
            .unwrap();
        let Val::F64(bits) = out[0] else { panic!() };
        (eager, bits == 0x7ff8_0000_0000_0000)
    }

    #[test]
    fn the_defaults_translate_lazily_and_keep_nan_payloads() {
        let config = Config::default();
        assert_eq!(observed(&config), (false, false));
        assert!(!config.is_deterministic());
        assert!(config.is_lazy_translation());
        assert!(config.is_parallel_compilation());
    }

    #[test]
    fn safety_critical_translates_eagerly_without_threads_and_canonicalises_nans() {
        let config = Config::safety_critical();
        assert_eq!(observed(&config), (true, true));
        assert!(config.is_deterministic());
        assert!(!config.is_lazy_translation());
        assert!(!config.is_parallel_compilation());
        // Everything else is the default.
        let mut expected = Config::default();
        expected
            .deterministic(true)
            .lazy_translation(false)
            .parallel_compilation(false);
        assert_eq!(config, expected);
    }
}
