//! Engine configuration and the engine that carries it.

use alloc::sync::Arc;

/// Limits and switches that apply to every store created from an [`Engine`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub(crate) max_call_depth: usize,
    pub(crate) max_value_stack: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_call_depth: 16 * 1024,
            max_value_stack: 1024 * 1024,
        }
    }
}

impl Config {
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
}

/// Shared, immutable configuration for modules and stores. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    inner: Arc<Config>,
}

impl Engine {
    pub fn new(config: &Config) -> Self {
        Engine {
            inner: Arc::new(config.clone()),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner
    }
}
