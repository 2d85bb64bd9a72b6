//! Linear memory: loads, stores (with their fused address forms) and bulk memory.

#[allow(unused_imports)]
use super::*;

/// The two address forms of each load of `ir::for_each_load`.
macro_rules! load_handlers {
    ($($n:literal, |$b:ident| $e:expr => $plain:ident, $add_imm:ident;)*) => {$(
        handler!(|s, $plain { dst, addr, offset }| {
            load!(s, dst, addr, offset, $n, |$b| $e);
        });
        handler!(|s, $add_imm { dst, base, imm }| {
            load_add_imm!(s, dst, base, imm, $n, |$b| $e);
        });
    )*};
}
for_each_load!(load_handlers);

/// The two address forms of each store of `ir::for_each_store`.
macro_rules! store_handlers {
    ($($n:literal, |$v:ident| $e:expr => $plain:ident, $add_imm:ident;)*) => {$(
        handler!(|s, $plain { addr, src, offset }| {
            store_mem!(s, addr, src, offset, $n, |$v: u64| $e);
        });
        handler!(|s, $add_imm { base, src, imm }| {
            store_add_imm!(s, base, src, imm, $n, |$v: u64| $e);
        });
    )*};
}
for_each_store!(store_handlers);

handler!(|s, MemorySize { dst }| {
    r!(s, dst) = s.st.mem_len() / PAGE_SIZE as u64;
});

handler!(|s, MemoryGrow { dst, delta }| {
    let Some(old) = bulk::memory_grow(s.st, r!(s, delta) as u32) else {
        return Flow::Error;
    };
    s.reload();
    r!(s, dst) = old;
});

handler!(|s, MemoryFill { dst, val, len }| {
    if !bulk::memory_fill(s.st, r!(s, dst) as u32, r!(s, val) as u8, r!(s, len) as u32) {
        return Flow::Error;
    }
});

handler!(|s, MemoryCopy { dst, src, len }| {
    if !bulk::memory_copy(
        s.st,
        r!(s, dst) as u32,
        r!(s, src) as u32,
        r!(s, len) as u32,
    ) {
        return Flow::Error;
    }
});

handler!(|s, MemoryInit { dst, src, len }| {
    let aux::MemoryInit { data } = aux!(s, MemoryInit);
    skip_aux!(s);
    let (d, sr, n) = (r!(s, dst) as u32, r!(s, src) as u32, r!(s, len) as u32);
    if !bulk::memory_init(s.st, data, d, sr, n) {
        return Flow::Error;
    }
});

handler!(|s, DataDrop { data }| {
    bulk::data_drop(s.st, data);
});

/// The 32- and 64-bit loads from a computed address (32-bit wrapping sums, as `i32.add`):
/// `lhs + rhs` (`Load32Add`) and `(base << shift) + imm` (`Load32ShlAddImm`, as `I32ShlAddImm`).
macro_rules! computed_address_loads {
    ($($n:literal, |$b:ident| $e:expr => $add:ident, $shl_add:ident;)*) => {$(
        handler!(|s, $add { dst, lhs, rhs }| {
            let ea = u64::from((r!(s, lhs) as u32).wrapping_add(r!(s, rhs) as u32));
            load_ea!(s, dst, ea, $n, |$b| $e);
        });
        handler!(|s, $shl_add { shift, dst, base, imm }| {
            let ea = u64::from(shl_add(r!(s, base), shift, imm));
            load_ea!(s, dst, ea, $n, |$b| $e);
        });
    )*};
}
computed_address_loads! {
    4, |b| u64::from(u32::from_le_bytes(b)) => Load32Add, Load32ShlAddImm;
    8, |b| u64::from_le_bytes(b) => Load64Add, Load64ShlAddImm;
}
