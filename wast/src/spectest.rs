//! The `spectest` host module that spec scripts import from.

use wrt::{
    Error, FuncType, Global, GlobalType, Linker, Memory, MemoryType, Mutability, RefType, Store,
    Table, TableType, Val, ValType,
};

const MODULE: &str = "spectest";

/// Defines the `spectest` module in `linker`: the `print*` functions (which do nothing), the
/// constant globals `global_i32`/`global_i64` (666) and `global_f32`/`global_f64` (666.6), a
/// `table` of 10..20 funcrefs and a `memory` of 1..2 pages.
pub(super) fn define(store: &mut Store<()>, linker: &mut Linker<()>) -> Result<(), Error> {
    use ValType::{F32, F64, I32, I64};
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().copied(), []);
        linker.func_new(MODULE, name, ty, |_caller, _params, _results| Ok(()))?;
    }

    let globals = [
        ("global_i32", I32, Val::I32(666)),
        ("global_i64", I64, Val::I64(666)),
        ("global_f32", F32, Val::F32(666.6_f32.to_bits())),
        ("global_f64", F64, Val::F64(666.6_f64.to_bits())),
    ];
    for (name, ty, value) in globals {
        let global = Global::new(&mut *store, GlobalType::new(ty, Mutability::Const), value)?;
        linker.define(MODULE, name, global)?;
    }

    let table = Table::new(
        &mut *store,
        TableType::new(RefType::FuncRef, 10, Some(20)),
        Val::FuncRef(None),
    )?;
    linker.define(MODULE, "table", table)?;

    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(MODULE, "memory", memory)?;
    Ok(())
}
