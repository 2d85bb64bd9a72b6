//! The linker: the registry of host functions and named definitions that imports resolve to.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;

use super::func::{HostFn, IntoFunc};
use super::store::{AsContext, AsContextMut, Caller};
use super::{Extern, Func, Instance};
use crate::config::Engine;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::types::FuncType;
use crate::value::Val;

enum Definition<T> {
    /// An object that already lives in a store.
    Extern(Extern),
    /// A host function, allocated into each store on first use.
    Host(FuncType, HostFn<T>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::Host(ty, f) => Definition::Host(ty.clone(), Arc::clone(f)),
        }
    }
}

/// Resolves module imports by `(module, name)`: host functions registered by the embedder,
/// objects defined in a store, and the exports of other instances.
pub struct Linker<T> {
    engine: Engine,
    defs: BTreeMap<(String, String), Definition<T>>,
    allow_shadowing: bool,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            engine: self.engine.clone(),
            defs: self.defs.clone(),
            allow_shadowing: self.allow_shadowing,
        }
    }
}

impl<T> Linker<T> {
    /// An empty linker for modules of `engine`.
    pub fn new(engine: &Engine) -> Self {
        Linker {
            engine: engine.clone(),
            defs: BTreeMap::new(),
            allow_shadowing: false,
        }
    }

    /// The engine this linker links for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same name.
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self> {
        let key = (String::from(module), String::from(name));
        if !self.allow_shadowing && self.defs.contains_key(&key) {
            return Err(Error::link(alloc::format!(
                "`{module}::{name}` is already defined"
            )));
        }
        self.defs.insert(key, def);
        Ok(self)
    }

    /// Defines `module::name` as an object of a store.
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        self.insert(module, name, Definition::Extern(item.into()))
    }

    /// Defines a host function with a dynamic signature.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        self.insert(module, name, Definition::Host(ty, Arc::new(f)))
    }

    /// Defines a host function from a typed closure.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self> {
        let (ty, f) = f.into_func();
        self.insert(module, name, Definition::Host(ty, f))
    }

    /// Defines every export of `instance` under the module name `module`.
    pub fn instance(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        for (name, ext) in instance.exports(&store) {
            self.define(module, &name, ext)?;
        }
        Ok(self)
    }

    /// Looks up a definition (`None` if there is none), allocating host functions into the
    /// store as needed (which can fail like any allocation in the store).
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Result<Option<Extern>> {
        match self.defs.get(&(String::from(module), String::from(name))) {
            Some(def) => resolve(store.as_store_mut(), def).map(Some),
            None => Ok(None),
        }
    }

    /// Whether `module::name` is defined.
    pub fn contains(&self, module: &str, name: &str) -> bool {
        self.defs
            .contains_key(&(String::from(module), String::from(name)))
    }

    /// Instantiates `module`: resolves its imports here, initialises it and runs its start function.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance> {
        let store = store.as_store_mut();
        let mut imports = alloc::vec::Vec::with_capacity(module.inner.imports.len());
        for import in &module.inner.imports {
            let def = self
                .defs
                .get(&(import.module.clone(), import.name.clone()))
                .ok_or_else(|| {
                    Error::link(alloc::format!(
                        "unknown import: `{}::{}` is not defined",
                        import.module,
                        import.name
                    ))
                })?;
            imports.push(resolve(store, def)?);
        }
        super::instance::instantiate(store, module, &imports)
    }
}

fn resolve<T>(store: &mut super::Store<T>, def: &Definition<T>) -> Result<Extern> {
    Ok(match def {
        Definition::Extern(e) => *e,
        Definition::Host(ty, f) => {
            let index = store.host_func_for(ty, f)?;
            Extern::Func(Func {
                store: store.inner.id,
                index,
            })
        }
    })
}
