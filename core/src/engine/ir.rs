//! The engine's internal instruction set.
//!
//! Wasm's operand stack is resolved at translation time into *slots*: every value a function
//! touches lives in a numbered 64-bit cell of its frame (parameters and locals first, then the
//! positions of the operand stack). Instructions name their inputs and output directly, branch
//! targets are instruction indices, and nothing re-reads wasm bytes at run time.
//!
//! Encoding rules that keep the instruction 16 bytes:
//! - an instruction needing more than three 32-bit operands is followed by an [`Instr::Aux`];
//! - i32 values occupy the low 32 bits of a cell and readers ignore the high bits, so loads that
//!   differ only in how they fill the high bits of an i32 share a variant.
//!
//! Branch targets (`target` operands) are instruction indices while a function is translated;
//! its last step turns each into the signed distance in bytes from the branch to its target (an
//! `i32` stored in the `u32`), so the interpreter jumps without looking up where the function
//! starts.

/// Frame-relative index of a 64-bit value cell.
pub(crate) type Slot = u32;

/// Bytes between consecutive globals in the store (see `Instr::GlobalGetOwn`).
pub(crate) const GLOBAL_STRIDE: u32 = core::mem::size_of::<crate::runtime::GlobalEntity>() as u32;

/// `repr(u16)`: the interpreter reads the tag directly to index its handler table.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(u16)]
pub(crate) enum Instr {
    // ---- control ----
    Unreachable,
    /// Charges the fuel of the straight-line run of instructions that starts here.
    ConsumeFuel {
        amount: u32,
    },
    /// Deterministic mode: replaces a NaN in `slot` with the canonical NaN.
    CanonF32 {
        slot: Slot,
    },
    CanonF64 {
        slot: Slot,
    },
    /// Extra operands of the preceding instruction; never executed on its own.
    Aux {
        a: u32,
        b: u32,
    },
    Br {
        target: u32,
    },
    BrIfNez {
        cond: Slot,
        target: u32,
    },
    BrIfEqz {
        cond: Slot,
        target: u32,
    },
    /// Followed by `len` `Br` entries; the last one is the default target.
    BrTable {
        index: Slot,
        len: u32,
    },
    /// `BrTable` on `index + imm` (32-bit wrapping): the fused `i32.add x, C; br_table` of
    /// C `switch` statements whose cases do not start at 0.
    BrTableAddImm {
        index: Slot,
        len: u32,
        imm: i32,
    },
    /// Moves `count` results starting at `src` to the frame's first slots and returns.
    Return {
        src: Slot,
        count: u32,
    },
    /// Calls module function `func`; arguments start at `base`, results land there too.
    Call {
        func: u32,
        base: Slot,
    },
    /// Followed by `Aux { a: table, b: 0 }`.
    CallIndirect {
        ty: u32,
        index: Slot,
        base: Slot,
    },
    /// Tail call: `count` arguments starting at `base` replace the current frame.
    ReturnCall {
        func: u32,
        base: Slot,
        count: u32,
    },
    /// Followed by `Aux { a: table, b: argument count }`.
    ReturnCallIndirect {
        ty: u32,
        index: Slot,
        base: Slot,
    },

    // ---- data movement ----
    Copy {
        dst: Slot,
        src: Slot,
    },
    Const {
        dst: Slot,
        val: u64,
    },
    /// `dst = cond != 0 ? a : b`; followed by `Aux { a: cond, b: 0 }`.
    Select {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    /// Reads global `global` of the module's index space through the instance's table of store
    /// indices: what imported globals use (defined ones use `GlobalGetOwn`).
    GlobalGet {
        dst: Slot,
        global: u32,
    },
    GlobalSet {
        src: Slot,
        global: u32,
    },
    /// Reads one of the instance's *defined* globals. They are contiguous in the store, so this
    /// is one access relative to the first of them (`Exec::own_globals`): `offset` is the
    /// defined global's index (module index minus imported globals) times [`GLOBAL_STRIDE`],
    /// scaled here so the access needs no multiplication.
    GlobalGetOwn {
        dst: Slot,
        offset: u32,
    },
    GlobalSetOwn {
        src: Slot,
        offset: u32,
    },
    /// `global.set $dst (global.get $src)` of two defined globals (offsets as in `GlobalGetOwn`).
    GlobalCopyOwn {
        dst: u32,
        src: u32,
    },
    /// `global.set $g (i32.add (global.get $g) (i32.const imm))` of a defined global: adds to
    /// the global in place and leaves the new value in `dst` too.
    GlobalAddImm32Own {
        dst: Slot,
        offset: u32,
        imm: i32,
    },
    /// The same for an i64 global.
    GlobalAddImm64Own {
        dst: Slot,
        offset: u32,
        imm: i32,
    },

    // ---- linear memory (memory 0) ----
    Load32 {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    Load64 {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    Load8S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    Load8U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    Load16S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    Load16U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    /// `i32.load8_s`/`i32.load16_s` sign-extend to 64 bits too, which is a valid i32 cell, so only
    /// `i64.load32_s` needs its own variant.
    Load32S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    // A load from `base + imm` (32-bit wrapping sum, as `i32.add`) with offset 0: the pair
    // `i32.add x, C; load` that C compilers emit for arrays at fixed addresses.
    Load32AddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    Load64AddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    Load8SAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    Load8UAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    Load16SAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    Load16UAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    Load32SAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    /// A load from `(base << shift) + imm` (32-bit wrapping, as `I32ShlAddImm`) with offset 0:
    /// `a[i]` of an array at a fixed address.
    Load32ShlAddImm {
        shift: u8,
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    Load64ShlAddImm {
        shift: u8,
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    /// A load from `lhs + rhs` (32-bit wrapping sum of two slots, as `i32.add`) with offset 0:
    /// a base pointer plus an index kept in locals.
    Load32Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    Load64Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    Store8 {
        addr: Slot,
        src: Slot,
        offset: u32,
    },
    Store16 {
        addr: Slot,
        src: Slot,
        offset: u32,
    },
    Store32 {
        addr: Slot,
        src: Slot,
        offset: u32,
    },
    Store64 {
        addr: Slot,
        src: Slot,
        offset: u32,
    },
    /// A store to `base + imm` (32-bit wrapping sum, as `i32.add`) with offset 0: the pair
    /// `i32.add x, C; store` (the store's value a local or constant, so nothing comes between).
    Store8AddImm {
        base: Slot,
        src: Slot,
        imm: i32,
    },
    Store16AddImm {
        base: Slot,
        src: Slot,
        imm: i32,
    },
    Store32AddImm {
        base: Slot,
        src: Slot,
        imm: i32,
    },
    Store64AddImm {
        base: Slot,
        src: Slot,
        imm: i32,
    },
    MemorySize {
        dst: Slot,
    },
    MemoryGrow {
        dst: Slot,
        delta: Slot,
    },
    MemoryFill {
        dst: Slot,
        val: Slot,
        len: Slot,
    },
    MemoryCopy {
        dst: Slot,
        src: Slot,
        len: Slot,
    },
    /// Followed by `Aux { a: data segment, b: 0 }`.
    MemoryInit {
        dst: Slot,
        src: Slot,
        len: Slot,
    },
    DataDrop {
        data: u32,
    },

    // ---- tables and references ----
    TableGet {
        dst: Slot,
        index: Slot,
        table: u32,
    },
    TableSet {
        index: Slot,
        val: Slot,
        table: u32,
    },
    TableSize {
        dst: Slot,
        table: u32,
    },
    /// Followed by `Aux { a: table, b: 0 }`.
    TableGrow {
        dst: Slot,
        init: Slot,
        delta: Slot,
    },
    /// Followed by `Aux { a: table, b: 0 }`.
    TableFill {
        dst: Slot,
        val: Slot,
        len: Slot,
    },
    /// Followed by `Aux { a: destination table, b: source table }`.
    TableCopy {
        dst: Slot,
        src: Slot,
        len: Slot,
    },
    /// Followed by `Aux { a: table, b: element segment }`.
    TableInit {
        dst: Slot,
        src: Slot,
        len: Slot,
    },
    ElemDrop {
        elem: u32,
    },
    RefFunc {
        dst: Slot,
        func: u32,
    },
    /// Also `ref.is_null`: null references are the zero cell.
    I64Eqz {
        dst: Slot,
        src: Slot,
    },

    // ---- i32 ----
    I32Eqz {
        dst: Slot,
        src: Slot,
    },
    I32Eq {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Ne {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Clz {
        dst: Slot,
        src: Slot,
    },
    I32Ctz {
        dst: Slot,
        src: Slot,
    },
    I32Popcnt {
        dst: Slot,
        src: Slot,
    },
    I32Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Sub {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Mul {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32DivS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32DivU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32RemS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32RemU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32And {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Or {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Xor {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Shl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32ShrS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32ShrU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Rotl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Rotr {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },

    // ---- i64 ----
    I64Eq {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Ne {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Clz {
        dst: Slot,
        src: Slot,
    },
    I64Ctz {
        dst: Slot,
        src: Slot,
    },
    I64Popcnt {
        dst: Slot,
        src: Slot,
    },
    I64Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Sub {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Mul {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64DivS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64DivU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64RemS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64RemU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64And {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Or {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Xor {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Shl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64ShrS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64ShrU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Rotl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Rotr {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },

    // ---- f32 ----
    F32Eq {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Ne {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Lt {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Gt {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Le {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Ge {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Abs {
        dst: Slot,
        src: Slot,
    },
    F32Neg {
        dst: Slot,
        src: Slot,
    },
    F32Ceil {
        dst: Slot,
        src: Slot,
    },
    F32Floor {
        dst: Slot,
        src: Slot,
    },
    F32Trunc {
        dst: Slot,
        src: Slot,
    },
    F32Nearest {
        dst: Slot,
        src: Slot,
    },
    F32Sqrt {
        dst: Slot,
        src: Slot,
    },
    F32Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Sub {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Mul {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Div {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Min {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Max {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Copysign {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },

    // ---- f64 ----
    F64Eq {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Ne {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Lt {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Gt {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Le {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Ge {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Abs {
        dst: Slot,
        src: Slot,
    },
    F64Neg {
        dst: Slot,
        src: Slot,
    },
    F64Ceil {
        dst: Slot,
        src: Slot,
    },
    F64Floor {
        dst: Slot,
        src: Slot,
    },
    F64Trunc {
        dst: Slot,
        src: Slot,
    },
    F64Nearest {
        dst: Slot,
        src: Slot,
    },
    F64Sqrt {
        dst: Slot,
        src: Slot,
    },
    F64Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Sub {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Mul {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Div {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Min {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Max {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Copysign {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },

    // ---- operations with a 32-bit immediate right operand (sign-extended for i64) ----
    /// `dst = (lhs << shift) + imm` (32-bit, wrapping): the fused `i32.shl x, K; i32.add C` of
    /// C array indexing. `shift` comes first so it fills the bytes after the tag (the
    /// instruction stays 16 bytes); it is below 32.
    I32ShlAddImm {
        shift: u8,
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32AddImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32MulImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32AndImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32OrImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32XorImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32ShlImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32ShrSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32ShrUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32EqImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32NeImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64AddImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64MulImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64AndImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64OrImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64XorImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64ShlImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64ShrSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64ShrUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64EqImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64NeImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    // ---- compare-and-branch: jumps to `target` when the comparison holds ----
    BrI32Eq {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI32Ne {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI32LtS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI32LtU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI32GtS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI32GtU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI32LeS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI32LeU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI32GeS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI32GeU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI32EqImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI32NeImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI32LtSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI32LtUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI32GtSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI32GtUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI32LeSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI32LeUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI32GeSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI32GeUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64Eq {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI64Ne {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI64LtS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI64LtU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI64GtS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI64GtU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI64LeS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI64LeU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI64GeS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI64GeU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrI64EqImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64NeImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64LtSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64LtUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64GtSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64GtUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64LeSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64LeUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64GeSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64GeUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    /// Jumps when `lhs & imm` is zero (`Eqz`) or not (`Nez`): the fused `and C; eqz; br_if`
    /// (or `and C; br_if`) of a bit test. The i64 forms sign-extend `imm`.
    BrI32AndImmEqz {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI32AndImmNez {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64AndImmEqz {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrI64AndImmNez {
        lhs: Slot,
        imm: i32,
        target: u32,
    },

    // ---- float compare-and-branch (`Not` forms jump when the comparison is false, NaN included) ----
    BrF32Eq {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32NotEq {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32Ne {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32NotNe {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32Lt {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32NotLt {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32Gt {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32NotGt {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32Le {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32NotLe {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32Ge {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF32NotGe {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64Eq {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64NotEq {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64Ne {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64NotNe {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64Lt {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64NotLt {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64Gt {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64NotGt {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64Le {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64NotLe {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64Ge {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrF64NotGe {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },

    // ---- conversions (reinterpretations and i32.wrap_i64 are plain copies) ----
    I64ExtendI32U {
        dst: Slot,
        src: Slot,
    },
    I32TruncF32S {
        dst: Slot,
        src: Slot,
    },
    I32TruncF32U {
        dst: Slot,
        src: Slot,
    },
    I32TruncF64S {
        dst: Slot,
        src: Slot,
    },
    I32TruncF64U {
        dst: Slot,
        src: Slot,
    },
    I64TruncF32S {
        dst: Slot,
        src: Slot,
    },
    I64TruncF32U {
        dst: Slot,
        src: Slot,
    },
    I64TruncF64S {
        dst: Slot,
        src: Slot,
    },
    I64TruncF64U {
        dst: Slot,
        src: Slot,
    },
    I32TruncSatF32S {
        dst: Slot,
        src: Slot,
    },
    I32TruncSatF32U {
        dst: Slot,
        src: Slot,
    },
    I32TruncSatF64S {
        dst: Slot,
        src: Slot,
    },
    I32TruncSatF64U {
        dst: Slot,
        src: Slot,
    },
    I64TruncSatF32S {
        dst: Slot,
        src: Slot,
    },
    I64TruncSatF32U {
        dst: Slot,
        src: Slot,
    },
    I64TruncSatF64S {
        dst: Slot,
        src: Slot,
    },
    I64TruncSatF64U {
        dst: Slot,
        src: Slot,
    },
    F32ConvertI32S {
        dst: Slot,
        src: Slot,
    },
    F32ConvertI32U {
        dst: Slot,
        src: Slot,
    },
    F32ConvertI64S {
        dst: Slot,
        src: Slot,
    },
    F32ConvertI64U {
        dst: Slot,
        src: Slot,
    },
    F64ConvertI32S {
        dst: Slot,
        src: Slot,
    },
    F64ConvertI32U {
        dst: Slot,
        src: Slot,
    },
    F64ConvertI64S {
        dst: Slot,
        src: Slot,
    },
    F64ConvertI64U {
        dst: Slot,
        src: Slot,
    },
    F32DemoteF64 {
        dst: Slot,
        src: Slot,
    },
    F64PromoteF32 {
        dst: Slot,
        src: Slot,
    },
    /// `i32.extend8_s` and `i64.extend8_s` (sign-extending to 64 bits is a valid i32 cell).
    /// `Extend32S` is also `i64.extend_i32_s`.
    Extend8S {
        dst: Slot,
        src: Slot,
    },
    Extend16S {
        dst: Slot,
        src: Slot,
    },
    Extend32S {
        dst: Slot,
        src: Slot,
    },
}

impl Instr {
    /// The output slot, for instructions whose only effect is writing one slot from their inputs
    /// (the translator may redirect such an output straight into a local).
    pub(crate) fn result_slot_mut(&mut self) -> Option<&mut Slot> {
        use Instr::*;
        match self {
            Copy { dst, .. }
            | Const { dst, .. }
            | GlobalGet { dst, .. }
            | GlobalGetOwn { dst, .. } => Some(dst),
            Load32 { dst, .. }
            | Load64 { dst, .. }
            | Load8S { dst, .. }
            | Load8U { dst, .. }
            | Load16S { dst, .. }
            | Load16U { dst, .. }
            | Load32S { dst, .. } => Some(dst),
            Load32AddImm { dst, .. }
            | Load64AddImm { dst, .. }
            | Load8SAddImm { dst, .. }
            | Load8UAddImm { dst, .. }
            | Load16SAddImm { dst, .. }
            | Load16UAddImm { dst, .. }
            | Load32SAddImm { dst, .. } => Some(dst),
            RefFunc { dst, .. } | I64Eqz { dst, .. } | I32Eqz { dst, .. } => Some(dst),
            I32Eq { dst, .. } | I32Ne { dst, .. } | I32LtS { dst, .. } | I32LtU { dst, .. } => {
                Some(dst)
            }
            I32GtS { dst, .. } | I32GtU { dst, .. } | I32LeS { dst, .. } | I32LeU { dst, .. } => {
                Some(dst)
            }
            I32GeS { dst, .. } | I32GeU { dst, .. } | I32Clz { dst, .. } | I32Ctz { dst, .. } => {
                Some(dst)
            }
            I32Popcnt { dst, .. }
            | I32Add { dst, .. }
            | I32Sub { dst, .. }
            | I32Mul { dst, .. } => Some(dst),
            I32And { dst, .. } | I32Or { dst, .. } | I32Xor { dst, .. } | I32Shl { dst, .. } => {
                Some(dst)
            }
            I32ShrS { dst, .. }
            | I32ShrU { dst, .. }
            | I32Rotl { dst, .. }
            | I32Rotr { dst, .. } => Some(dst),
            I64Eq { dst, .. } | I64Ne { dst, .. } | I64LtS { dst, .. } | I64LtU { dst, .. } => {
                Some(dst)
            }
            I64GtS { dst, .. } | I64GtU { dst, .. } | I64LeS { dst, .. } | I64LeU { dst, .. } => {
                Some(dst)
            }
            I64GeS { dst, .. } | I64GeU { dst, .. } | I64Clz { dst, .. } | I64Ctz { dst, .. } => {
                Some(dst)
            }
            I64Popcnt { dst, .. }
            | I64Add { dst, .. }
            | I64Sub { dst, .. }
            | I64Mul { dst, .. } => Some(dst),
            I64And { dst, .. } | I64Or { dst, .. } | I64Xor { dst, .. } | I64Shl { dst, .. } => {
                Some(dst)
            }
            I64ShrS { dst, .. }
            | I64ShrU { dst, .. }
            | I64Rotl { dst, .. }
            | I64Rotr { dst, .. } => Some(dst),
            F32Add { dst, .. } | F32Sub { dst, .. } | F32Mul { dst, .. } | F32Div { dst, .. } => {
                Some(dst)
            }
            F64Add { dst, .. } | F64Sub { dst, .. } | F64Mul { dst, .. } | F64Div { dst, .. } => {
                Some(dst)
            }
            F32Eq { dst, .. } | F32Ne { dst, .. } | F32Lt { dst, .. } | F32Gt { dst, .. } => {
                Some(dst)
            }
            F64Eq { dst, .. } | F64Ne { dst, .. } | F64Lt { dst, .. } | F64Gt { dst, .. } => {
                Some(dst)
            }
            F32Le { dst, .. } | F32Ge { dst, .. } | F64Le { dst, .. } | F64Ge { dst, .. } => {
                Some(dst)
            }
            F32Abs { dst, .. } | F32Neg { dst, .. } | F64Abs { dst, .. } | F64Neg { dst, .. } => {
                Some(dst)
            }
            F32Sqrt { dst, .. } | F64Sqrt { dst, .. } | F32Min { dst, .. } | F32Max { dst, .. } => {
                Some(dst)
            }
            F64Min { dst, .. } | F64Max { dst, .. } | F32Copysign { dst, .. } => Some(dst),
            F64Copysign { dst, .. } | I64ExtendI32U { dst, .. } => Some(dst),
            // Trapping operations too: a trap ends the function, so no one can observe that
            // the local was the destination rather than a temporary.
            I32DivS { dst, .. }
            | I32DivU { dst, .. }
            | I32RemS { dst, .. }
            | I32RemU { dst, .. } => Some(dst),
            I64DivS { dst, .. }
            | I64DivU { dst, .. }
            | I64RemS { dst, .. }
            | I64RemU { dst, .. } => Some(dst),
            I32TruncF32S { dst, .. } | I32TruncF32U { dst, .. } => Some(dst),
            I32TruncF64S { dst, .. } | I32TruncF64U { dst, .. } => Some(dst),
            I64TruncF32S { dst, .. } | I64TruncF32U { dst, .. } => Some(dst),
            I64TruncF64S { dst, .. } | I64TruncF64U { dst, .. } => Some(dst),
            I32TruncSatF32S { dst, .. } | I32TruncSatF32U { dst, .. } => Some(dst),
            I32TruncSatF64S { dst, .. } | I32TruncSatF64U { dst, .. } => Some(dst),
            I64TruncSatF32S { dst, .. } | I64TruncSatF32U { dst, .. } => Some(dst),
            I64TruncSatF64S { dst, .. } | I64TruncSatF64U { dst, .. } => Some(dst),
            F32ConvertI32S { dst, .. } | F32ConvertI32U { dst, .. } => Some(dst),
            F64ConvertI32S { dst, .. } | F64ConvertI32U { dst, .. } => Some(dst),
            F32ConvertI64S { dst, .. } | F32ConvertI64U { dst, .. } => Some(dst),
            F64ConvertI64S { dst, .. } | F64ConvertI64U { dst, .. } => Some(dst),
            F32DemoteF64 { dst, .. } | F64PromoteF32 { dst, .. } => Some(dst),
            Extend8S { dst, .. } | Extend16S { dst, .. } | Extend32S { dst, .. } => Some(dst),
            I32ShlAddImm { dst, .. }
            | Load32Add { dst, .. }
            | Load64Add { dst, .. }
            | Load32ShlAddImm { dst, .. }
            | Load64ShlAddImm { dst, .. }
            | I32AddImm { dst, .. }
            | I32MulImm { dst, .. }
            | I32AndImm { dst, .. }
            | I32OrImm { dst, .. }
            | I32XorImm { dst, .. }
            | I32ShlImm { dst, .. }
            | I32ShrSImm { dst, .. }
            | I32ShrUImm { dst, .. }
            | I32EqImm { dst, .. }
            | I32NeImm { dst, .. }
            | I32LtSImm { dst, .. }
            | I32LtUImm { dst, .. }
            | I32GtSImm { dst, .. }
            | I32GtUImm { dst, .. }
            | I32LeSImm { dst, .. }
            | I32LeUImm { dst, .. }
            | I32GeSImm { dst, .. }
            | I32GeUImm { dst, .. }
            | I64AddImm { dst, .. }
            | I64MulImm { dst, .. }
            | I64AndImm { dst, .. }
            | I64OrImm { dst, .. }
            | I64XorImm { dst, .. }
            | I64ShlImm { dst, .. }
            | I64ShrSImm { dst, .. }
            | I64ShrUImm { dst, .. }
            | I64EqImm { dst, .. }
            | I64NeImm { dst, .. }
            | I64LtSImm { dst, .. }
            | I64LtUImm { dst, .. }
            | I64GtSImm { dst, .. }
            | I64GtUImm { dst, .. }
            | I64LeSImm { dst, .. }
            | I64LeUImm { dst, .. }
            | I64GeSImm { dst, .. }
            | I64GeUImm { dst, .. } => Some(dst),
            _ => None,
        }
    }

    /// The branch target, for every instruction that jumps.
    pub(crate) fn branch_target_mut(&mut self) -> Option<&mut u32> {
        use Instr::*;
        match self {
            Br { target } | BrIfNez { target, .. } | BrIfEqz { target, .. } => Some(target),
            BrI32Eq { target, .. }
            | BrI32EqImm { target, .. }
            | BrI32Ne { target, .. }
            | BrI32NeImm { target, .. }
            | BrI32LtS { target, .. }
            | BrI32LtSImm { target, .. }
            | BrI32LtU { target, .. }
            | BrI32LtUImm { target, .. }
            | BrI32GtS { target, .. }
            | BrI32GtSImm { target, .. }
            | BrI32GtU { target, .. }
            | BrI32GtUImm { target, .. }
            | BrI32LeS { target, .. }
            | BrI32LeSImm { target, .. }
            | BrI32LeU { target, .. }
            | BrI32LeUImm { target, .. }
            | BrI32GeS { target, .. }
            | BrI32GeSImm { target, .. }
            | BrI32GeU { target, .. }
            | BrI32GeUImm { target, .. }
            | BrI64Eq { target, .. }
            | BrI64EqImm { target, .. }
            | BrI64Ne { target, .. }
            | BrI64NeImm { target, .. }
            | BrI64LtS { target, .. }
            | BrI64LtSImm { target, .. }
            | BrI64LtU { target, .. }
            | BrI64LtUImm { target, .. }
            | BrI64GtS { target, .. }
            | BrI64GtSImm { target, .. }
            | BrI64GtU { target, .. }
            | BrI64GtUImm { target, .. }
            | BrI64LeS { target, .. }
            | BrI64LeSImm { target, .. }
            | BrI64LeU { target, .. }
            | BrI64LeUImm { target, .. }
            | BrI64GeS { target, .. }
            | BrI64GeSImm { target, .. }
            | BrI64GeU { target, .. }
            | BrI64GeUImm { target, .. }
            | BrI32AndImmEqz { target, .. }
            | BrI32AndImmNez { target, .. }
            | BrI64AndImmEqz { target, .. }
            | BrI64AndImmNez { target, .. } => Some(target),
            BrF32Eq { target, .. }
            | BrF32NotEq { target, .. }
            | BrF32Ne { target, .. }
            | BrF32NotNe { target, .. }
            | BrF32Lt { target, .. }
            | BrF32NotLt { target, .. }
            | BrF32Gt { target, .. }
            | BrF32NotGt { target, .. }
            | BrF32Le { target, .. }
            | BrF32NotLe { target, .. }
            | BrF32Ge { target, .. }
            | BrF32NotGe { target, .. }
            | BrF64Eq { target, .. }
            | BrF64NotEq { target, .. }
            | BrF64Ne { target, .. }
            | BrF64NotNe { target, .. }
            | BrF64Lt { target, .. }
            | BrF64NotLt { target, .. }
            | BrF64Gt { target, .. }
            | BrF64NotGt { target, .. }
            | BrF64Le { target, .. }
            | BrF64NotLe { target, .. }
            | BrF64Ge { target, .. }
            | BrF64NotGe { target, .. } => Some(target),
            _ => None,
        }
    }
}

impl Instr {
    /// Calls `f` on every slot operand (not on the slots an `Aux` may carry).
    pub(crate) fn for_each_slot_mut(&mut self, mut f: impl FnMut(&mut Slot)) {
        use Instr::*;
        match self {
            CanonF32 { slot, .. } => {
                f(slot);
            }
            CanonF64 { slot, .. } => {
                f(slot);
            }
            BrIfNez { cond, .. } => {
                f(cond);
            }
            BrIfEqz { cond, .. } => {
                f(cond);
            }
            BrTable { index, .. } => {
                f(index);
            }
            BrTableAddImm { index, .. } => {
                f(index);
            }
            Return { src, .. } => {
                f(src);
            }
            Call { base, .. } => {
                f(base);
            }
            CallIndirect { index, base, .. } => {
                f(index);
                f(base);
            }
            ReturnCall { base, .. } => {
                f(base);
            }
            ReturnCallIndirect { index, base, .. } => {
                f(index);
                f(base);
            }
            Copy { dst, src, .. } => {
                f(dst);
                f(src);
            }
            Const { dst, .. } => {
                f(dst);
            }
            Select { dst, a, b, .. } => {
                f(dst);
                f(a);
                f(b);
            }
            GlobalGet { dst, .. } => {
                f(dst);
            }
            GlobalSet { src, .. } => {
                f(src);
            }
            GlobalGetOwn { dst, .. } => {
                f(dst);
            }
            GlobalSetOwn { src, .. } => {
                f(src);
            }
            GlobalAddImm32Own { dst, .. } => {
                f(dst);
            }
            GlobalAddImm64Own { dst, .. } => {
                f(dst);
            }
            Load32 { dst, addr, .. } => {
                f(dst);
                f(addr);
            }
            Load32AddImm { dst, base, .. } => {
                f(dst);
                f(base);
            }
            Load64AddImm { dst, base, .. } => {
                f(dst);
                f(base);
            }
            Load8SAddImm { dst, base, .. } => {
                f(dst);
                f(base);
            }
            Load8UAddImm { dst, base, .. } => {
                f(dst);
                f(base);
            }
            Load16SAddImm { dst, base, .. } => {
                f(dst);
                f(base);
            }
            Load16UAddImm { dst, base, .. } => {
                f(dst);
                f(base);
            }
            Load32SAddImm { dst, base, .. } => {
                f(dst);
                f(base);
            }
            Load64 { dst, addr, .. } => {
                f(dst);
                f(addr);
            }
            Load8S { dst, addr, .. } => {
                f(dst);
                f(addr);
            }
            Load8U { dst, addr, .. } => {
                f(dst);
                f(addr);
            }
            Load16S { dst, addr, .. } => {
                f(dst);
                f(addr);
            }
            Load16U { dst, addr, .. } => {
                f(dst);
                f(addr);
            }
            Load32S { dst, addr, .. } => {
                f(dst);
                f(addr);
            }
            Store8 { addr, src, .. } => {
                f(addr);
                f(src);
            }
            Store16 { addr, src, .. } => {
                f(addr);
                f(src);
            }
            Store32 { addr, src, .. } => {
                f(addr);
                f(src);
            }
            Store64 { addr, src, .. } => {
                f(addr);
                f(src);
            }
            Store8AddImm { base, src, .. }
            | Store16AddImm { base, src, .. }
            | Store32AddImm { base, src, .. }
            | Store64AddImm { base, src, .. } => {
                f(base);
                f(src);
            }
            MemorySize { dst, .. } => {
                f(dst);
            }
            MemoryGrow { dst, delta, .. } => {
                f(dst);
                f(delta);
            }
            MemoryFill { dst, val, len, .. } => {
                f(dst);
                f(val);
                f(len);
            }
            MemoryCopy { dst, src, len, .. } => {
                f(dst);
                f(src);
                f(len);
            }
            MemoryInit { dst, src, len, .. } => {
                f(dst);
                f(src);
                f(len);
            }
            TableGet { dst, index, .. } => {
                f(dst);
                f(index);
            }
            TableSet { index, val, .. } => {
                f(index);
                f(val);
            }
            TableSize { dst, .. } => {
                f(dst);
            }
            TableGrow {
                dst, init, delta, ..
            } => {
                f(dst);
                f(init);
                f(delta);
            }
            TableFill { dst, val, len, .. } => {
                f(dst);
                f(val);
                f(len);
            }
            TableCopy { dst, src, len, .. } => {
                f(dst);
                f(src);
                f(len);
            }
            TableInit { dst, src, len, .. } => {
                f(dst);
                f(src);
                f(len);
            }
            RefFunc { dst, .. } => {
                f(dst);
            }
            I64Eqz { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32Eqz { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32Eq { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32Ne { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32LtS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32LtU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32GtS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32GtU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32LeS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32LeU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32GeS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32GeU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32Clz { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32Ctz { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32Popcnt { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32Add { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32Sub { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32Mul { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32DivS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32DivU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32RemS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32RemU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32And { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32Or { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32Xor { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32Shl { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32ShrS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32ShrU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32Rotl { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32Rotr { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64Eq { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64Ne { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64LtS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64LtU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64GtS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64GtU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64LeS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64LeU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64GeS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64GeU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64Clz { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64Ctz { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64Popcnt { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64Add { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64Sub { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64Mul { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64DivS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64DivU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64RemS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64RemU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64And { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64Or { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64Xor { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64Shl { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64ShrS { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64ShrU { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64Rotl { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I64Rotr { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Eq { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Ne { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Lt { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Gt { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Le { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Ge { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Abs { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32Neg { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32Ceil { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32Floor { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32Trunc { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32Nearest { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32Sqrt { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32Add { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Sub { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Mul { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Div { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Min { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Max { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F32Copysign { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Eq { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Ne { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Lt { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Gt { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Le { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Ge { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Abs { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64Neg { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64Ceil { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64Floor { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64Trunc { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64Nearest { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64Sqrt { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64Add { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Sub { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Mul { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Div { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Min { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Max { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            F64Copysign { dst, lhs, rhs, .. } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            I32AddImm { dst, lhs, .. } | I32ShlAddImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            Load32Add { dst, lhs, rhs } | Load64Add { dst, lhs, rhs } => {
                f(dst);
                f(lhs);
                f(rhs);
            }
            Load32ShlAddImm { dst, base, .. } | Load64ShlAddImm { dst, base, .. } => {
                f(dst);
                f(base);
            }
            I32MulImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32AndImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32OrImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32XorImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32ShlImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32ShrSImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32ShrUImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32EqImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32NeImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32LtSImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32LtUImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32GtSImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32GtUImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32LeSImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32LeUImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32GeSImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I32GeUImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64AddImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64MulImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64AndImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64OrImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64XorImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64ShlImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64ShrSImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64ShrUImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64EqImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64NeImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64LtSImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64LtUImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64GtSImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64GtUImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64LeSImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64LeUImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64GeSImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            I64GeUImm { dst, lhs, .. } => {
                f(dst);
                f(lhs);
            }
            BrI32Eq { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI32Ne { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI32LtS { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI32LtU { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI32GtS { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI32GtU { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI32LeS { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI32LeU { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI32GeS { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI32GeU { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI32EqImm { lhs, .. } => {
                f(lhs);
            }
            BrI32NeImm { lhs, .. } => {
                f(lhs);
            }
            BrI32LtSImm { lhs, .. } => {
                f(lhs);
            }
            BrI32LtUImm { lhs, .. } => {
                f(lhs);
            }
            BrI32GtSImm { lhs, .. } => {
                f(lhs);
            }
            BrI32GtUImm { lhs, .. } => {
                f(lhs);
            }
            BrI32LeSImm { lhs, .. } => {
                f(lhs);
            }
            BrI32LeUImm { lhs, .. } => {
                f(lhs);
            }
            BrI32GeSImm { lhs, .. } => {
                f(lhs);
            }
            BrI32GeUImm { lhs, .. } => {
                f(lhs);
            }
            BrI64Eq { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI64Ne { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI64LtS { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI64LtU { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI64GtS { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI64GtU { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI64LeS { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI64LeU { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI64GeS { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI64GeU { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrI64EqImm { lhs, .. } => {
                f(lhs);
            }
            BrI64NeImm { lhs, .. } => {
                f(lhs);
            }
            BrI64LtSImm { lhs, .. } => {
                f(lhs);
            }
            BrI64LtUImm { lhs, .. } => {
                f(lhs);
            }
            BrI64GtSImm { lhs, .. } => {
                f(lhs);
            }
            BrI64GtUImm { lhs, .. } => {
                f(lhs);
            }
            BrI64LeSImm { lhs, .. } => {
                f(lhs);
            }
            BrI64LeUImm { lhs, .. } => {
                f(lhs);
            }
            BrI64GeSImm { lhs, .. } => {
                f(lhs);
            }
            BrI64GeUImm { lhs, .. }
            | BrI32AndImmEqz { lhs, .. }
            | BrI32AndImmNez { lhs, .. }
            | BrI64AndImmEqz { lhs, .. }
            | BrI64AndImmNez { lhs, .. } => {
                f(lhs);
            }
            BrF32Eq { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32NotEq { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32Ne { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32NotNe { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32Lt { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32NotLt { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32Gt { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32NotGt { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32Le { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32NotLe { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32Ge { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF32NotGe { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64Eq { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64NotEq { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64Ne { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64NotNe { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64Lt { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64NotLt { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64Gt { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64NotGt { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64Le { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64NotLe { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64Ge { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            BrF64NotGe { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            I64ExtendI32U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32TruncF32S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32TruncF32U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32TruncF64S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32TruncF64U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64TruncF32S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64TruncF32U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64TruncF64S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64TruncF64U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32TruncSatF32S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32TruncSatF32U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32TruncSatF64S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I32TruncSatF64U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64TruncSatF32S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64TruncSatF32U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64TruncSatF64S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            I64TruncSatF64U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32ConvertI32S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32ConvertI32U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32ConvertI64S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32ConvertI64U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64ConvertI32S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64ConvertI32U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64ConvertI64S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64ConvertI64U { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F32DemoteF64 { dst, src, .. } => {
                f(dst);
                f(src);
            }
            F64PromoteF32 { dst, src, .. } => {
                f(dst);
                f(src);
            }
            Extend8S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            Extend16S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            Extend32S { dst, src, .. } => {
                f(dst);
                f(src);
            }
            _ => {}
        }
    }
}

// Keep the instruction compact: it is the unit the dispatch loop streams through.
const _: () = assert!(core::mem::size_of::<Instr>() <= 16);
