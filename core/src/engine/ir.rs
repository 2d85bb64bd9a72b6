//! The engine's internal instruction set, described once.
//!
//! Wasm's operand stack is resolved at translation time into *slots*: every value a function
//! touches lives in a numbered 64-bit cell of its frame (parameters and locals first, then the
//! positions of the operand stack). Instructions name their inputs and output directly, branch
//! targets are instruction indices, and nothing re-reads wasm bytes at run time.
//!
//! Every instruction is declared exactly once, in [`for_each_instr!`], with the *role* of each
//! operand. Everything else is derived from that list: the [`Instr`] enum, [`COUNT`], the operand
//! visitors the translator uses to resolve and check slots and branch targets, the typed `Aux`
//! words ([`aux`]), the IR's `Display`, and the interpreter's handler table (exec/handlers),
//! which names one handler per entry, so an instruction without a handler fails to compile.
//! None of the derived `match`es has a wildcard arm.
//!
//! Operand roles:
//! - `def`: a slot the instruction writes and nothing else; the translator may redirect it into
//!   a local (`Instr::result_slot_mut`).
//! - `out`: a slot written by an instruction that has other effects too (never redirected).
//! - `read`: a slot the instruction reads. `update`: a slot it reads and writes.
//! - `args`: the first slot of a call's arguments (and results); the range may be empty, so the
//!   slot may equal the frame size. The callee's frame is checked when it is entered.
//! - `results(n)`: the first of `n` slots (field `n`) that the instruction reads.
//! - `target`: a branch target ([`Target`]).
//! - `index`: an index into one of the module's or instance's index spaces.
//! - `u8`, `u32`, `i32`, `u64`: an immediate of that type.
//!
//! Encoding rules that keep the instruction 16 bytes:
//! - an instruction needing more than three 32-bit operands is followed by an `Aux` word, whose
//!   fields are declared with the instruction (`aux { .. }`) and read through [`aux`];
//! - i32 values occupy the low 32 bits of a cell and readers ignore the high bits, so loads that
//!   differ only in how they fill the high bits of an i32 share a variant.
//!
//! Branch targets are instruction indices while a function is translated; its last step turns
//! each into the signed distance in bytes from the branch to its target, so the interpreter
//! jumps without looking up where the function starts.

use core::fmt;

/// Frame-relative index of a 64-bit value cell.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
#[repr(transparent)]
pub(crate) struct Slot(u32);

impl Slot {
    /// Slot 0; also the operand of instructions built only to probe their kind.
    pub(crate) const ZERO: Slot = Slot(0);

    pub(crate) const fn new(index: u32) -> Self {
        Slot(index)
    }

    /// The slot `k` places after this one.
    pub(crate) const fn plus(self, k: u32) -> Self {
        Slot(self.0 + k)
    }

    /// The slot's index in its frame.
    #[inline(always)]
    pub(crate) const fn index(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A branch target: an instruction index while the function is translated, then the signed
/// distance in bytes from the branch to its target (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(transparent)]
pub(crate) struct Target(u32);

impl Target {
    /// A target given as an instruction index (during translation).
    pub(crate) const fn at(index: u32) -> Self {
        Target(index)
    }

    /// The instruction index (during translation).
    pub(crate) const fn index(self) -> u32 {
        self.0
    }

    /// A target given as a distance in bytes from the branch (after translation).
    pub(crate) const fn distance(bytes: i32) -> Self {
        Target(bytes as u32)
    }

    /// The distance in bytes from the branch (after translation).
    #[inline(always)]
    pub(crate) const fn bytes(self) -> isize {
        self.0 as i32 as isize
    }
}

impl fmt::Display for Target {
    /// As a distance in instructions (`@+3`, `@-12`), which is what it is once translated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let instrs = self.bytes() / core::mem::size_of::<Instr>() as isize;
        write!(f, "@{instrs:+}")
    }
}

/// Bytes between consecutive globals in the store (see `Instr::GlobalGetOwn`).
pub(crate) const GLOBAL_STRIDE: u32 = core::mem::size_of::<crate::runtime::GlobalEntity>() as u32;

/// Calls `$m!` with the list of every instruction: its documentation, name and operands with
/// their roles (see the module documentation), and the fields of the `Aux` word that follows
/// it, if any. The variants' order is their tag order and their fields' order their layout.
macro_rules! for_each_instr {
    ($m:ident) => {
        $m! {
        // ---- control ----
        Unreachable {};
        /// Charges the fuel of the straight-line run of instructions that starts here.
        ConsumeFuel { amount: u32 };
        /// Deterministic mode: replaces a NaN in `slot` with the canonical NaN.
        CanonF32 { slot: update };
        CanonF64 { slot: update };
        /// Extra operands of the preceding instruction; never executed on its own.
        Aux { a: u32, b: u32 };
        Br { target: target };
        BrIfNez { cond: read, target: target };
        BrIfEqz { cond: read, target: target };
        /// Followed by `len` `Br` entries; the last one is the default target.
        BrTable { index: read, len: u32 };
        /// `BrTable` on `index + imm` (32-bit wrapping): the fused `i32.add x, C; br_table` of
        /// C `switch` statements whose cases do not start at 0.
        BrTableAddImm { index: read, len: u32, imm: i32 };
        /// Moves `count` results starting at `src` to the frame's first slots and returns.
        Return { src: results(count), count: u32 };
        /// Calls module function `func`; arguments start at `base`, results land there too.
        Call { func: index, base: args };
        /// Followed by `Aux { a: table, b: 0 }`.
        CallIndirect { ty: index, index: read, base: args } aux { table: index };
        /// Tail call: `count` arguments starting at `base` replace the current frame.
        ReturnCall { func: index, base: args, count: u32 };
        /// Followed by `Aux { a: table, b: argument count }`.
        ReturnCallIndirect { ty: index, index: read, base: args } aux { table: index, count: u32 };

        // ---- data movement ----
        Copy { dst: def, src: read };
        Const { dst: def, val: u64 };
        /// `dst = cond != 0 ? a : b`; followed by `Aux { a: cond, b: 0 }`.
        Select { dst: def, a: read, b: read } aux { cond: read };
        /// Reads global `global` of the module's index space through the instance's table of store
        /// indices: what imported globals use (defined ones use `GlobalGetOwn`).
        GlobalGet { dst: def, global: index };
        GlobalSet { src: read, global: index };
        /// Reads one of the instance's *defined* globals. They are contiguous in the store, so this
        /// is one access relative to the first of them (`Exec::own_globals`): `offset` is the
        /// defined global's index (module index minus imported globals) times [`GLOBAL_STRIDE`],
        /// scaled here so the access needs no multiplication.
        GlobalGetOwn { dst: def, offset: index };
        GlobalSetOwn { src: read, offset: index };
        /// `global.set $dst (global.get $src)` of two defined globals (offsets as in `GlobalGetOwn`).
        GlobalCopyOwn { dst: index, src: index };
        /// `global.set $g (i32.add (global.get $g) (i32.const imm))` of a defined global: adds to
        /// the global in place and leaves the new value in `dst` too.
        GlobalAddImm32Own { dst: out, offset: index, imm: i32 };
        /// The same for an i64 global.
        GlobalAddImm64Own { dst: out, offset: index, imm: i32 };

        // ---- linear memory (memory 0) ----
        Load32 { dst: def, addr: read, offset: u32 };
        Load64 { dst: def, addr: read, offset: u32 };
        Load8S { dst: def, addr: read, offset: u32 };
        Load8U { dst: def, addr: read, offset: u32 };
        Load16S { dst: def, addr: read, offset: u32 };
        Load16U { dst: def, addr: read, offset: u32 };
        /// `i32.load8_s`/`i32.load16_s` sign-extend to 64 bits too, which is a valid i32 cell, so only
        /// `i64.load32_s` needs its own variant.
        Load32S { dst: def, addr: read, offset: u32 };
        // A load from `base + imm` (32-bit wrapping sum, as `i32.add`) with offset 0: the pair
        // `i32.add x, C; load` that C compilers emit for arrays at fixed addresses.
        Load32AddImm { dst: def, base: read, imm: i32 };
        Load64AddImm { dst: def, base: read, imm: i32 };
        Load8SAddImm { dst: def, base: read, imm: i32 };
        Load8UAddImm { dst: def, base: read, imm: i32 };
        Load16SAddImm { dst: def, base: read, imm: i32 };
        Load16UAddImm { dst: def, base: read, imm: i32 };
        Load32SAddImm { dst: def, base: read, imm: i32 };
        /// A load from `(base << shift) + imm` (32-bit wrapping, as `I32ShlAddImm`) with offset 0:
        /// `a[i]` of an array at a fixed address.
        Load32ShlAddImm { shift: u8, dst: def, base: read, imm: i32 };
        Load64ShlAddImm { shift: u8, dst: def, base: read, imm: i32 };
        /// A load from `lhs + rhs` (32-bit wrapping sum of two slots, as `i32.add`) with offset 0:
        /// a base pointer plus an index kept in locals.
        Load32Add { dst: def, lhs: read, rhs: read };
        Load64Add { dst: def, lhs: read, rhs: read };
        Store8 { addr: read, src: read, offset: u32 };
        Store16 { addr: read, src: read, offset: u32 };
        Store32 { addr: read, src: read, offset: u32 };
        Store64 { addr: read, src: read, offset: u32 };
        /// A store to `base + imm` (32-bit wrapping sum, as `i32.add`) with offset 0: the pair
        /// `i32.add x, C; store` (the store's value a local or constant, so nothing comes between).
        Store8AddImm { base: read, src: read, imm: i32 };
        Store16AddImm { base: read, src: read, imm: i32 };
        Store32AddImm { base: read, src: read, imm: i32 };
        Store64AddImm { base: read, src: read, imm: i32 };
        MemorySize { dst: def };
        MemoryGrow { dst: out, delta: read };
        MemoryFill { dst: read, val: read, len: read };
        MemoryCopy { dst: read, src: read, len: read };
        /// Followed by `Aux { a: data segment, b: 0 }`.
        MemoryInit { dst: read, src: read, len: read } aux { data: index };
        DataDrop { data: index };

        // ---- tables and references ----
        TableGet { dst: def, index: read, table: index };
        TableSet { index: read, val: read, table: index };
        TableSize { dst: def, table: index };
        /// Followed by `Aux { a: table, b: 0 }`.
        TableGrow { dst: out, init: read, delta: read } aux { table: index };
        /// Followed by `Aux { a: table, b: 0 }`.
        TableFill { dst: read, val: read, len: read } aux { table: index };
        /// Followed by `Aux { a: destination table, b: source table }`.
        TableCopy { dst: read, src: read, len: read } aux { dst_table: index, src_table: index };
        /// Followed by `Aux { a: table, b: element segment }`.
        TableInit { dst: read, src: read, len: read } aux { table: index, elem: index };
        ElemDrop { elem: index };
        RefFunc { dst: def, func: index };
        /// Also `ref.is_null`: null references are the zero cell.
        I64Eqz { dst: def, src: read };

        // ---- i32 ----
        I32Eqz { dst: def, src: read };
        I32Eq { dst: def, lhs: read, rhs: read };
        I32Ne { dst: def, lhs: read, rhs: read };
        I32LtS { dst: def, lhs: read, rhs: read };
        I32LtU { dst: def, lhs: read, rhs: read };
        I32GtS { dst: def, lhs: read, rhs: read };
        I32GtU { dst: def, lhs: read, rhs: read };
        I32LeS { dst: def, lhs: read, rhs: read };
        I32LeU { dst: def, lhs: read, rhs: read };
        I32GeS { dst: def, lhs: read, rhs: read };
        I32GeU { dst: def, lhs: read, rhs: read };
        I32Clz { dst: def, src: read };
        I32Ctz { dst: def, src: read };
        I32Popcnt { dst: def, src: read };
        I32Add { dst: def, lhs: read, rhs: read };
        I32Sub { dst: def, lhs: read, rhs: read };
        I32Mul { dst: def, lhs: read, rhs: read };
        I32DivS { dst: def, lhs: read, rhs: read };
        I32DivU { dst: def, lhs: read, rhs: read };
        I32RemS { dst: def, lhs: read, rhs: read };
        I32RemU { dst: def, lhs: read, rhs: read };
        I32And { dst: def, lhs: read, rhs: read };
        I32Or { dst: def, lhs: read, rhs: read };
        I32Xor { dst: def, lhs: read, rhs: read };
        I32Shl { dst: def, lhs: read, rhs: read };
        I32ShrS { dst: def, lhs: read, rhs: read };
        I32ShrU { dst: def, lhs: read, rhs: read };
        I32Rotl { dst: def, lhs: read, rhs: read };
        I32Rotr { dst: def, lhs: read, rhs: read };

        // ---- i64 ----
        I64Eq { dst: def, lhs: read, rhs: read };
        I64Ne { dst: def, lhs: read, rhs: read };
        I64LtS { dst: def, lhs: read, rhs: read };
        I64LtU { dst: def, lhs: read, rhs: read };
        I64GtS { dst: def, lhs: read, rhs: read };
        I64GtU { dst: def, lhs: read, rhs: read };
        I64LeS { dst: def, lhs: read, rhs: read };
        I64LeU { dst: def, lhs: read, rhs: read };
        I64GeS { dst: def, lhs: read, rhs: read };
        I64GeU { dst: def, lhs: read, rhs: read };
        I64Clz { dst: def, src: read };
        I64Ctz { dst: def, src: read };
        I64Popcnt { dst: def, src: read };
        I64Add { dst: def, lhs: read, rhs: read };
        I64Sub { dst: def, lhs: read, rhs: read };
        I64Mul { dst: def, lhs: read, rhs: read };
        I64DivS { dst: def, lhs: read, rhs: read };
        I64DivU { dst: def, lhs: read, rhs: read };
        I64RemS { dst: def, lhs: read, rhs: read };
        I64RemU { dst: def, lhs: read, rhs: read };
        I64And { dst: def, lhs: read, rhs: read };
        I64Or { dst: def, lhs: read, rhs: read };
        I64Xor { dst: def, lhs: read, rhs: read };
        I64Shl { dst: def, lhs: read, rhs: read };
        I64ShrS { dst: def, lhs: read, rhs: read };
        I64ShrU { dst: def, lhs: read, rhs: read };
        I64Rotl { dst: def, lhs: read, rhs: read };
        I64Rotr { dst: def, lhs: read, rhs: read };

        // ---- f32 ----
        F32Eq { dst: def, lhs: read, rhs: read };
        F32Ne { dst: def, lhs: read, rhs: read };
        F32Lt { dst: def, lhs: read, rhs: read };
        F32Gt { dst: def, lhs: read, rhs: read };
        F32Le { dst: def, lhs: read, rhs: read };
        F32Ge { dst: def, lhs: read, rhs: read };
        F32Abs { dst: def, src: read };
        F32Neg { dst: def, src: read };
        F32Ceil { dst: def, src: read };
        F32Floor { dst: def, src: read };
        F32Trunc { dst: def, src: read };
        F32Nearest { dst: def, src: read };
        F32Sqrt { dst: def, src: read };
        F32Add { dst: def, lhs: read, rhs: read };
        F32Sub { dst: def, lhs: read, rhs: read };
        F32Mul { dst: def, lhs: read, rhs: read };
        F32Div { dst: def, lhs: read, rhs: read };
        F32Min { dst: def, lhs: read, rhs: read };
        F32Max { dst: def, lhs: read, rhs: read };
        F32Copysign { dst: def, lhs: read, rhs: read };

        // ---- f64 ----
        F64Eq { dst: def, lhs: read, rhs: read };
        F64Ne { dst: def, lhs: read, rhs: read };
        F64Lt { dst: def, lhs: read, rhs: read };
        F64Gt { dst: def, lhs: read, rhs: read };
        F64Le { dst: def, lhs: read, rhs: read };
        F64Ge { dst: def, lhs: read, rhs: read };
        F64Abs { dst: def, src: read };
        F64Neg { dst: def, src: read };
        F64Ceil { dst: def, src: read };
        F64Floor { dst: def, src: read };
        F64Trunc { dst: def, src: read };
        F64Nearest { dst: def, src: read };
        F64Sqrt { dst: def, src: read };
        F64Add { dst: def, lhs: read, rhs: read };
        F64Sub { dst: def, lhs: read, rhs: read };
        F64Mul { dst: def, lhs: read, rhs: read };
        F64Div { dst: def, lhs: read, rhs: read };
        F64Min { dst: def, lhs: read, rhs: read };
        F64Max { dst: def, lhs: read, rhs: read };
        F64Copysign { dst: def, lhs: read, rhs: read };

        // ---- operations with a 32-bit immediate right operand (sign-extended for i64) ----
        /// `dst = (lhs << shift) + imm` (32-bit, wrapping): the fused `i32.shl x, K; i32.add C` of
        /// C array indexing. `shift` comes first so it fills the bytes after the tag (the
        /// instruction stays 16 bytes); it is below 32.
        I32ShlAddImm { shift: u8, dst: def, lhs: read, imm: i32 };
        I32AddImm { dst: def, lhs: read, imm: i32 };
        I32MulImm { dst: def, lhs: read, imm: i32 };
        I32AndImm { dst: def, lhs: read, imm: i32 };
        I32OrImm { dst: def, lhs: read, imm: i32 };
        I32XorImm { dst: def, lhs: read, imm: i32 };
        I32ShlImm { dst: def, lhs: read, imm: i32 };
        I32ShrSImm { dst: def, lhs: read, imm: i32 };
        I32ShrUImm { dst: def, lhs: read, imm: i32 };
        I32EqImm { dst: def, lhs: read, imm: i32 };
        I32NeImm { dst: def, lhs: read, imm: i32 };
        I32LtSImm { dst: def, lhs: read, imm: i32 };
        I32LtUImm { dst: def, lhs: read, imm: i32 };
        I32GtSImm { dst: def, lhs: read, imm: i32 };
        I32GtUImm { dst: def, lhs: read, imm: i32 };
        I32LeSImm { dst: def, lhs: read, imm: i32 };
        I32LeUImm { dst: def, lhs: read, imm: i32 };
        I32GeSImm { dst: def, lhs: read, imm: i32 };
        I32GeUImm { dst: def, lhs: read, imm: i32 };
        I64AddImm { dst: def, lhs: read, imm: i32 };
        I64MulImm { dst: def, lhs: read, imm: i32 };
        I64AndImm { dst: def, lhs: read, imm: i32 };
        I64OrImm { dst: def, lhs: read, imm: i32 };
        I64XorImm { dst: def, lhs: read, imm: i32 };
        I64ShlImm { dst: def, lhs: read, imm: i32 };
        I64ShrSImm { dst: def, lhs: read, imm: i32 };
        I64ShrUImm { dst: def, lhs: read, imm: i32 };
        I64EqImm { dst: def, lhs: read, imm: i32 };
        I64NeImm { dst: def, lhs: read, imm: i32 };
        I64LtSImm { dst: def, lhs: read, imm: i32 };
        I64LtUImm { dst: def, lhs: read, imm: i32 };
        I64GtSImm { dst: def, lhs: read, imm: i32 };
        I64GtUImm { dst: def, lhs: read, imm: i32 };
        I64LeSImm { dst: def, lhs: read, imm: i32 };
        I64LeUImm { dst: def, lhs: read, imm: i32 };
        I64GeSImm { dst: def, lhs: read, imm: i32 };
        I64GeUImm { dst: def, lhs: read, imm: i32 };
        // ---- compare-and-branch: jumps to `target` when the comparison holds ----
        BrI32Eq { lhs: read, rhs: read, target: target };
        BrI32Ne { lhs: read, rhs: read, target: target };
        BrI32LtS { lhs: read, rhs: read, target: target };
        BrI32LtU { lhs: read, rhs: read, target: target };
        BrI32GtS { lhs: read, rhs: read, target: target };
        BrI32GtU { lhs: read, rhs: read, target: target };
        BrI32LeS { lhs: read, rhs: read, target: target };
        BrI32LeU { lhs: read, rhs: read, target: target };
        BrI32GeS { lhs: read, rhs: read, target: target };
        BrI32GeU { lhs: read, rhs: read, target: target };
        BrI32EqImm { lhs: read, imm: i32, target: target };
        BrI32NeImm { lhs: read, imm: i32, target: target };
        BrI32LtSImm { lhs: read, imm: i32, target: target };
        BrI32LtUImm { lhs: read, imm: i32, target: target };
        BrI32GtSImm { lhs: read, imm: i32, target: target };
        BrI32GtUImm { lhs: read, imm: i32, target: target };
        BrI32LeSImm { lhs: read, imm: i32, target: target };
        BrI32LeUImm { lhs: read, imm: i32, target: target };
        BrI32GeSImm { lhs: read, imm: i32, target: target };
        BrI32GeUImm { lhs: read, imm: i32, target: target };
        BrI64Eq { lhs: read, rhs: read, target: target };
        BrI64Ne { lhs: read, rhs: read, target: target };
        BrI64LtS { lhs: read, rhs: read, target: target };
        BrI64LtU { lhs: read, rhs: read, target: target };
        BrI64GtS { lhs: read, rhs: read, target: target };
        BrI64GtU { lhs: read, rhs: read, target: target };
        BrI64LeS { lhs: read, rhs: read, target: target };
        BrI64LeU { lhs: read, rhs: read, target: target };
        BrI64GeS { lhs: read, rhs: read, target: target };
        BrI64GeU { lhs: read, rhs: read, target: target };
        BrI64EqImm { lhs: read, imm: i32, target: target };
        BrI64NeImm { lhs: read, imm: i32, target: target };
        BrI64LtSImm { lhs: read, imm: i32, target: target };
        BrI64LtUImm { lhs: read, imm: i32, target: target };
        BrI64GtSImm { lhs: read, imm: i32, target: target };
        BrI64GtUImm { lhs: read, imm: i32, target: target };
        BrI64LeSImm { lhs: read, imm: i32, target: target };
        BrI64LeUImm { lhs: read, imm: i32, target: target };
        BrI64GeSImm { lhs: read, imm: i32, target: target };
        BrI64GeUImm { lhs: read, imm: i32, target: target };
        /// Jumps when `lhs & imm` is zero (`Eqz`) or not (`Nez`): the fused `and C; eqz; br_if`
        /// (or `and C; br_if`) of a bit test. The i64 forms sign-extend `imm`.
        BrI32AndImmEqz { lhs: read, imm: i32, target: target };
        BrI32AndImmNez { lhs: read, imm: i32, target: target };
        BrI64AndImmEqz { lhs: read, imm: i32, target: target };
        BrI64AndImmNez { lhs: read, imm: i32, target: target };

        // ---- float compare-and-branch (`Not` forms jump when the comparison is false, NaN included) ----
        BrF32Eq { lhs: read, rhs: read, target: target };
        BrF32NotEq { lhs: read, rhs: read, target: target };
        BrF32Ne { lhs: read, rhs: read, target: target };
        BrF32NotNe { lhs: read, rhs: read, target: target };
        BrF32Lt { lhs: read, rhs: read, target: target };
        BrF32NotLt { lhs: read, rhs: read, target: target };
        BrF32Gt { lhs: read, rhs: read, target: target };
        BrF32NotGt { lhs: read, rhs: read, target: target };
        BrF32Le { lhs: read, rhs: read, target: target };
        BrF32NotLe { lhs: read, rhs: read, target: target };
        BrF32Ge { lhs: read, rhs: read, target: target };
        BrF32NotGe { lhs: read, rhs: read, target: target };
        BrF64Eq { lhs: read, rhs: read, target: target };
        BrF64NotEq { lhs: read, rhs: read, target: target };
        BrF64Ne { lhs: read, rhs: read, target: target };
        BrF64NotNe { lhs: read, rhs: read, target: target };
        BrF64Lt { lhs: read, rhs: read, target: target };
        BrF64NotLt { lhs: read, rhs: read, target: target };
        BrF64Gt { lhs: read, rhs: read, target: target };
        BrF64NotGt { lhs: read, rhs: read, target: target };
        BrF64Le { lhs: read, rhs: read, target: target };
        BrF64NotLe { lhs: read, rhs: read, target: target };
        BrF64Ge { lhs: read, rhs: read, target: target };
        BrF64NotGe { lhs: read, rhs: read, target: target };

        // ---- conversions (reinterpretations and i32.wrap_i64 are plain copies) ----
        I64ExtendI32U { dst: def, src: read };
        I32TruncF32S { dst: def, src: read };
        I32TruncF32U { dst: def, src: read };
        I32TruncF64S { dst: def, src: read };
        I32TruncF64U { dst: def, src: read };
        I64TruncF32S { dst: def, src: read };
        I64TruncF32U { dst: def, src: read };
        I64TruncF64S { dst: def, src: read };
        I64TruncF64U { dst: def, src: read };
        I32TruncSatF32S { dst: def, src: read };
        I32TruncSatF32U { dst: def, src: read };
        I32TruncSatF64S { dst: def, src: read };
        I32TruncSatF64U { dst: def, src: read };
        I64TruncSatF32S { dst: def, src: read };
        I64TruncSatF32U { dst: def, src: read };
        I64TruncSatF64S { dst: def, src: read };
        I64TruncSatF64U { dst: def, src: read };
        F32ConvertI32S { dst: def, src: read };
        F32ConvertI32U { dst: def, src: read };
        F32ConvertI64S { dst: def, src: read };
        F32ConvertI64U { dst: def, src: read };
        F64ConvertI32S { dst: def, src: read };
        F64ConvertI32U { dst: def, src: read };
        F64ConvertI64S { dst: def, src: read };
        F64ConvertI64U { dst: def, src: read };
        F32DemoteF64 { dst: def, src: read };
        F64PromoteF32 { dst: def, src: read };
        /// `i32.extend8_s` and `i64.extend8_s` (sign-extending to 64 bits is a valid i32 cell).
        /// `Extend32S` is also `i64.extend_i32_s`.
        Extend8S { dst: def, src: read };
        Extend16S { dst: def, src: read };
        Extend32S { dst: def, src: read };
        }
    };
}
pub(crate) use for_each_instr;

// ---- families ----
//
// Instructions that come in families (an operation in several operand forms) are also listed
// by family, so that the handlers of a family and the translator's fusion tables (engine/fuse)
// are derived from one line each. The instructions themselves are declared above.

/// Integer comparisons with their four instructions: into a slot, against an immediate, and
/// the compare-and-branch forms of both. Both operands are compared as `$t` (an immediate is
/// sign-extended to 64 bits, then cast) with the Rust operator `$op`.
macro_rules! for_each_int_compare {
    ($m:ident) => {
        $m! {
            Eq, false, u32, ==: I32Eq, I32EqImm, BrI32Eq, BrI32EqImm;
            Ne, false, u32, !=: I32Ne, I32NeImm, BrI32Ne, BrI32NeImm;
            LtS, false, i32, <: I32LtS, I32LtSImm, BrI32LtS, BrI32LtSImm;
            LtU, false, u32, <: I32LtU, I32LtUImm, BrI32LtU, BrI32LtUImm;
            GtS, false, i32, >: I32GtS, I32GtSImm, BrI32GtS, BrI32GtSImm;
            GtU, false, u32, >: I32GtU, I32GtUImm, BrI32GtU, BrI32GtUImm;
            LeS, false, i32, <=: I32LeS, I32LeSImm, BrI32LeS, BrI32LeSImm;
            LeU, false, u32, <=: I32LeU, I32LeUImm, BrI32LeU, BrI32LeUImm;
            GeS, false, i32, >=: I32GeS, I32GeSImm, BrI32GeS, BrI32GeSImm;
            GeU, false, u32, >=: I32GeU, I32GeUImm, BrI32GeU, BrI32GeUImm;
            Eq, true, u64, ==: I64Eq, I64EqImm, BrI64Eq, BrI64EqImm;
            Ne, true, u64, !=: I64Ne, I64NeImm, BrI64Ne, BrI64NeImm;
            LtS, true, i64, <: I64LtS, I64LtSImm, BrI64LtS, BrI64LtSImm;
            LtU, true, u64, <: I64LtU, I64LtUImm, BrI64LtU, BrI64LtUImm;
            GtS, true, i64, >: I64GtS, I64GtSImm, BrI64GtS, BrI64GtSImm;
            GtU, true, u64, >: I64GtU, I64GtUImm, BrI64GtU, BrI64GtUImm;
            LeS, true, i64, <=: I64LeS, I64LeSImm, BrI64LeS, BrI64LeSImm;
            LeU, true, u64, <=: I64LeU, I64LeUImm, BrI64LeU, BrI64LeUImm;
            GeS, true, i64, >=: I64GeS, I64GeSImm, BrI64GeS, BrI64GeSImm;
            GeU, true, u64, >=: I64GeU, I64GeUImm, BrI64GeU, BrI64GeUImm;
        }
    };
}
pub(crate) use for_each_int_compare;

/// Float comparisons: into a slot, and the branches taken when the comparison holds and when
/// it does not (NaN included). `$wide`: f64. `$op` is the Rust operator on the float values.
macro_rules! for_each_float_compare {
    ($m:ident) => {
        $m! {
            Eq, false, ==: F32Eq, BrF32Eq, BrF32NotEq;
            Ne, false, !=: F32Ne, BrF32Ne, BrF32NotNe;
            Lt, false, <: F32Lt, BrF32Lt, BrF32NotLt;
            Gt, false, >: F32Gt, BrF32Gt, BrF32NotGt;
            Le, false, <=: F32Le, BrF32Le, BrF32NotLe;
            Ge, false, >=: F32Ge, BrF32Ge, BrF32NotGe;
            Eq, true, ==: F64Eq, BrF64Eq, BrF64NotEq;
            Ne, true, !=: F64Ne, BrF64Ne, BrF64NotNe;
            Lt, true, <: F64Lt, BrF64Lt, BrF64NotLt;
            Gt, true, >: F64Gt, BrF64Gt, BrF64NotGt;
            Le, true, <=: F64Le, BrF64Le, BrF64NotLe;
            Ge, true, >=: F64Ge, BrF64Ge, BrF64NotGe;
        }
    };
}
pub(crate) use for_each_float_compare;

/// Integer operations with an immediate form: the result of `lhs` and `rhs` (both cells, of
/// which an i32 operation reads only the low 32 bits, as every i32 reader does;
/// an immediate is sign-extended to 64 bits), the slot form and the immediate form.
/// `$wide`: the operation is 64-bit, so the immediate form exists only for constants that fit
/// in 32 bits sign-extended.
macro_rules! for_each_int_binary_imm {
    ($m:ident) => {
        $m! {
            false, |a, b| u64::from((a as u32).wrapping_add(b as u32)) => I32Add, I32AddImm;
            false, |a, b| u64::from((a as u32).wrapping_mul(b as u32)) => I32Mul, I32MulImm;
            false, |a, b| a & b => I32And, I32AndImm;
            false, |a, b| a | b => I32Or, I32OrImm;
            false, |a, b| a ^ b => I32Xor, I32XorImm;
            false, |a, b| u64::from((a as u32).wrapping_shl(b as u32)) => I32Shl, I32ShlImm;
            false, |a, b| u64::from((a as i32).wrapping_shr(b as u32) as u32) => I32ShrS, I32ShrSImm;
            false, |a, b| u64::from((a as u32).wrapping_shr(b as u32)) => I32ShrU, I32ShrUImm;
            true, |a, b| a.wrapping_add(b) => I64Add, I64AddImm;
            true, |a, b| a.wrapping_mul(b) => I64Mul, I64MulImm;
            true, |a, b| a & b => I64And, I64AndImm;
            true, |a, b| a | b => I64Or, I64OrImm;
            true, |a, b| a ^ b => I64Xor, I64XorImm;
            true, |a, b| a.wrapping_shl(b as u32) => I64Shl, I64ShlImm;
            true, |a, b| (a as i64).wrapping_shr(b as u32) as u64 => I64ShrS, I64ShrSImm;
            true, |a, b| a.wrapping_shr(b as u32) => I64ShrU, I64ShrUImm;
        }
    };
}
pub(crate) use for_each_int_binary_imm;

/// Loads: bytes read, the cell they make, the `addr + offset` form and the fused
/// `base + imm` form (offset 0, 32-bit wrapping sum).
macro_rules! for_each_load {
    ($m:ident) => {
        $m! {
            4, |b| u64::from(u32::from_le_bytes(b)) => Load32, Load32AddImm;
            8, |b| u64::from_le_bytes(b) => Load64, Load64AddImm;
            1, |b| b[0] as i8 as i64 as u64 => Load8S, Load8SAddImm;
            1, |b| u64::from(b[0]) => Load8U, Load8UAddImm;
            2, |b| i16::from_le_bytes(b) as i64 as u64 => Load16S, Load16SAddImm;
            2, |b| u64::from(u16::from_le_bytes(b)) => Load16U, Load16UAddImm;
            4, |b| i32::from_le_bytes(b) as i64 as u64 => Load32S, Load32SAddImm;
        }
    };
}
pub(crate) use for_each_load;

/// Stores: bytes written, how they are taken from the cell, and the two address forms as for
/// loads.
macro_rules! for_each_store {
    ($m:ident) => {
        $m! {
            1, |v| [v as u8] => Store8, Store8AddImm;
            2, |v| (v as u16).to_le_bytes() => Store16, Store16AddImm;
            4, |v| (v as u32).to_le_bytes() => Store32, Store32AddImm;
            8, |v| v.to_le_bytes() => Store64, Store64AddImm;
        }
    };
}
pub(crate) use for_each_store;

/// The Rust type of an operand role.
macro_rules! role_ty {
    (def) => {
        Slot
    };
    (out) => {
        Slot
    };
    (read) => {
        Slot
    };
    (update) => {
        Slot
    };
    (args) => {
        Slot
    };
    (results) => {
        Slot
    };
    (target) => {
        Target
    };
    (index) => {
        u32
    };
    (u8) => {
        u8
    };
    (u32) => {
        u32
    };
    (i32) => {
        i32
    };
    (u64) => {
        u64
    };
}

/// Passes a slot or target operand to an operand visitor; immediates and indices have none.
macro_rules! visit_role {
    ($f:ident, def, $x:expr) => {
        $f(OperandMut::Def($x))
    };
    ($f:ident, out, $x:expr) => {
        $f(OperandMut::Out($x))
    };
    ($f:ident, read, $x:expr) => {
        $f(OperandMut::Read($x))
    };
    ($f:ident, update, $x:expr) => {
        $f(OperandMut::Update($x))
    };
    ($f:ident, args, $x:expr) => {
        $f(OperandMut::Args($x))
    };
    ($f:ident, results($n:ident), $x:expr) => {
        $f(OperandMut::Results($x, *$n))
    };
    ($f:ident, target, $x:expr) => {
        $f(OperandMut::Target($x))
    };
    ($f:ident, $other:ident, $x:expr) => {
        ()
    };
}

/// `return Some($x)` when `$x` has the role `$want`.
macro_rules! return_if_role {
    (def, def, $x:ident) => {
        return Some($x)
    };
    (target, target, $x:ident) => {
        return Some($x)
    };
    ($want:ident, $role:ident $(($n:ident))?, $x:ident) => {
        ()
    };
}

/// The two words of an `Aux` from its one or two fields.
macro_rules! aux_words {
    ($a:expr) => {
        ($a, 0)
    };
    ($a:expr, $b:expr) => {
        ($a, $b)
    };
}

/// Binds an `Aux`'s one or two fields from its words `$a` and `$b`.
macro_rules! aux_fields {
    ($a:ident, $b:ident; $x:ident) => {
        let $x = super::AuxField::from_word($a);
    };
    ($a:ident, $b:ident; $x:ident, $y:ident) => {
        let $x = super::AuxField::from_word($a);
        let $y = super::AuxField::from_word($b);
    };
}

/// Derives the instruction set from [`for_each_instr!`]'s list.
macro_rules! define_instrs {
    ($(
        $(#[$attr:meta])*
        $name:ident { $($f:ident : $role:ident $(($n:ident))?),* $(,)? }
        $(aux { $($af:ident : $arole:ident),* $(,)? })?
    ;)*) => {
        /// One instruction of the IR (see the module documentation).
        ///
        /// `repr(u16)`: the interpreter reads the tag directly to index its handler table.
        #[derive(Clone, Copy, PartialEq)]
        #[repr(u16)]
        pub(crate) enum Instr {
            $( $(#[$attr])* $name { $($f: role_ty!($role)),* }, )*
        }

        /// Number of instructions, which is the number of tags: `0..COUNT`, in list order.
        pub(crate) const COUNT: usize = [$(stringify!($name)),*].len();

        /// The fields of the `Aux` word that follows an instruction, one type per instruction
        /// that has one, named after it.
        pub(crate) mod aux {
            #![allow(non_camel_case_types)]
            use super::{Instr, Slot};
            $($(
                #[doc = concat!("The `Aux` word of [`Instr::", stringify!($name), "`].")]
                #[derive(Clone, Copy, PartialEq, Debug)]
                pub(crate) struct $name { $(pub(crate) $af: role_ty!($arole)),* }

                impl $name {
                    /// The `Aux` instruction carrying these fields.
                    #[inline(always)]
                    pub(crate) fn word(self) -> Instr {
                        let $name { $($af),* } = self;
                        let (a, b) = aux_words!($(super::AuxField::to_word($af)),*);
                        Instr::Aux { a, b }
                    }

                    /// The fields, from the two words of an `Aux`.
                    #[inline(always)]
                    #[allow(unused_variables)]
                    pub(crate) fn from_words(a: u32, b: u32) -> Self {
                        aux_fields!(a, b; $($af),*);
                        $name { $($af),* }
                    }
                }
            )?)*
        }

        impl Instr {
            /// Whether an `Aux` word follows this instruction.
            pub(crate) const fn has_aux(&self) -> bool {
                match self {
                    $( Instr::$name { .. } => {
                        let fields: &[&str] = &[$($(stringify!($af)),*)?];
                        !fields.is_empty()
                    } )*
                }
            }

            /// Calls `f` on every slot and branch-target operand, with its role; when `aux` is
            /// the `Aux` word that follows this instruction, on the slots it carries too.
            pub(crate) fn for_each_operand_mut(
                &mut self,
                aux: Option<&mut Instr>,
                mut f: impl FnMut(OperandMut<'_>),
            ) {
                match self {
                    $(
                        #[allow(unused_variables)]
                        Instr::$name { $($f),* } => {
                            $( visit_role!(f, $role $(($n))?, $f); )*
                            $(
                                if let Some(Instr::Aux { a, b }) = aux {
                                    #[allow(unused_mut)]
                                    let aux::$name { $(mut $af),* } = aux::$name::from_words(*a, *b);
                                    $( visit_role!(f, $arole, (&mut $af)); )*
                                    (*a, *b) = aux_words!($(AuxField::to_word($af)),*);
                                }
                            )?
                        }
                    )*
                }
            }

            /// The output slot, for instructions whose only effect is writing one slot from their
            /// inputs (role `def`): the translator may redirect such an output into a local.
            /// Trapping instructions count too: a trap ends the function, so no one can observe
            /// that the local was the destination rather than a temporary.
            pub(crate) fn result_slot_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $(
                        #[allow(unused_variables, unreachable_code)]
                        Instr::$name { $($f),* } => {
                            $( return_if_role!(def, $role $(($n))?, $f); )*
                            None
                        }
                    )*
                }
            }

            /// The branch target, for every instruction that jumps (one target at most).
            pub(crate) fn branch_target_mut(&mut self) -> Option<&mut Target> {
                match self {
                    $(
                        #[allow(unused_variables, unreachable_code)]
                        Instr::$name { $($f),* } => {
                            $( return_if_role!(target, $role $(($n))?, $f); )*
                            None
                        }
                    )*
                }
            }

            /// Writes the fields of `aux`, the `Aux` word following this instruction, by name.
            pub(crate) fn fmt_aux(&self, aux: &Instr, out: &mut fmt::Formatter<'_>) -> fmt::Result {
                let Instr::Aux { a, b } = *aux else {
                    return write!(out, "(missing aux: {aux})");
                };
                match self {
                    $(
                        #[allow(unreachable_code)]
                        Instr::$name { .. } => {
                            $(
                                let aux::$name { $($af),* } = aux::$name::from_words(a, b);
                                out.write_str("aux")?;
                                $( write!(out, concat!(" ", stringify!($af), "={}"), $af)?; )*
                                return Ok(());
                            )?
                            write!(out, "{aux}")
                        }
                    )*
                }
            }
        }

        impl fmt::Display for Instr {
            /// The name and each operand as `name=value` (slots `s3`, targets `@+2`).
            fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(
                        Instr::$name { $($f),* } => {
                            out.write_str(stringify!($name))?;
                            $( write!(out, concat!(" ", stringify!($f), "={}"), $f)?; )*
                            Ok(())
                        }
                    )*
                }
            }
        }
    };
}

/// A slot or branch-target operand, by role (see the module documentation).
pub(crate) enum OperandMut<'a> {
    Def(&'a mut Slot),
    Out(&'a mut Slot),
    Read(&'a mut Slot),
    Update(&'a mut Slot),
    Args(&'a mut Slot),
    /// The first of a range of slots, and the range's length.
    Results(&'a mut Slot, u32),
    Target(&'a mut Target),
}

/// A field of an `Aux` word: 32 bits.
pub(crate) trait AuxField: Copy {
    fn to_word(self) -> u32;
    fn from_word(word: u32) -> Self;
}

impl AuxField for u32 {
    fn to_word(self) -> u32 {
        self
    }
    fn from_word(word: u32) -> Self {
        word
    }
}

impl AuxField for Slot {
    fn to_word(self) -> u32 {
        self.0
    }
    fn from_word(word: u32) -> Self {
        Slot(word)
    }
}

for_each_instr!(define_instrs);

impl fmt::Debug for Instr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A function's instructions, one per line with its index; an `Aux` word is shown with the
/// field names its instruction gives it.
pub(crate) struct Listing<'a>(pub(crate) &'a [Instr]);

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut owner: Option<&Instr> = None;
        for (pc, instr) in self.0.iter().enumerate() {
            write!(f, "  {pc:4}: ")?;
            match owner.take() {
                Some(owner) => owner.fmt_aux(instr, f)?,
                None => write!(f, "{instr}")?,
            }
            writeln!(f)?;
            if instr.has_aux() {
                owner = Some(instr);
            }
        }
        Ok(())
    }
}

// Keep the instruction compact: it is the unit the dispatch loop streams through.
const _: () = assert!(core::mem::size_of::<Instr>() <= 16);
// Every tag fits the handler table's index type.
const _: () = assert!(COUNT <= u16::MAX as usize);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn aux_words_round_trip_by_field_name() {
        let word = aux::TableCopy {
            dst_table: 3,
            src_table: 7,
        }
        .word();
        assert_eq!(word, Instr::Aux { a: 3, b: 7 });
        let aux::TableCopy {
            dst_table,
            src_table,
        } = aux::TableCopy::from_words(3, 7);
        assert_eq!((dst_table, src_table), (3, 7));
        assert_eq!(
            aux::Select { cond: Slot(5) }.word(),
            Instr::Aux { a: 5, b: 0 }
        );
    }

    #[test]
    fn visitors_see_every_slot_and_target_with_its_role() {
        let mut select = Instr::Select {
            dst: Slot(1),
            a: Slot(2),
            b: Slot(3),
        };
        let mut cond = aux::Select { cond: Slot(4) }.word();
        let mut seen = alloc::vec::Vec::new();
        select.for_each_operand_mut(Some(&mut cond), |op| {
            seen.push(match op {
                OperandMut::Def(s) => ('d', s.index()),
                OperandMut::Read(s) => {
                    s.0 += 10;
                    ('r', s.index() - 10)
                }
                _ => ('?', 0),
            })
        });
        assert_eq!(seen, [('d', 1), ('r', 2), ('r', 3), ('r', 4)]);
        // The visitor's writes reach the instruction and its Aux word.
        assert_eq!(cond, Instr::Aux { a: 14, b: 0 });
        assert_eq!(select.to_string(), "Select dst=s1 a=s12 b=s13");

        let mut ret = Instr::Return {
            src: Slot(6),
            count: 2,
        };
        let mut ranges = alloc::vec::Vec::new();
        ret.for_each_operand_mut(None, |op| {
            if let OperandMut::Results(s, n) = op {
                ranges.push((s.index(), n));
            }
        });
        assert_eq!(ranges, [(6, 2)]);

        let mut br = Instr::BrI32LtSImm {
            lhs: Slot(0),
            imm: -1,
            target: Target::at(9),
        };
        assert_eq!(br.branch_target_mut().map(|t| t.index()), Some(9));
        assert!(br.result_slot_mut().is_none());
        let mut grow = Instr::MemoryGrow {
            dst: Slot(0),
            delta: Slot(1),
        };
        assert!(
            grow.result_slot_mut().is_none(),
            "`out` is never redirected"
        );
    }

    #[test]
    fn listing_names_aux_fields() {
        let code = [
            Instr::CallIndirect {
                ty: 2,
                index: Slot(1),
                base: Slot(3),
            },
            aux::CallIndirect { table: 0 }.word(),
            Instr::Br {
                target: Target::distance(-32),
            },
        ];
        assert_eq!(
            Listing(&code).to_string(),
            "     0: CallIndirect ty=2 index=s1 base=s3\n     1: aux table=0\n     2: Br target=@-2\n"
        );
    }
}
