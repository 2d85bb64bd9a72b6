//! Linear memory: loads, stores (with their fused address forms) and bulk memory.

#[allow(unused_imports)]
use super::*;

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

handler!(|s, Load32 { dst, addr, offset }| {
    load!(s, dst, addr, offset, 4, |b| u64::from(u32::from_le_bytes(
        b
    )));
});

handler!(|s, Load64 { dst, addr, offset }| {
    load!(s, dst, addr, offset, 8, |b| u64::from_le_bytes(b));
});

handler!(|s, Load8S { dst, addr, offset }| {
    load!(s, dst, addr, offset, 1, |b| b[0] as i8 as i64 as u64);
});

handler!(|s, Load8U { dst, addr, offset }| {
    load!(s, dst, addr, offset, 1, |b| u64::from(b[0]));
});

handler!(|s, Load16S { dst, addr, offset }| {
    load!(s, dst, addr, offset, 2, |b| i16::from_le_bytes(b) as i64
        as u64);
});

handler!(|s, Load16U { dst, addr, offset }| {
    load!(s, dst, addr, offset, 2, |b| u64::from(u16::from_le_bytes(
        b
    )));
});

handler!(|s, Load32S { dst, addr, offset }| {
    load!(s, dst, addr, offset, 4, |b| i32::from_le_bytes(b) as i64
        as u64);
});

handler!(|s, Load32AddImm { dst, base, imm }| {
    load_add_imm!(s, dst, base, imm, 4, |b| u64::from(u32::from_le_bytes(b)));
});

handler!(|s, Load64AddImm { dst, base, imm }| {
    load_add_imm!(s, dst, base, imm, 8, |b| u64::from_le_bytes(b));
});

handler!(|s, Load8SAddImm { dst, base, imm }| {
    load_add_imm!(s, dst, base, imm, 1, |b| b[0] as i8 as i64 as u64);
});

handler!(|s, Load8UAddImm { dst, base, imm }| {
    load_add_imm!(s, dst, base, imm, 1, |b| u64::from(b[0]));
});

handler!(|s, Load16SAddImm { dst, base, imm }| {
    load_add_imm!(s, dst, base, imm, 2, |b| i16::from_le_bytes(b) as i64
        as u64);
});

handler!(|s, Load16UAddImm { dst, base, imm }| {
    load_add_imm!(s, dst, base, imm, 2, |b| u64::from(u16::from_le_bytes(b)));
});

handler!(|s, Load32SAddImm { dst, base, imm }| {
    load_add_imm!(s, dst, base, imm, 4, |b| i32::from_le_bytes(b) as i64
        as u64);
});

handler!(|s, Load32Add { dst, lhs, rhs }| {
    let ea = u64::from((r!(s, lhs) as u32).wrapping_add(r!(s, rhs) as u32));
    load_ea!(s, dst, ea, 4, |b| u64::from(u32::from_le_bytes(b)));
});

handler!(|s, Load64Add { dst, lhs, rhs }| {
    let ea = u64::from((r!(s, lhs) as u32).wrapping_add(r!(s, rhs) as u32));
    load_ea!(s, dst, ea, 8, |b| u64::from_le_bytes(b));
});

handler!(|s,
          Load32ShlAddImm {
              shift,
              dst,
              base,
              imm,
          }| {
    let ea = u64::from(shl_add(r!(s, base), shift, imm));
    load_ea!(s, dst, ea, 4, |b| u64::from(u32::from_le_bytes(b)));
});

handler!(|s,
          Load64ShlAddImm {
              shift,
              dst,
              base,
              imm,
          }| {
    let ea = u64::from(shl_add(r!(s, base), shift, imm));
    load_ea!(s, dst, ea, 8, |b| u64::from_le_bytes(b));
});

handler!(|s, Store8 { addr, src, offset }| {
    store_mem!(s, addr, src, offset, 1, |v: u64| [v as u8]);
});

handler!(|s, Store16 { addr, src, offset }| {
    store_mem!(s, addr, src, offset, 2, |v: u64| (v as u16).to_le_bytes());
});

handler!(|s, Store32 { addr, src, offset }| {
    store_mem!(s, addr, src, offset, 4, |v: u64| (v as u32).to_le_bytes());
});

handler!(|s, Store8AddImm { base, src, imm }| {
    store_add_imm!(s, base, src, imm, 1, |v: u64| [v as u8]);
});

handler!(|s, Store16AddImm { base, src, imm }| {
    store_add_imm!(s, base, src, imm, 2, |v: u64| (v as u16).to_le_bytes());
});

handler!(|s, Store32AddImm { base, src, imm }| {
    store_add_imm!(s, base, src, imm, 4, |v: u64| (v as u32).to_le_bytes());
});

handler!(|s, Store64AddImm { base, src, imm }| {
    store_add_imm!(s, base, src, imm, 8, |v: u64| v.to_le_bytes());
});

handler!(|s, Store64 { addr, src, offset }| {
    store_mem!(s, addr, src, offset, 8, |v: u64| v.to_le_bytes());
});
