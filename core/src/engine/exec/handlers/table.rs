//! Tables and references.

#[allow(unused_imports)]
use super::*;

handler!(|s, RefFunc { dst, func }| {
    // SAFETY: validation bounds `func` by the instance's function count.
    let f = unsafe { *s.st.funcs.add(func as usize) };
    r!(s, dst) = u64::from(f) + 1;
});

handler!(|s, TableGet { dst, index, table }| {
    let Some(v) = bulk::table_get(s.st, table, r!(s, index) as u32) else {
        return Flow::Error;
    };
    r!(s, dst) = v;
});

handler!(|s, TableSet { index, val, table }| {
    if !bulk::table_set(s.st, table, r!(s, index) as u32, r!(s, val)) {
        return Flow::Error;
    }
});

handler!(|s, TableSize { dst, table }| {
    let Some(v) = bulk::table_size(s.st, table) else {
        return Flow::Error;
    };
    r!(s, dst) = v;
});

handler!(|s, TableGrow { dst, init, delta }| {
    let aux::TableGrow { table } = aux!(s, TableGrow);
    skip_aux!(s);
    let Some(v) = bulk::table_grow(s.st, table, r!(s, init), r!(s, delta) as u32) else {
        return Flow::Error;
    };
    r!(s, dst) = v;
});

handler!(|s, TableFill { dst, val, len }| {
    let aux::TableFill { table } = aux!(s, TableFill);
    skip_aux!(s);
    let (d, v, n) = (r!(s, dst) as u32, r!(s, val), r!(s, len) as u32);
    if !bulk::table_fill(s.st, table, d, v, n) {
        return Flow::Error;
    }
});

handler!(|s, TableCopy { dst, src, len }| {
    let aux::TableCopy {
        dst_table,
        src_table,
    } = aux!(s, TableCopy);
    skip_aux!(s);
    let (d, sr, n) = (r!(s, dst) as u32, r!(s, src) as u32, r!(s, len) as u32);
    if !bulk::table_copy(s.st, dst_table, src_table, d, sr, n) {
        return Flow::Error;
    }
});

handler!(|s, TableInit { dst, src, len }| {
    let aux::TableInit { table, elem } = aux!(s, TableInit);
    skip_aux!(s);
    let (d, sr, n) = (r!(s, dst) as u32, r!(s, src) as u32, r!(s, len) as u32);
    if !bulk::table_init(s.st, table, elem, d, sr, n) {
        return Flow::Error;
    }
});

handler!(|s, ElemDrop { elem }| {
    bulk::elem_drop(s.st, elem);
});
