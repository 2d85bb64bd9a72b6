//! Control: traps, fuel, branches, calls and returns.

#[allow(unused_imports)]
use super::*;

handler!(|s, Unreachable {}| {
    return s.st.trap(TrapCode::Unreachable);
});

handler!(|s, ConsumeFuel { amount }| {
    // SAFETY: `inner` is valid for the execution and not otherwise borrowed here.
    let inner = unsafe { &mut *s.st.inner };
    let amount = u64::from(amount);
    if inner.fuel < amount {
        return s.st.trap(TrapCode::OutOfFuel);
    }
    inner.fuel -= amount;
});

// Operands of the preceding instruction, which steps over them: never dispatched. Were a bug to
// dispatch one, execution stops with an internal error rather than run past it.
handler!(|s, Aux { a, b }| {
    return s
        .st
        .fail(crate::engine::exec::internal("an Aux word was executed"));
});

handler!(|s, BrTable { index, len }| {
    br_table!(s, r!(s, index) as u32, len);
});

handler!(|s, BrTableAddImm { index, len, imm }| {
    br_table!(s, (r!(s, index) as u32).wrapping_add(imm as u32), len);
});

handler!(|s, Return { src, count }| {
    if !calls::ret_fast(&mut s, src.index(), count) {
        // SAFETY: as in `Call`.
        return unsafe { return_general(s.ip.sub(1), s.regs, free(), free(), s.mem, s.st) };
    }
});

handler!(|s, Call { func, base }| {
    // SAFETY: validation bounds `func` by the instance's function count.
    let callee = unsafe { *s.st.funcs.add(func as usize) };
    let at = s.st.base + base.index() as usize;
    if !calls::call_fast(&mut s, callee, at) {
        // SAFETY: this handler's own arguments (`s.ip` is one past the `Call`), which
        // `call_fast` left unchanged.
        return unsafe { call_general(s.ip.sub(1), s.regs, free(), free(), s.mem, s.st) };
    }
});

handler!(|s, CallIndirect { ty, index, base }| {
    let aux::CallIndirect { table } = aux!(s, CallIndirect);
    skip_aux!(s);
    let at = s.st.base + base.index() as usize;
    let i = r!(s, index) as u32;
    if !calls::call_indirect_fast(&mut s, table, ty, i, at) {
        // SAFETY: as in `Call`; `s.ip` is past the instruction and its `Aux`.
        return unsafe { call_indirect_general(s.ip.sub(2), s.regs, free(), free(), s.mem, s.st) };
    }
});

handler!(|s, ReturnCall { func, base, count }| {
    // SAFETY: validation bounds `func` by the instance's function count.
    let callee = unsafe { *s.st.funcs.add(func as usize) };
    if let Some(flow) = calls::tail_call(&mut s, callee, base.index(), count) {
        return flow;
    }
});

handler!(|s, ReturnCallIndirect { ty, index, base }| {
    let aux::ReturnCallIndirect { table, count } = aux!(s, ReturnCallIndirect);
    let Some(callee) = calls::resolve(s.st, table, ty, r!(s, index) as u32) else {
        return Flow::Error;
    };
    if let Some(flow) = calls::tail_call(&mut s, callee, base.index(), count) {
        return flow;
    }
});

handler!(|s, CanonF32 { slot }| {
    if num::f32(r!(s, slot)).is_nan() {
        r!(s, slot) = u64::from(0x7fc0_0000u32);
    }
});

handler!(|s, CanonF64 { slot }| {
    if num::f64(r!(s, slot)).is_nan() {
        r!(s, slot) = 0x7ff8_0000_0000_0000;
    }
});

handler!(|s, Br { target }| {
    jump!(s, target);
});

handler!(|s, BrIfNez { cond, target }| {
    branch_if!(s, r!(s, cond) as u32 != 0, target);
});

handler!(|s, BrIfEqz { cond, target }| {
    branch_if!(s, r!(s, cond) as u32 == 0, target);
});
