//! Functions: wasm functions of an instance and host functions, and calling them.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::store::{AsContext, AsContextMut, Caller};
use crate::error::{Error, Result};
use crate::types::{FuncType, ValType};
use crate::value::Val;

/// A host function as the store keeps it.
pub(crate) type HostFn<T> =
    Arc<dyn Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static>;

pub(crate) struct HostFuncEntity<T> {
    pub(crate) ty: FuncType,
    pub(crate) f: HostFn<T>,
}

/// A function in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl Func {
    /// A host function with a dynamic signature.
    pub fn new<C: AsContextMut>(
        mut ctx: C,
        ty: FuncType,
        f: impl Fn(Caller<'_, C::Data>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<Func> {
        let store = ctx.as_store_mut();
        let index = store.alloc_host_func(&ty, Arc::new(f))?;
        Ok(Func {
            store: store.inner.id,
            index,
        })
    }

    /// A host function from a typed Rust closure (see [`IntoFunc`]).
    pub fn wrap<C: AsContextMut, Params, Results>(
        mut ctx: C,
        f: impl IntoFunc<C::Data, Params, Results>,
    ) -> Result<Func> {
        let (ty, f) = f.into_func();
        let store = ctx.as_store_mut();
        let index = store.alloc_host_func(&ty, f)?;
        Ok(Func {
            store: store.inner.id,
            index,
        })
    }

    /// The function's signature; an error if the function is not of this store.
    pub fn ty(&self, ctx: impl AsContext) -> Result<FuncType> {
        let store = ctx.as_store();
        store.inner.check_store(self.store, "function")?;
        store
            .inner
            .func_ty(self.index)
            .cloned()
            .ok_or_else(|| Error::handle("unknown function"))
    }

    /// Calls the function. Arguments and result slots are checked against its signature.
    pub fn call<C: AsContextMut>(
        &self,
        mut ctx: C,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let store = ctx.as_store_mut();
        store.inner.check_store(self.store, "function")?;
        crate::engine::call(store, self.index, params, results)
    }

    /// The store-wide index (stable for the store's lifetime).
    pub fn index(&self) -> u32 {
        self.index
    }
}

/// Checks `values` against `types`, and that references belong to store `store`.
pub(crate) fn check_values(
    store: u32,
    types: &[ValType],
    values: &[Val],
    what: &str,
) -> Result<()> {
    if types.len() != values.len() {
        return Err(Error::ty(alloc::format!(
            "expected {} {what}, got {}",
            types.len(),
            values.len()
        )));
    }
    for (i, (ty, val)) in types.iter().zip(values).enumerate() {
        if val.ty() != *ty {
            return Err(Error::ty(alloc::format!(
                "{what} {i}: expected {ty}, got {}",
                val.ty()
            )));
        }
        let owner = match val {
            Val::FuncRef(Some(f)) => Some(f.store),
            Val::ExternRef(Some(r)) => Some(r.store),
            _ => None,
        };
        if owner.is_some_and(|s| s != store) {
            return Err(Error::handle(alloc::format!(
                "{what} {i} is a reference from a different store"
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Typed host functions.

/// A Rust type that maps to one wasm value type.
pub trait WasmTy: Copy + Send + Sync + 'static {
    #[doc(hidden)]
    fn val_type() -> ValType;
    #[doc(hidden)]
    fn from_val(val: &Val) -> Option<Self>;
    #[doc(hidden)]
    fn into_val(self) -> Val;
}

/// `WasmTy` for a Rust type carried as the wasm type `$vt` (read with `Val::$get`), through the
/// Rust type `$as` of the same bits (unsigned integers are carried as their signed twins).
macro_rules! wasm_ty {
    ($t:ty, $vt:ident, $get:ident, $as:ty) => {
        impl WasmTy for $t {
            fn val_type() -> ValType {
                ValType::$vt
            }
            fn from_val(val: &Val) -> Option<Self> {
                val.$get().map(|v| v as $t)
            }
            fn into_val(self) -> Val {
                Val::from(self as $as)
            }
        }
    };
}
wasm_ty!(i32, I32, i32, i32);
wasm_ty!(i64, I64, i64, i64);
wasm_ty!(f32, F32, f32, f32);
wasm_ty!(f64, F64, f64, f64);
wasm_ty!(u32, I32, i32, i32);
wasm_ty!(u64, I64, i64, i64);

/// What a typed host function may return: nothing, a value, a tuple, or a `Result` of those.
pub trait WasmResults: Send + 'static {
    #[doc(hidden)]
    fn types() -> Vec<ValType>;
    #[doc(hidden)]
    fn write(self, out: &mut [Val]) -> Result<()>;
}

impl WasmResults for () {
    fn types() -> Vec<ValType> {
        Vec::new()
    }
    fn write(self, _out: &mut [Val]) -> Result<()> {
        Ok(())
    }
}

impl<R: WasmTy> WasmResults for R {
    fn types() -> Vec<ValType> {
        alloc::vec![R::val_type()]
    }
    fn write(self, out: &mut [Val]) -> Result<()> {
        match out.first_mut() {
            Some(slot) => {
                *slot = self.into_val();
                Ok(())
            }
            None => Err(Error::ty("no room for the host function's result")),
        }
    }
}

impl<R: WasmResults> WasmResults for Result<R> {
    fn types() -> Vec<ValType> {
        R::types()
    }
    fn write(self, out: &mut [Val]) -> Result<()> {
        self?.write(out)
    }
}

macro_rules! wasm_results_tuple {
    ($($r:ident $i:tt),+) => {
        impl<$($r: WasmTy),+> WasmResults for ($($r,)+) {
            fn types() -> Vec<ValType> {
                alloc::vec![$($r::val_type()),+]
            }
            fn write(self, out: &mut [Val]) -> Result<()> {
                $(
                    *out.get_mut($i).ok_or_else(|| Error::ty("no room for host results"))? =
                        self.$i.into_val();
                )+
                Ok(())
            }
        }
    };
}
wasm_results_tuple!(A 0, B 1);
wasm_results_tuple!(A 0, B 1, C 2);
wasm_results_tuple!(A 0, B 1, C 2, D 3);

/// Closures that can become host functions: `Fn(A1, .., An) -> R` or
/// `Fn(Caller<'_, T>, A1, .., An) -> R`, with up to 8 parameters.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_func(self) -> (FuncType, HostFn<T>);
}

/// Marker for closures that take a `Caller` first.
#[doc(hidden)]
pub struct WithCaller<P>(core::marker::PhantomData<P>);

fn arg<A: WasmTy>(args: &[Val], i: usize) -> Result<A> {
    args.get(i).and_then(A::from_val).ok_or_else(|| {
        Error::ty(alloc::format!(
            "host function argument {i} has the wrong type"
        ))
    })
}

macro_rules! into_func {
    ($($a:ident $i:tt),*) => {
        impl<T, F, R, $($a: WasmTy),*> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: WasmResults,
        {
            #[allow(unused_variables)]
            fn into_func(self) -> (FuncType, HostFn<T>) {
                let ty = FuncType::new([$($a::val_type()),*], R::types());
                let f: HostFn<T> = Arc::new(move |_caller: Caller<'_, T>, args: &[Val], out: &mut [Val]| {
                    (self)($(arg::<$a>(args, $i)?),*).write(out)
                });
                (ty, f)
            }
        }

        impl<T, F, R, $($a: WasmTy),*> IntoFunc<T, WithCaller<($($a,)*)>, R> for F
        where
            F: Fn(Caller<'_, T>, $($a),*) -> R + Send + Sync + 'static,
            R: WasmResults,
        {
            #[allow(unused_variables)]
            fn into_func(self) -> (FuncType, HostFn<T>) {
                let ty = FuncType::new([$($a::val_type()),*], R::types());
                let f: HostFn<T> = Arc::new(move |caller: Caller<'_, T>, args: &[Val], out: &mut [Val]| {
                    (self)(caller, $(arg::<$a>(args, $i)?),*).write(out)
                });
                (ty, f)
            }
        }
    };
}
into_func!();
into_func!(A0 0);
into_func!(A0 0, A1 1);
into_func!(A0 0, A1 1, A2 2);
into_func!(A0 0, A1 1, A2 2, A3 3);
into_func!(A0 0, A1 1, A2 2, A3 3, A4 4);
into_func!(A0 0, A1 1, A2 2, A3 3, A4 4, A5 5);
into_func!(A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6);
into_func!(A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7);
