//! Data movement: copies, constants, `select` and globals.

#[allow(unused_imports)]
use super::*;

handler!(|s, Select { dst, a, b }| {
    let aux::Select { cond } = aux!(s, Select);
    skip_aux!(s);
    r!(s, dst) = if r!(s, cond) as u32 != 0 {
        r!(s, a)
    } else {
        r!(s, b)
    };
});

handler!(|s, GlobalGet { dst, global }| {
    // SAFETY: validation bounds `global`; the store's globals are recomputed after host
    // calls (the only place new globals can be created).
    r!(s, dst) = unsafe {
        (*s.st
            .global_cells
            .add(*s.st.globals.add(global as usize) as usize))
        .value
    };
});

handler!(|s, GlobalSet { src, global }| {
    let v = r!(s, src);
    // SAFETY: as for `GlobalGet`.
    unsafe {
        (*s.st
            .global_cells
            .add(*s.st.globals.add(global as usize) as usize))
        .value = v
    };
});

handler!(|s, GlobalGetOwn { dst, offset }| {
    // SAFETY: the translator emits `offset` only as `i * GLOBAL_STRIDE` for a defined global
    // `i` of the current function's module (validation bounds `i`), and the current
    // instance is an instance of that module, whose defined globals instantiation placed
    // contiguously from `own_globals` (checked there). So the address is that of entity
    // `i`, in bounds and aligned. `own_globals` is recomputed with `global_cells`, after
    // anything that may move the store's globals or change the current instance.
    r!(s, dst) = unsafe { (*s.st.own_globals.byte_add(offset as usize)).value };
});

handler!(|s, GlobalSetOwn { src, offset }| {
    let v = r!(s, src);
    // SAFETY: as for `GlobalGetOwn`.
    unsafe { (*s.st.own_globals.byte_add(offset as usize)).value = v };
});

handler!(|s, GlobalCopyOwn { dst, src }| {
    // SAFETY: as for `GlobalGetOwn`, for both offsets.
    unsafe {
        let v = (*s.st.own_globals.byte_add(src as usize)).value;
        (*s.st.own_globals.byte_add(dst as usize)).value = v;
    }
});

handler!(|s, GlobalAddImm32Own { dst, offset, imm }| {
    // SAFETY: as for `GlobalGetOwn`.
    let g = unsafe { &mut (*s.st.own_globals.byte_add(offset as usize)).value };
    let v = u64::from((*g as u32).wrapping_add(imm as u32));
    *g = v;
    r!(s, dst) = v;
});

handler!(|s, GlobalAddImm64Own { dst, offset, imm }| {
    // SAFETY: as for `GlobalGetOwn`.
    let g = unsafe { &mut (*s.st.own_globals.byte_add(offset as usize)).value };
    let v = g.wrapping_add(imm as i64 as u64);
    *g = v;
    r!(s, dst) = v;
});

handler!(|s, Copy { dst, src }| {
    r!(s, dst) = r!(s, src);
});

handler!(|s, Const { dst, val }| {
    r!(s, dst) = val;
});
