//! A deterministic generator of a large module for start-up measurements: thousands of
//! varied functions (arithmetic of every numeric type, loads and stores, globals, `if`,
//! bounded loops, `br_table`, direct and indirect calls) until the code section reaches a
//! target size.
//!
//! The module is generated at run time (about a second in release) rather than committed:
//! it is a pure function of the seed and the size, so every run measures the same bytes.
//!
//! Every function terminates and never traps: loops count down from a small constant,
//! calls only go to functions of the tier below (tier = index mod 4, so call chains are at
//! most three deep and no call sits in a loop), divisors are or-ed with 1, float-to-int
//! conversions saturate, and addresses are masked into the first 64 KiB page. Floats are
//! never stored, so NaN payloads (which may differ between engines) never reach memory.

use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataSection, ElementSection, Elements, ExportKind,
    ExportSection, Function, FunctionSection, GlobalSection, GlobalType, InstructionSink, MemArg,
    MemArgTarget, MemorySection, MemoryType, Module, RefType, TableSection, TableType, TypeSection,
    ValType,
};

use crate::engines::Scalar;

/// Signatures of the generated functions; the index is the type index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sig {
    /// (i32, i32) -> i32
    I32,
    /// (i64, i32) -> i64
    I64,
    /// (f64, i32) -> f64
    F64,
    /// (i32) -> i64
    Narrow,
}

const SIGS: [Sig; 4] = [Sig::I32, Sig::I64, Sig::F64, Sig::Narrow];

impl Sig {
    fn index(self) -> u32 {
        SIGS.iter().position(|s| *s == self).unwrap_or(0) as u32
    }

    fn params(self) -> &'static [ValType] {
        match self {
            Sig::I32 => &[ValType::I32, ValType::I32],
            Sig::I64 => &[ValType::I64, ValType::I32],
            Sig::F64 => &[ValType::F64, ValType::I32],
            Sig::Narrow => &[ValType::I32],
        }
    }

    fn result(self) -> ValType {
        match self {
            Sig::I32 => ValType::I32,
            Sig::I64 | Sig::Narrow => ValType::I64,
            Sig::F64 => ValType::F64,
        }
    }

    /// Arguments for calling an export from the host, varied by `seed`.
    pub fn args(self, seed: u32) -> Vec<Scalar> {
        let i = seed as i32;
        self.params()
            .iter()
            .enumerate()
            .map(|(k, ty)| match ty {
                ValType::I32 => Scalar::I32(i.wrapping_mul(7919).wrapping_add(k as i32 * 31)),
                ValType::I64 => Scalar::I64(i64::from(i).wrapping_mul(0x0123_4567_89ab)),
                _ => Scalar::F64((f64::from(i) * 0.5 + 0.25).to_bits()),
            })
            .collect()
    }
}

/// The generated module and what it holds.
pub struct Generated {
    pub bytes: Vec<u8>,
    pub functions: u32,
    pub code_bytes: usize,
    /// Exported functions, to call after instantiation.
    pub exports: Vec<(String, Sig)>,
}

/// Functions calling through the table go to these many tier-0 `Sig::I32` functions.
const TABLE_LEN: u32 = 64;
/// Local layout after the parameters: i32 locals, i64 locals, f64 locals, then the
/// loop counter (an i32 only loops touch).
const EXTRA_I32: u32 = 2;
const EXTRA_I64: u32 = 2;
const EXTRA_F64: u32 = 2;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u32) -> u32 {
        (((self.next() >> 32) * u64::from(n)) >> 32) as u32
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
}

/// Generates a module whose code section holds at least `target_code_bytes`.
pub fn generate(target_code_bytes: usize, seed: u64) -> Generated {
    let mut rng = Rng(seed);
    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut exports = ExportSection::new();
    let mut exported = Vec::new();
    // Already generated functions by tier and signature: callees for the next tier.
    let mut by_tier: [[Vec<u32>; 4]; 4] = Default::default();
    let mut table: Vec<u32> = Vec::new();
    let mut code_bytes = 0usize;
    let mut index = 0u32;
    while code_bytes < target_code_bytes {
        let sig = SIGS[rng.below(4) as usize];
        let tier = index % 4;
        let mut gen = FuncGen {
            rng: &mut rng,
            sig,
            callees: if tier == 0 {
                None
            } else {
                Some(&by_tier[tier as usize - 1])
            },
            table_ready: table.len() as u32 == TABLE_LEN,
            calls_left: 3,
            in_loop: false,
        };
        let func = gen.function();
        code_bytes += func.byte_len();
        functions.function(sig.index());
        code.function(&func);
        if index.is_multiple_of(13) {
            let name = format!("f{index}");
            exports.export(&name, ExportKind::Func, index);
            exported.push((name, sig));
        }
        if tier == 0 && sig == Sig::I32 && (table.len() as u32) < TABLE_LEN {
            table.push(index);
        }
        let list = &mut by_tier[tier as usize][sig.index() as usize];
        list.push(index);
        index += 1;
    }
    exports.export("memory", ExportKind::Memory, 0);

    let mut types = TypeSection::new();
    for sig in SIGS {
        types
            .ty()
            .function(sig.params().iter().copied(), [sig.result()]);
    }
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        minimum: u64::from(TABLE_LEN),
        maximum: Some(u64::from(TABLE_LEN)),
        table64: false,
        shared: false,
    });
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: Some(1),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut globals = GlobalSection::new();
    let mutable = |val_type| GlobalType {
        val_type,
        mutable: true,
        shared: false,
    };
    globals.global(mutable(ValType::I32), &ConstExpr::i32_const(0x1234_5678));
    globals.global(
        mutable(ValType::I64),
        &ConstExpr::i64_const(-0x0123_4567_89ab),
    );
    let mut elements = ElementSection::new();
    elements.active(
        Some(0),
        &ConstExpr::i32_const(0),
        Elements::Functions(table.into()),
    );
    let mut data = DataSection::new();
    let init: Vec<u8> = (0..1024).map(|_| rng.next() as u8).collect();
    data.active(0, &ConstExpr::i32_const(0), init);

    let mut module = Module::new();
    module
        .section(&types)
        .section(&functions)
        .section(&tables)
        .section(&memories)
        .section(&globals)
        .section(&exports)
        .section(&elements)
        .section(&code)
        .section(&data);
    Generated {
        bytes: module.finish(),
        functions: index,
        code_bytes,
        exports: exported,
    }
}

struct FuncGen<'a> {
    rng: &'a mut Rng,
    sig: Sig,
    callees: Option<&'a [Vec<u32>; 4]>,
    table_ready: bool,
    calls_left: u32,
    in_loop: bool,
}

const MAX_EXPR_DEPTH: u32 = 3;
const MAX_NESTING: u32 = 2;

/// An instruction without immediates, as [`InstructionSink`] writes it.
type Op<'a> = for<'s> fn(&'s mut InstructionSink<'a>) -> &'s mut InstructionSink<'a>;

/// The types of an instruction's operands, and the instruction.
type Form<'a> = (&'static [ValType], Op<'a>);

const I32: ValType = ValType::I32;
const I64: ValType = ValType::I64;
const F64: ValType = ValType::F64;

fn mem(offset: u64, align: u32) -> MemArg {
    MemArg {
        offset,
        align,
        target: MemArgTarget::Memory(0),
        ordering: None,
    }
}

impl FuncGen<'_> {
    fn function(&mut self) -> Function {
        let mut func = Function::new([
            (EXTRA_I32, ValType::I32),
            (EXTRA_I64, ValType::I64),
            (EXTRA_F64, ValType::F64),
            (1, ValType::I32),
        ]);
        let mut sink = func.instructions();
        let statements = 3 + self.rng.below(10);
        for _ in 0..statements {
            self.statement(&mut sink, 0);
        }
        self.expr(&mut sink, self.sig.result(), MAX_EXPR_DEPTH);
        sink.end();
        func
    }

    fn params(&self) -> u32 {
        self.sig.params().len() as u32
    }

    fn counter(&self) -> u32 {
        self.params() + EXTRA_I32 + EXTRA_I64 + EXTRA_F64
    }

    /// A random local of type `ty` (parameters included, the loop counter excluded).
    fn local(&mut self, ty: ValType) -> u32 {
        let mut candidates: Vec<u32> = self
            .sig
            .params()
            .iter()
            .enumerate()
            .filter(|(_, t)| **t == ty)
            .map(|(i, _)| i as u32)
            .collect();
        let base = self.params();
        let (start, count) = match ty {
            ValType::I32 => (base, EXTRA_I32),
            ValType::I64 => (base + EXTRA_I32, EXTRA_I64),
            _ => (base + EXTRA_I32 + EXTRA_I64, EXTRA_F64),
        };
        candidates.extend(start..start + count);
        candidates[self.rng.below(candidates.len() as u32) as usize]
    }

    fn statement(&mut self, sink: &mut InstructionSink<'_>, nesting: u32) {
        let depth = 1 + self.rng.below(MAX_EXPR_DEPTH);
        let nested = nesting < MAX_NESTING;
        match self.rng.below(20) {
            0..=7 => {
                let ty = self.any_type();
                self.expr(sink, ty, depth);
                let local = self.local(ty);
                sink.local_set(local);
            }
            8 | 9 => {
                if self.rng.chance(50) {
                    self.expr(sink, ValType::I32, depth);
                    sink.global_set(0);
                } else {
                    self.expr(sink, ValType::I64, depth);
                    sink.global_set(1);
                }
            }
            10..=12 => {
                self.address(sink, depth);
                let offset = u64::from(self.rng.below(16));
                match self.rng.below(4) {
                    0 => {
                        self.expr(sink, ValType::I32, depth);
                        sink.i32_store(mem(offset, 2));
                    }
                    1 => {
                        self.expr(sink, ValType::I64, depth);
                        sink.i64_store(mem(offset, 3));
                    }
                    2 => {
                        self.expr(sink, ValType::I32, depth);
                        sink.i32_store8(mem(offset, 0));
                    }
                    _ => {
                        self.expr(sink, ValType::I64, depth);
                        sink.i64_store16(mem(offset, 1));
                    }
                }
            }
            13 | 14 if nested => {
                self.expr(sink, ValType::I32, depth);
                sink.if_(BlockType::Empty);
                self.statements(sink, nesting + 1);
                if self.rng.chance(60) {
                    sink.else_();
                    self.statements(sink, nesting + 1);
                }
                sink.end();
            }
            15 | 16 if nested && !self.in_loop => {
                let counter = self.counter();
                sink.i32_const(1 + self.rng.below(8) as i32);
                sink.local_set(counter);
                sink.loop_(BlockType::Empty);
                self.in_loop = true;
                self.statements(sink, nesting + 1);
                self.in_loop = false;
                sink.local_get(counter);
                sink.i32_const(1);
                sink.i32_sub();
                sink.local_tee(counter);
                sink.br_if(0);
                sink.end();
            }
            17 if nested => {
                // block $exit (block $one (block $zero (br_table $zero $one $exit ...)))
                sink.block(BlockType::Empty);
                sink.block(BlockType::Empty);
                sink.block(BlockType::Empty);
                self.expr(sink, ValType::I32, depth);
                let targets: Vec<u32> = (0..2 + self.rng.below(4))
                    .map(|_| self.rng.below(3))
                    .collect();
                sink.br_table(targets, 2);
                sink.end();
                self.statements(sink, nesting + 1);
                sink.br(1);
                sink.end();
                self.statements(sink, nesting + 1);
                sink.end();
            }
            18 if nested => {
                sink.block(BlockType::Empty);
                self.statements(sink, nesting + 1);
                self.expr(sink, ValType::I32, depth);
                sink.br_if(0);
                self.statements(sink, nesting + 1);
                sink.end();
            }
            _ => {
                let ty = self.any_type();
                self.expr(sink, ty, depth);
                let local = self.local(ty);
                sink.local_tee(local);
                sink.drop();
            }
        }
    }

    fn statements(&mut self, sink: &mut InstructionSink<'_>, nesting: u32) {
        for _ in 0..1 + self.rng.below(3) {
            self.statement(sink, nesting);
        }
    }

    fn any_type(&mut self) -> ValType {
        match self.rng.below(5) {
            0 | 1 => ValType::I32,
            2 | 3 => ValType::I64,
            _ => ValType::F64,
        }
    }

    /// An address in `0..65504`, leaving room for a 16-byte offset and an 8-byte access.
    fn address(&mut self, sink: &mut InstructionSink<'_>, depth: u32) {
        self.expr(sink, ValType::I32, depth.saturating_sub(1));
        sink.i32_const(0xffe0);
        sink.i32_and();
    }

    /// A direct or indirect call returning `ty`, if one is allowed here.
    fn call(&mut self, sink: &mut InstructionSink<'_>, ty: ValType, depth: u32) -> bool {
        if self.in_loop || self.calls_left == 0 || depth == 0 {
            return false;
        }
        let Some(callees) = self.callees else {
            return false;
        };
        if ty == ValType::I32 && self.table_ready && self.rng.chance(30) {
            self.calls_left -= 1;
            for param in Sig::I32.params() {
                self.expr(sink, *param, depth - 1);
            }
            self.expr(sink, ValType::I32, depth - 1);
            sink.i32_const(TABLE_LEN as i32);
            sink.i32_rem_u();
            sink.call_indirect(0, Sig::I32.index());
            return true;
        }
        let sigs: Vec<Sig> = SIGS
            .into_iter()
            .filter(|s| s.result() == ty && !callees[s.index() as usize].is_empty())
            .collect();
        if sigs.is_empty() {
            return false;
        }
        let sig = sigs[self.rng.below(sigs.len() as u32) as usize];
        let list = &callees[sig.index() as usize];
        // Prefer recent functions, so calls spread over the whole module.
        let window = list.len().min(256) as u32;
        let callee = list[list.len() - 1 - self.rng.below(window) as usize];
        self.calls_left -= 1;
        for param in sig.params() {
            self.expr(sink, *param, depth - 1);
        }
        sink.call(callee);
        true
    }

    fn expr(&mut self, sink: &mut InstructionSink<'_>, ty: ValType, depth: u32) {
        if depth == 0 || self.rng.chance(20) {
            return self.leaf(sink, ty);
        }
        let d = depth - 1;
        let choice = self.rng.below(16);
        if choice == 15 && self.call(sink, ty, depth) {
            return;
        }
        match ty {
            ValType::I32 => self.expr_i32(sink, choice, d),
            ValType::I64 => self.expr_i64(sink, choice, d),
            _ => self.expr_f64(sink, choice, d),
        }
    }

    fn leaf(&mut self, sink: &mut InstructionSink<'_>, ty: ValType) {
        match (self.rng.below(3), ty) {
            (0, ValType::I32) => {
                sink.i32_const(self.rng.next() as i32 >> self.rng.below(32));
            }
            (0, ValType::I64) => {
                sink.i64_const(self.rng.next() as i64 >> self.rng.below(64));
            }
            (0, _) => {
                sink.f64_const(((f64::from(self.rng.below(2000)) - 1000.0) / 8.0).into());
            }
            (1, ValType::I32) => {
                sink.global_get(0);
            }
            (1, ValType::I64) => {
                sink.global_get(1);
            }
            _ => {
                let local = self.local(ty);
                sink.local_get(local);
            }
        }
    }

    /// An expression of each of `types`, in order: the operands of what follows.
    fn operands(&mut self, sink: &mut InstructionSink<'_>, types: &[ValType], d: u32) {
        for &ty in types {
            self.expr(sink, ty, d);
        }
    }

    /// One of `ops`, picked at random.
    fn pick<'a>(&mut self, sink: &mut InstructionSink<'a>, ops: &[Op<'a>]) {
        ops[self.rng.below(ops.len() as u32) as usize](sink);
    }

    /// One of `forms` picked at random, with its operands.
    fn one_of<'a>(&mut self, sink: &mut InstructionSink<'a>, d: u32, forms: &[Form<'a>]) {
        let (types, op) = forms[self.rng.below(forms.len() as u32) as usize];
        self.operands(sink, types, d);
        op(sink);
    }

    /// `a` or `b` at even odds, with its operands.
    fn either<'a>(&mut self, sink: &mut InstructionSink<'a>, d: u32, a: Form<'a>, b: Form<'a>) {
        let (types, op) = if self.rng.chance(50) { a } else { b };
        self.operands(sink, types, d);
        op(sink);
    }

    fn expr_i32(&mut self, sink: &mut InstructionSink<'_>, choice: u32, d: u32) {
        type S<'a> = InstructionSink<'a>;
        match choice {
            0..=5 => {
                self.operands(sink, &[I32, I32], d);
                self.pick(
                    sink,
                    &[
                        S::i32_add,
                        S::i32_sub,
                        S::i32_mul,
                        S::i32_and,
                        S::i32_or,
                        S::i32_xor,
                        S::i32_shl,
                        S::i32_shr_u,
                        S::i32_shr_s,
                        S::i32_rotl,
                        S::i32_rotr,
                    ],
                );
            }
            6 => {
                self.operands(sink, &[I32, I32], d);
                sink.i32_const(1);
                sink.i32_or();
                self.either(sink, d, (&[], S::i32_div_u), (&[], S::i32_rem_u));
            }
            7 => {
                self.operands(sink, &[I32], d);
                self.pick(
                    sink,
                    &[
                        S::i32_clz,
                        S::i32_ctz,
                        S::i32_popcnt,
                        S::i32_eqz,
                        S::i32_extend8_s,
                    ],
                );
            }
            8 | 9 => match self.rng.below(3) {
                0 => {
                    self.operands(sink, &[I32, I32], d);
                    self.pick(
                        sink,
                        &[S::i32_lt_s, S::i32_gt_u, S::i32_eq, S::i32_ne, S::i32_le_u],
                    );
                }
                1 => {
                    self.operands(sink, &[I64, I64], d);
                    self.either(sink, d, (&[], S::i64_lt_u), (&[], S::i64_eq));
                }
                _ => {
                    self.operands(sink, &[F64, F64], d);
                    self.either(sink, d, (&[], S::f64_lt), (&[], S::f64_ge));
                }
            },
            10 => self.either(
                sink,
                d,
                (&[I64], S::i32_wrap_i64),
                (&[F64], S::i32_trunc_sat_f64_s),
            ),
            11 | 12 => {
                self.address(sink, d);
                let offset = u64::from(self.rng.below(16));
                match self.rng.below(3) {
                    0 => sink.i32_load(mem(offset, 2)),
                    1 => sink.i32_load8_u(mem(offset, 0)),
                    _ => sink.i32_load16_s(mem(offset, 1)),
                };
            }
            13 => {
                self.operands(sink, &[I32, I32, I32], d);
                sink.select();
            }
            _ => self.leaf(sink, I32),
        }
    }

    fn expr_i64(&mut self, sink: &mut InstructionSink<'_>, choice: u32, d: u32) {
        type S<'a> = InstructionSink<'a>;
        match choice {
            0..=5 => {
                self.operands(sink, &[I64, I64], d);
                self.pick(
                    sink,
                    &[
                        S::i64_add,
                        S::i64_sub,
                        S::i64_mul,
                        S::i64_and,
                        S::i64_or,
                        S::i64_xor,
                        S::i64_shl,
                        S::i64_shr_u,
                        S::i64_rotl,
                    ],
                );
            }
            6 => {
                self.operands(sink, &[I64, I64], d);
                sink.i64_const(1);
                sink.i64_or();
                self.either(sink, d, (&[], S::i64_div_u), (&[], S::i64_rem_u));
            }
            7 => {
                self.operands(sink, &[I64], d);
                self.either(sink, d, (&[], S::i64_clz), (&[], S::i64_popcnt));
            }
            8..=10 => self.one_of(
                sink,
                d,
                &[
                    (&[I32], S::i64_extend_i32_s),
                    (&[I32], S::i64_extend_i32_u),
                    (&[F64], S::i64_trunc_sat_f64_u),
                ],
            ),
            11 | 12 => {
                self.address(sink, d);
                let offset = u64::from(self.rng.below(16));
                if self.rng.chance(50) {
                    sink.i64_load(mem(offset, 3));
                } else {
                    sink.i64_load32_u(mem(offset, 2));
                }
            }
            13 => {
                self.operands(sink, &[I64, I64, I32], d);
                sink.select();
            }
            _ => self.leaf(sink, I64),
        }
    }

    fn expr_f64(&mut self, sink: &mut InstructionSink<'_>, choice: u32, d: u32) {
        type S<'a> = InstructionSink<'a>;
        match choice {
            0..=5 => {
                self.operands(sink, &[F64, F64], d);
                self.pick(
                    sink,
                    &[
                        S::f64_add,
                        S::f64_sub,
                        S::f64_mul,
                        S::f64_div,
                        S::f64_min,
                        S::f64_max,
                    ],
                );
            }
            6 | 7 => {
                self.operands(sink, &[F64], d);
                self.pick(
                    sink,
                    &[
                        S::f64_sqrt,
                        S::f64_abs,
                        S::f64_neg,
                        S::f64_floor,
                        S::f64_ceil,
                        S::f64_nearest,
                        S::f64_trunc,
                    ],
                );
            }
            8..=10 => self.either(
                sink,
                d,
                (&[I32], S::f64_convert_i32_s),
                (&[I64], S::f64_convert_i64_u),
            ),
            11 => {
                self.address(sink, d);
                sink.f64_load(mem(u64::from(self.rng.below(16)), 3));
            }
            12 | 13 => {
                self.operands(sink, &[F64, F64, I32], d);
                sink.select();
            }
            _ => self.leaf(sink, F64),
        }
    }
}
