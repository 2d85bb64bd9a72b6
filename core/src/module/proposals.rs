//! Which proposal a construct of a module belongs to, read from its structure: the operator
//! (wasmparser's own list of operators by proposal), the types it names, the section it is in,
//! the flags of its limits. Used only when decoding or validation failed, to say which call
//! failed on what: a construct of a proposal this build does not implement makes the module
//! unsupported (naming the proposal), anything else leaves it malformed or invalid.

use alloc::string::String;

use wasmparser::{
    AbstractHeapType, BinaryReader, BlockType, CompositeInnerType, ConstExpr, DataKind,
    ElementItems, ElementKind, ExternalKind, FromReader, FunctionBody, GlobalType, HeapType,
    MemoryType, Operator, Payload, RefType, SectionLimited, SubType, TableInit, TableType, TypeRef,
    ValType,
};

use crate::error::Proposal;

/// A construct that needs a proposal this build does not implement.
#[derive(Debug)]
pub(crate) struct Use {
    /// What it is, for the message ("the instruction `try_table`").
    pub(crate) what: String,
    pub(crate) proposal: Proposal,
    /// Where the construct (or the item holding it) starts.
    pub(crate) offset: usize,
}

impl Use {
    fn new(what: impl Into<String>, proposal: Proposal, offset: usize) -> Use {
        Use {
            what: what.into(),
            proposal,
            offset,
        }
    }

    /// The message of the error that reports it.
    pub(crate) fn message(&self) -> String {
        alloc::format!(
            "{} needs the {} proposal, which wrt does not implement",
            self.what,
            self.proposal
        )
    }
}

/// The proposal an operator group of wasmparser's `for_each_operator!` belongs to; `None` for
/// the groups wrt implements (which `super::features` enables). A group wasmparser adds fails
/// to compile here until it is classified.
macro_rules! proposal_of_group {
    (mvp) => {
        None
    };
    (sign_extension) => {
        None
    };
    (saturating_float_to_int) => {
        None
    };
    (bulk_memory) => {
        None
    };
    (reference_types) => {
        None
    };
    (tail_call) => {
        None
    };
    (simd) => {
        Some(Proposal::Simd)
    };
    (relaxed_simd) => {
        Some(Proposal::RelaxedSimd)
    };
    (exceptions) => {
        Some(Proposal::ExceptionHandling)
    };
    (legacy_exceptions) => {
        Some(Proposal::LegacyExceptionHandling)
    };
    (threads) => {
        Some(Proposal::Threads)
    };
    (shared_everything_threads) => {
        Some(Proposal::SharedEverythingThreads)
    };
    (gc) => {
        Some(Proposal::Gc)
    };
    (function_references) => {
        Some(Proposal::FunctionReferences)
    };
    (stack_switching) => {
        Some(Proposal::StackSwitching)
    };
    (wide_arithmetic) => {
        Some(Proposal::WideArithmetic)
    };
    (memory_control) => {
        Some(Proposal::MemoryControl)
    };
}

/// `(proposal, name)` of an operator: its group's proposal (see `proposal_of_group!`) and its
/// name as wasmparser's visitor spells it.
macro_rules! classify_operator {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        fn group_of(op: &Operator<'_>) -> (Option<Proposal>, &'static str) {
            match op {
                $(
                    Operator::$op $({ $($arg: _),* })? => {
                        (proposal_of_group!($proposal), stringify!($visit))
                    }
                )*
                // `Operator` is non-exhaustive; every operator this wasmparser decodes is
                // listed above.
                _ => (None, "visit_unknown"),
            }
        }
    };
}
wasmparser::for_each_operator!(classify_operator);

/// The proposal an operator at `offset` needs: its own, or that of a type it names.
pub(crate) fn in_operator(op: &Operator<'_>, offset: usize) -> Option<Use> {
    let (proposal, visit) = group_of(op);
    if let Some(proposal) = proposal {
        let name = visit.strip_prefix("visit_").unwrap_or(visit);
        return Some(Use::new(
            alloc::format!("the instruction `{name}`"),
            proposal,
            offset,
        ));
    }
    let ty = match *op {
        Operator::Block { blockty } | Operator::Loop { blockty } | Operator::If { blockty } => {
            match blockty {
                BlockType::Type(ty) => ty,
                BlockType::Empty | BlockType::FuncType(_) => return None,
            }
        }
        Operator::TypedSelect { ty } => ty,
        Operator::RefNull { hty } => return in_heap_type(hty, true, offset),
        _ => return None,
    };
    in_val_type(ty, offset)
}

/// The proposal a value type needs.
pub(crate) fn in_val_type(ty: ValType, offset: usize) -> Option<Use> {
    match ty {
        ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64 => None,
        ValType::V128 => Some(Use::new("the type v128", Proposal::Simd, offset)),
        ValType::Ref(r) => in_ref_type(r, offset),
    }
}

fn in_ref_type(ty: RefType, offset: usize) -> Option<Use> {
    if ty == RefType::FUNCREF || ty == RefType::EXTERNREF {
        return None;
    }
    in_heap_type(ty.heap_type(), ty.is_nullable(), offset).map(|mut found| {
        found.what = alloc::format!("the reference type {ty}");
        found
    })
}

fn in_heap_type(ty: HeapType, nullable: bool, offset: usize) -> Option<Use> {
    let proposal = match ty {
        HeapType::Abstract { shared: true, .. } => Proposal::SharedEverythingThreads,
        HeapType::Abstract {
            ty: AbstractHeapType::Func | AbstractHeapType::Extern,
            ..
        } if nullable => return None,
        HeapType::Abstract {
            ty: AbstractHeapType::Func | AbstractHeapType::Extern,
            ..
        }
        | HeapType::Concrete(_) => Proposal::FunctionReferences,
        HeapType::Abstract {
            ty: AbstractHeapType::Exn | AbstractHeapType::NoExn,
            ..
        } => Proposal::ExceptionHandling,
        HeapType::Abstract {
            ty: AbstractHeapType::Cont | AbstractHeapType::NoCont,
            ..
        } => Proposal::StackSwitching,
        HeapType::Abstract { .. } => Proposal::Gc,
    };
    Some(Use::new(
        "a heap type other than func and extern",
        proposal,
        offset,
    ))
}

fn in_table_type(ty: &TableType, offset: usize) -> Option<Use> {
    if ty.table64 {
        return Some(Use::new("a 64-bit table", Proposal::Memory64, offset));
    }
    if ty.shared {
        return Some(Use::new(
            "a shared table",
            Proposal::SharedEverythingThreads,
            offset,
        ));
    }
    in_ref_type(ty.element_type, offset)
}

fn in_memory_type(ty: &MemoryType, offset: usize) -> Option<Use> {
    if ty.memory64 {
        Some(Use::new("a 64-bit memory", Proposal::Memory64, offset))
    } else if ty.shared {
        Some(Use::new("a shared memory", Proposal::Threads, offset))
    } else if ty.page_size_log2.is_some() {
        Some(Use::new(
            "a custom page size",
            Proposal::CustomPageSizes,
            offset,
        ))
    } else {
        None
    }
}

fn in_global_type(ty: &GlobalType, offset: usize) -> Option<Use> {
    if ty.shared {
        return Some(Use::new(
            "a shared global",
            Proposal::SharedEverythingThreads,
            offset,
        ));
    }
    in_val_type(ty.content_type, offset)
}

/// What the leading bytes of an operator that this build's reader cannot decode say.
pub(crate) enum Undecodable {
    /// An operator of a proposal whose encoding the reader is built without (SIMD: wasmparser's
    /// `simd` feature is off, so every `0xfd`-prefixed operator fails to decode).
    Proposal(Use),
    /// `select` with a type vector of other than one type: the binary reader rejects it, the
    /// specification in validation ("invalid result arity").
    SelectArity,
}

/// Reads the leading bytes of the operator at `offset` in `reader` (positioned at or before it)
/// after reading it failed: `Some` when they, rather than a decoding error, explain the failure.
pub(crate) fn undecodable(mut reader: BinaryReader<'_>, offset: usize) -> Option<Undecodable> {
    let skip = offset.checked_sub(reader.original_position())?;
    reader.read_bytes(skip).ok()?;
    match reader.read_u8().ok()? {
        0xfd => {
            // Relaxed SIMD took the sub-opcodes from 0x100 up.
            let sub = reader.read_var_u32().ok()?;
            let (proposal, what) = if sub >= 0x100 {
                (Proposal::RelaxedSimd, "a relaxed SIMD instruction")
            } else {
                (Proposal::Simd, "a SIMD instruction")
            };
            Some(Undecodable::Proposal(Use::new(what, proposal, offset)))
        }
        0x1c if reader.read_var_u32().ok()? != 1 => Some(Undecodable::SelectArity),
        _ => None,
    }
}

/// The first construct of an unimplemented proposal in a constant expression.
fn in_const_expr(expr: &ConstExpr<'_>) -> Option<Use> {
    let mut reader = expr.get_binary_reader();
    while !reader.eof() {
        let offset = reader.original_position();
        match reader.read_operator() {
            Ok(op) => {
                if let Some(found) = in_operator(&op, offset) {
                    return Some(found);
                }
            }
            Err(_) => {
                return match undecodable(expr.get_binary_reader(), offset)? {
                    Undecodable::Proposal(found) => Some(found),
                    Undecodable::SelectArity => None,
                };
            }
        }
    }
    None
}

/// The first local of a function body whose type needs an unimplemented proposal.
pub(crate) fn in_locals(body: &FunctionBody<'_>) -> Option<Use> {
    let mut locals = body.get_locals_reader().ok()?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (_, ty) = locals.read().ok()?;
        if let Some(found) = in_val_type(ty, offset) {
            return Some(found);
        }
    }
    None
}

/// The first construct of an unimplemented proposal in a section, for when validating the section
/// failed. Entries that do not decode end the search (that is a decoding error, not a proposal).
/// `bytes` are the module's.
pub(crate) fn in_payload(payload: &Payload<'_>, bytes: &[u8]) -> Option<Use> {
    match payload {
        Payload::TypeSection(reader) => first_in(reader, |group, offset| {
            if group.is_explicit_rec_group() {
                return Some(Use::new("a recursive type group", Proposal::Gc, offset));
            }
            group.types().find_map(|ty| in_sub_type(ty, offset))
        }),
        Payload::ImportSection(reader) => first_in(reader, |import, offset| match import.ty {
            TypeRef::Func(_) => None,
            TypeRef::Table(t) => in_table_type(&t, offset),
            TypeRef::Memory(m) => in_memory_type(&m, offset),
            TypeRef::Global(g) => in_global_type(&g, offset),
            TypeRef::Tag(_) => Some(Use::new(
                "an imported tag",
                Proposal::ExceptionHandling,
                offset,
            )),
        }),
        Payload::TableSection(reader) => first_in(reader, |table, offset| {
            in_table_type(&table.ty, offset).or_else(|| match &table.init {
                TableInit::RefNull => None,
                TableInit::Expr(expr) => Some(in_const_expr(expr).unwrap_or_else(|| {
                    Use::new("a table initialiser", Proposal::FunctionReferences, offset)
                })),
            })
        }),
        Payload::MemorySection(reader) => {
            first_in(reader, |memory, offset| in_memory_type(&memory, offset))
        }
        Payload::TagSection(reader) => Some(Use::new(
            "a tag section",
            Proposal::ExceptionHandling,
            reader.range().start,
        )),
        Payload::GlobalSection(reader) => {
            let section = BinaryReader::new(bytes.get(reader.range())?, reader.range().start);
            let walked = walk_globals(section, |part, offset| match part {
                GlobalPart::Type { ty, .. } => in_global_type(ty, offset),
                GlobalPart::Operator(op) => in_operator(op, offset),
            });
            match walked {
                Ok(found) => found,
                Err(GlobalsError::Operator(Undecodable::Proposal(found))) => Some(found),
                Err(_) => None,
            }
        }
        Payload::ExportSection(reader) => first_in(reader, |export, offset| {
            (export.kind == ExternalKind::Tag)
                .then(|| Use::new("an exported tag", Proposal::ExceptionHandling, offset))
        }),
        Payload::ElementSection(reader) => first_in(reader, |elem, offset| {
            let in_offset = match &elem.kind {
                ElementKind::Active { offset_expr, .. } => in_const_expr(offset_expr),
                ElementKind::Passive | ElementKind::Declared => None,
            };
            in_offset.or_else(|| match elem.items {
                ElementItems::Functions(_) => None,
                ElementItems::Expressions(ty, exprs) => in_ref_type(ty, offset).or_else(|| {
                    exprs
                        .into_iter()
                        .map_while(|expr| expr.ok())
                        .find_map(|expr| in_const_expr(&expr))
                }),
            })
        }),
        Payload::DataSection(reader) => first_in(reader, |data, _| match &data.kind {
            DataKind::Active { offset_expr, .. } => in_const_expr(offset_expr),
            DataKind::Passive => None,
        }),
        _ => None,
    }
}

/// The first use `find` reports among the entries of a section (`find` gets each entry and its
/// offset); `None` also when an entry does not decode.
fn first_in<'a, T: FromReader<'a>>(
    reader: &SectionLimited<'a, T>,
    mut find: impl FnMut(T, usize) -> Option<Use>,
) -> Option<Use> {
    for entry in reader.clone().into_iter_with_offsets() {
        let (offset, entry) = entry.ok()?;
        if let Some(found) = find(entry, offset) {
            return Some(found);
        }
    }
    None
}

/// The proposal a type definition (at `offset`) needs.
fn in_sub_type(ty: &SubType, offset: usize) -> Option<Use> {
    if !ty.is_final || ty.supertype_idx.is_some() {
        return Some(Use::new("a subtype declaration", Proposal::Gc, offset));
    }
    if ty.composite_type.shared {
        return Some(Use::new(
            "a shared type",
            Proposal::SharedEverythingThreads,
            offset,
        ));
    }
    match &ty.composite_type.inner {
        CompositeInnerType::Func(f) => f
            .params()
            .iter()
            .chain(f.results())
            .find_map(|t| in_val_type(*t, offset)),
        CompositeInnerType::Array(_) | CompositeInnerType::Struct(_) => {
            Some(Use::new("a struct or array type", Proposal::Gc, offset))
        }
        CompositeInnerType::Cont(_) => Some(Use::new(
            "a continuation type",
            Proposal::StackSwitching,
            offset,
        )),
    }
}

/// A part of a global that [`walk_globals`] visits.
pub(crate) enum GlobalPart<'r, 'a> {
    /// A global's type (visited with the global's offset); `init_at` is where its initialiser
    /// starts.
    Type { ty: &'r GlobalType, init_at: usize },
    /// An operator of an initialiser (visited with its offset).
    Operator(&'r Operator<'a>),
}

/// Why [`walk_globals`] stopped short.
pub(crate) enum GlobalsError {
    /// A read failed: the section is malformed.
    Read(wasmparser::BinaryReaderError),
    /// Bytes follow the last global (at this offset): the section is malformed.
    TrailingData(usize),
    /// Reading an operator failed on what [`undecodable`] explains.
    Operator(Undecodable),
}

/// Reads a global section (`section` reads its contents, count first) global by global, and each
/// initialiser operator by operator: wasmparser's section reader reads a global whole, so an
/// initialiser it cannot decode (SIMD's `v128.const`) would not say which operator that is.
/// `visit` sees each part with its offset; the first `Some` it returns ends the walk.
pub(crate) fn walk_globals<'a, T>(
    mut section: BinaryReader<'a>,
    mut visit: impl FnMut(GlobalPart<'_, 'a>, usize) -> Option<T>,
) -> Result<Option<T>, GlobalsError> {
    let count = section.read_var_u32().map_err(GlobalsError::Read)?;
    for _ in 0..count {
        let offset = section.original_position();
        let ty: GlobalType = section.read().map_err(GlobalsError::Read)?;
        let init_at = section.original_position();
        if let Some(found) = visit(GlobalPart::Type { ty: &ty, init_at }, offset) {
            return Ok(Some(found));
        }
        loop {
            let at = section.original_position();
            let before = section.clone();
            let op = section
                .read_operator()
                .map_err(|e| match undecodable(before, at) {
                    Some(why) => GlobalsError::Operator(why),
                    None => GlobalsError::Read(e),
                })?;
            if let Operator::End = op {
                break;
            }
            if let Some(found) = visit(GlobalPart::Operator(&op), at) {
                return Ok(Some(found));
            }
        }
    }
    if section.eof() {
        Ok(None)
    } else {
        Err(GlobalsError::TrailingData(section.original_position()))
    }
}
