//! Modules: decoded, validated and translated once, then instantiated any number of times.

mod compile;
mod const_expr;
mod decode;
mod load_budget;
mod proposals;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;

use once_cell::race::OnceBox;

pub(crate) use const_expr::ConstExpr;

use crate::config::Engine;
use crate::engine::{translate_function, CompiledFunc, FuncTranslatorAllocs};
use crate::error::{internal, Error, ErrorKind, Proposal, Result};
use crate::types::{
    ExportType, ExternType, FuncType, GlobalType, ImportType, MemoryType, Mutability, RefType,
    TableType, ValType,
};

/// The kind and index of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExternIndex {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
}

#[derive(Debug, Clone)]
pub(crate) struct Import {
    pub(crate) module: String,
    pub(crate) name: String,
    pub(crate) index: ExternIndex,
}

#[derive(Debug, Clone)]
pub(crate) enum SegmentMode {
    Passive,
    Active { index: u32, offset: ConstExpr },
    Declared,
}

#[derive(Debug, Clone)]
pub(crate) struct ElemSegment {
    pub(crate) mode: SegmentMode,
    pub(crate) items: Vec<ConstExpr>,
}

#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    pub(crate) mode: SegmentMode,
    pub(crate) bytes: Arc<[u8]>,
}

/// A defined function: where its body is, and its translation once made.
#[derive(Debug)]
pub(crate) struct FuncCode {
    /// The body's bytes in `ModuleInner::code_section` (empty when translated eagerly).
    body: Range<u32>,
    /// The translation: made by `Module::new` when translating eagerly, otherwise by the first
    /// call in any store. Shared by every store and thread using the module. Set at most once
    /// and never replaced or taken while the module lives, so references into it stay valid as
    /// long as the module does.
    ///
    /// `OnceBox` is lock-free: threads that call an untranslated function at the same time may
    /// each translate it, and all but the first result are dropped; nobody ever waits for
    /// another thread (a lock could stall a high-priority thread behind a preempted one).
    /// Translation is deterministic, so whichever result is kept has the same size.
    compiled: OnceBox<CompiledFunc>,
}

/// Everything a module says, in the form instantiation and execution need.
#[derive(Debug, Default)]
pub(crate) struct ModuleInner {
    pub(crate) types: Vec<FuncType>,
    pub(crate) imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub(crate) funcs: Vec<u32>,
    pub(crate) tables: Vec<TableType>,
    pub(crate) memories: Vec<MemoryType>,
    pub(crate) globals: Vec<GlobalType>,
    pub(crate) num_imported_funcs: u32,
    pub(crate) num_imported_tables: u32,
    pub(crate) num_imported_memories: u32,
    pub(crate) num_imported_globals: u32,
    /// Initialisers of the defined tables (`None`: null).
    pub(crate) table_inits: Vec<Option<ConstExpr>>,
    /// Initialisers of the defined globals.
    pub(crate) global_inits: Vec<ConstExpr>,
    pub(crate) exports: Vec<(String, ExternIndex)>,
    pub(crate) start: Option<u32>,
    pub(crate) elems: Vec<ElemSegment>,
    pub(crate) datas: Vec<DataSegment>,
    /// Bodies and translations of the defined functions.
    pub(crate) code: Vec<FuncCode>,
    /// With lazy translation, a copy of the code section, which `code` points into.
    code_section: Box<[u8]>,
    /// Offset of `code_section` in the module's bytes (for the offsets in error messages).
    code_section_offset: usize,
    /// Whether functions are translated on their first call (`Config::lazy_translation`).
    pub(crate) lazy: bool,
    /// Whether the code charges fuel / canonicalises NaNs (it must match the store's engine).
    pub(crate) fuel: bool,
    pub(crate) deterministic: bool,
    /// Heap bytes held by this module's metadata, kept function bodies and (when translated
    /// eagerly) code: charged to each store using it at instantiation. Lazily translated
    /// functions are charged separately, by each store, on their first call there.
    pub(crate) heap_bytes: u64,
}

impl ModuleInner {
    /// Bytes of the buffers this module owns (capacities times element sizes).
    fn compute_heap_bytes(&self) -> u64 {
        use core::mem::size_of;
        fn vec<T>(v: &Vec<T>) -> usize {
            v.capacity() * size_of::<T>()
        }
        let types: usize = self
            .types
            .iter()
            .map(|t| (t.params().len() + t.results().len()) * size_of::<ValType>() + 16)
            .sum();
        let imports: usize = self
            .imports
            .iter()
            .map(|i| i.module.capacity() + i.name.capacity())
            .sum();
        let exports: usize = self.exports.iter().map(|(n, _)| n.capacity()).sum();
        let segments: usize = self
            .elems
            .iter()
            .map(|e| vec(&e.items))
            .chain(self.datas.iter().map(|d| d.bytes.len() + 16))
            .sum();
        // Functions translated by now: all of them when eager, none when lazy.
        let code: usize = self
            .code
            .iter()
            .filter_map(|c| c.compiled.get())
            .map(|c| c.heap_bytes() as usize)
            .sum();
        (size_of::<ModuleInner>()
            + vec(&self.types)
            + types
            + vec(&self.imports)
            + imports
            + vec(&self.funcs)
            + vec(&self.tables)
            + vec(&self.memories)
            + vec(&self.globals)
            + vec(&self.table_inits)
            + vec(&self.global_inits)
            + vec(&self.exports)
            + exports
            + vec(&self.elems)
            + vec(&self.datas)
            + segments
            + vec(&self.code)
            + code
            + self.code_section.len()) as u64
    }

    /// The translation of defined function `index` (not counting imports), translating it now
    /// if no call has yet, into at most `max_code_bytes` of code (an `Error::Limit` if it needs
    /// more: nothing beyond that is allocated). Once this returned `Ok`, the same reference is
    /// returned for as long as the module lives.
    pub(crate) fn compiled(
        &self,
        index: u32,
        max_code_bytes: u64,
    ) -> Result<Option<&CompiledFunc>> {
        let func = self
            .code
            .get(index as usize)
            .ok_or_else(|| internal!("no function {index} to translate"))?;
        let translated =
            func.compiled
                .get_or_try_init(|| match self.translate(index, func, max_code_bytes) {
                    Ok(Some(code)) => Ok(Box::new(code)),
                    Ok(None) => Err(None),
                    Err(e) => Err(Some(e)),
                });
        match translated {
            Ok(code) => Ok(Some(code)),
            Err(None) => Ok(None),
            Err(Some(e)) => Err(e),
        }
    }

    /// Translates a body `Module::new` validated (see `validate_function` for why this cannot
    /// fail on such a body).
    #[cold]
    #[inline(never)]
    fn translate(
        &self,
        index: u32,
        func: &FuncCode,
        max_code_bytes: u64,
    ) -> Result<Option<CompiledFunc>> {
        let bytes = self
            .code_section
            .get(func.body.start as usize..func.body.end as usize)
            .ok_or_else(|| internal!("no body for function {index}"))?;
        let offset = self.code_section_offset + func.body.start as usize;
        let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new_features(
            bytes,
            offset,
            features(),
        ));
        translate_function(
            self,
            self.num_imported_funcs + index,
            None,
            &body,
            &mut FuncTranslatorAllocs::default(),
            max_code_bytes,
        )
    }

    pub(crate) fn func_type(&self, func: u32) -> Option<&FuncType> {
        let ty = *self.funcs.get(func as usize)?;
        self.types.get(ty as usize)
    }

    pub(crate) fn extern_type(&self, index: ExternIndex) -> Option<ExternType> {
        Some(match index {
            ExternIndex::Func(i) => ExternType::Func(self.func_type(i)?.clone()),
            ExternIndex::Table(i) => ExternType::Table(*self.tables.get(i as usize)?),
            ExternIndex::Memory(i) => ExternType::Memory(*self.memories.get(i as usize)?),
            ExternIndex::Global(i) => ExternType::Global(*self.globals.get(i as usize)?),
        })
    }
}

/// A compiled WebAssembly module. Cheap to clone; immutable and shareable.
#[derive(Debug, Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

/// The proposals this build implements: WebAssembly 2.0 without SIMD, plus tail calls and
/// extended constant expressions.
pub(crate) fn features() -> wasmparser::WasmFeatures {
    use wasmparser::WasmFeatures as F;
    F::WASM1
        | F::BULK_MEMORY
        | F::REFERENCE_TYPES
        | F::SIGN_EXTENSION
        | F::SATURATING_FLOAT_TO_INT
        | F::MULTI_VALUE
        | F::TAIL_CALL
        | F::EXTENDED_CONST
}

// Errors of wasmparser, classified by the call that failed: a reader call (decoding) makes the
// module malformed, a validator call invalid; and when the failing construct belongs to a
// proposal this build does not implement (see `proposals`), the module is unsupported, with the
// proposal named. Nothing here reads wasmparser's messages; they are only passed on.

/// A call of wasmparser's binary reader failed: the module is malformed.
pub(crate) fn reader_error(e: wasmparser::BinaryReaderError) -> Error {
    Error::malformed(e.message(), Some(e.offset()))
}

/// Reading the operator at `offset` of `body` failed: malformed, unless its leading bytes are
/// an encoding this build's reader does not decode (SIMD), or a rule the reader checks that the
/// specification counts as validation (a typed `select` of other than one type).
pub(crate) fn operator_read_error(
    e: wasmparser::BinaryReaderError,
    body: &wasmparser::FunctionBody<'_>,
    offset: usize,
) -> Error {
    match proposals::undecodable(body.get_binary_reader(), offset) {
        Some(proposals::Undecodable::Proposal(found)) => unsupported(&found),
        Some(proposals::Undecodable::SelectArity) => invalid(e),
        None => reader_error(e),
    }
}

/// A call of wasmparser's validator failed: the module is invalid.
pub(crate) fn invalid(e: wasmparser::BinaryReaderError) -> Error {
    Error::invalid(e.message(), Some(e.offset()), None)
}

/// Validating operator `op` (at `offset`) failed: unsupported if it needs a proposal this build
/// does not implement (the validator checks that first), invalid otherwise.
pub(crate) fn operator_error(
    e: wasmparser::BinaryReaderError,
    op: &wasmparser::Operator<'_>,
    offset: usize,
) -> Error {
    match proposals::in_operator(op, offset) {
        Some(found) => unsupported(&found),
        None => invalid(e),
    }
}

/// Validating the locals of `body` failed: unsupported if a local before the error has a type of
/// a proposal this build does not implement, invalid otherwise.
pub(crate) fn locals_error(
    e: wasmparser::BinaryReaderError,
    body: &wasmparser::FunctionBody<'_>,
) -> Error {
    match proposals::in_locals(body) {
        Some(found) if found.offset <= e.offset() => unsupported(&found),
        _ => invalid(e),
    }
}

/// Validating a section failed: unsupported if the section uses a proposal this build does not
/// implement at or before the error, invalid otherwise. WebAssembly 2.0 itself rejects a second
/// memory, so that stays invalid, with the proposal that allows it named.
fn payload_error(
    e: wasmparser::BinaryReaderError,
    payload: &wasmparser::Payload<'_>,
    bytes: &[u8],
    memories_before: usize,
) -> Error {
    if let Some(found) = proposals::in_payload(payload, bytes).filter(|f| f.offset <= e.offset()) {
        return unsupported(&found);
    }
    if let Some(offset) = second_memory(payload, memories_before).filter(|&o| o <= e.offset()) {
        let found = proposals::Use {
            what: "a second memory".into(),
            proposal: Proposal::MultiMemory,
            offset,
        };
        return Error::invalid(found.message(), Some(offset), Some(found.proposal));
    }
    invalid(e)
}

/// Where the module's second memory is declared, if this section declares it (for a memory
/// section, where the section starts).
fn second_memory(payload: &wasmparser::Payload<'_>, memories_before: usize) -> Option<usize> {
    let mut count = memories_before;
    match payload {
        wasmparser::Payload::ImportSection(reader) => {
            for import in reader.clone().into_iter_with_offsets() {
                let (offset, import) = import.ok()?;
                if matches!(import.ty, wasmparser::TypeRef::Memory(_)) {
                    count += 1;
                    if count == 2 {
                        return Some(offset);
                    }
                }
            }
            None
        }
        // The validator checks the count of a memory section before its entries.
        wasmparser::Payload::MemorySection(reader) => {
            (count + reader.count() as usize > 1).then_some(reader.range().start)
        }
        _ => None,
    }
}

fn unsupported(found: &proposals::Use) -> Error {
    Error::unsupported_at(found.message(), Some(found.offset), Some(found.proposal))
}

pub(crate) fn convert_valtype(ty: wasmparser::ValType) -> Result<ValType> {
    Ok(match ty {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::from(convert_reftype(r)?),
    })
}

fn convert_reftype(ty: wasmparser::RefType) -> Result<RefType> {
    if ty == wasmparser::RefType::FUNCREF {
        Ok(RefType::FuncRef)
    } else if ty == wasmparser::RefType::EXTERNREF {
        Ok(RefType::ExternRef)
    } else {
        Err(Error::unsupported(alloc::format!("reference type {ty}")))
    }
}

fn convert_functype(ty: &wasmparser::FuncType) -> Result<FuncType> {
    let params = ty
        .params()
        .iter()
        .map(|t| convert_valtype(*t))
        .collect::<Result<Vec<_>>>()?;
    let results = ty
        .results()
        .iter()
        .map(|t| convert_valtype(*t))
        .collect::<Result<Vec<_>>>()?;
    Ok(FuncType::new(params, results))
}

fn convert_table(ty: &wasmparser::TableType) -> Result<TableType> {
    if ty.table64 || ty.shared {
        return Err(Error::unsupported("64-bit or shared tables"));
    }
    Ok(TableType::new(
        convert_reftype(ty.element_type)?,
        ty.initial,
        ty.maximum,
    ))
}

fn convert_memory(ty: &wasmparser::MemoryType) -> Result<MemoryType> {
    if ty.memory64 || ty.shared || ty.page_size_log2.is_some() {
        return Err(Error::unsupported(
            "64-bit, shared or custom-page-size memories",
        ));
    }
    Ok(MemoryType::new(ty.initial, ty.maximum))
}

fn convert_global(ty: &wasmparser::GlobalType) -> Result<GlobalType> {
    if ty.shared {
        return Err(Error::unsupported("shared globals"));
    }
    let mutability = if ty.mutable {
        Mutability::Var
    } else {
        Mutability::Const
    };
    Ok(GlobalType::new(
        convert_valtype(ty.content_type)?,
        mutability,
    ))
}

impl Module {
    /// Decodes and validates a binary module, and translates its functions unless the engine
    /// translates lazily (`Config::lazy_translation`, the default): then each function is
    /// translated on its first call. Every error the module can have, including anything the
    /// engine does not support, is reported here either way.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let mut inner = match parse(bytes, engine.config()) {
            Ok(inner) => inner,
            // A module that is malformed anywhere is malformed, even if reading it stopped
            // at a validation error (or an unsupported feature) first. And a malformed module
            // gets the error of the decode-only pass, a function of its bytes alone: which
            // problem reading it met first depends on the mode (lazy translation copies the
            // code section up front, eager translation reads bodies as they come, several
            // threads check bodies in batches), and one module must get one error.
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::Invalid { .. }
                        | ErrorKind::Unsupported { .. }
                        | ErrorKind::Malformed { .. }
                ) =>
            {
                return Err(decode::malformation(bytes).unwrap_or(e))
            }
            Err(e) => return Err(e),
        };
        inner.heap_bytes = inner.compute_heap_bytes();
        if let Some(budget) = engine.config().memory_budget {
            if inner.heap_bytes > budget {
                return Err(Error::limit(alloc::format!(
                    "the module's code and metadata need {} bytes, more than the memory budget of {budget}",
                    inner.heap_bytes
                )));
            }
        }
        Ok(Module {
            inner: Arc::new(inner),
        })
    }

    /// Checks that the bytes are a valid module of the supported feature set, without keeping it.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
        Module::new(engine, bytes).map(|_| ())
    }

    /// Compiles a module from the WebAssembly text format (or binary bytes given as text).
    #[cfg(feature = "wat")]
    pub fn from_wat(engine: &Engine, text: &str) -> Result<Module> {
        let bytes = crate::wat2wasm(text)?;
        Module::new(engine, &bytes)
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> impl Iterator<Item = ImportType<'_>> + '_ {
        self.inner.imports.iter().filter_map(move |import| {
            Some(ImportType {
                module: &import.module,
                name: &import.name,
                ty: self.inner.extern_type(import.index)?,
            })
        })
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> impl Iterator<Item = ExportType<'_>> + '_ {
        self.inner.exports.iter().filter_map(move |(name, index)| {
            Some(ExportType {
                name,
                ty: self.inner.extern_type(*index)?,
            })
        })
    }

    /// The translated IR of every defined function, for engine development (translates every
    /// function not translated yet).
    #[doc(hidden)]
    pub fn debug_ir(&self) -> alloc::string::String {
        use core::fmt::Write;
        let mut out = alloc::string::String::new();
        for i in 0..self.inner.code.len() {
            let code = match self.inner.compiled(i as u32, u64::MAX).and_then(|code| {
                code.ok_or_else(|| Error::limit("translated code beyond any limit"))
            }) {
                Ok(code) => code,
                Err(e) => {
                    let _ = writeln!(out, "func {i}: {e}");
                    continue;
                }
            };
            let _ = writeln!(
                out,
                "func {} (params {}, locals {}, frame {}):",
                i + self.inner.num_imported_funcs as usize,
                code.num_params,
                code.num_locals,
                code.frame_size
            );
            let _ = write!(out, "{}", crate::engine::Listing(&code.instrs));
        }
        out
    }

    /// How many of the defined functions are translated by now, for tests of lazy translation.
    #[doc(hidden)]
    pub fn debug_translated_funcs(&self) -> usize {
        self.inner
            .code
            .iter()
            .filter(|c| c.compiled.get().is_some())
            .count()
    }

    /// The bytes a store is charged for the translated code of function `func` (in the module's
    /// function index space), if it is translated by now; for tests of the memory budget.
    #[doc(hidden)]
    pub fn debug_code_bytes(&self, func: u32) -> Option<u64> {
        let index = func.checked_sub(self.inner.num_imported_funcs)?;
        let code = self.inner.code.get(index as usize)?.compiled.get()?;
        Some(code.heap_bytes())
    }

    /// The type of an exported function, if the module exports one under `name`.
    pub fn export_func_type(&self, name: &str) -> Option<FuncType> {
        self.inner
            .exports
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, index)| match index {
                ExternIndex::Func(f) => self.inner.func_type(*f).cloned(),
                _ => None,
            })
    }
}

/// Converts the WebAssembly text format to binary.
#[cfg(feature = "wat")]
pub fn wat2wasm(text: &str) -> Result<Vec<u8>> {
    wat::parse_str(text).map_err(|e| Error::malformed(e, None))
}

/// Reads an unsigned LEB128 of at most `max_bytes` bytes, returning the bytes consumed.
fn leb_len(bytes: &[u8], max_bytes: usize) -> Option<usize> {
    for (i, b) in bytes.iter().enumerate().take(max_bytes) {
        if b & 0x80 == 0 {
            return Some(i + 1);
        }
    }
    None
}

/// wasmparser reads memory limits as 64-bit LEB128 even for 32-bit memories; the spec requires
/// 32-bit limits to be at most 5 bytes long ("integer representation too long").
fn check_memory_leb(section: Option<&[u8]>) -> Result<()> {
    let too_long = || Error::malformed("integer representation too long", None);
    let Some(mut s) = section else {
        return Ok(());
    };
    let n = leb_len(s, 5).ok_or_else(too_long)?;
    let mut count = 0u32;
    for (i, b) in s[..n].iter().enumerate() {
        count |= u32::from(b & 0x7f) << (7 * i);
    }
    s = &s[n..];
    for _ in 0..count {
        let Some((&flags, rest)) = s.split_first() else {
            return Ok(());
        };
        if flags & 0x04 != 0 {
            // memory64: wasmparser reports it.
            return Ok(());
        }
        s = rest;
        let fields = if flags & 0x01 != 0 { 2 } else { 1 };
        for _ in 0..fields {
            let n = leb_len(s, 5).ok_or_else(too_long)?;
            s = &s[n..];
        }
    }
    Ok(())
}

fn parse(bytes: &[u8], config: &crate::Config) -> Result<ModuleInner> {
    let mut m = ModuleInner {
        fuel: config.consume_fuel,
        deterministic: config.deterministic,
        lazy: config.lazy_translation,
        ..ModuleInner::default()
    };
    let mut pending = Vec::new();
    let mut load = load_budget::LoadBudget::new(config.memory_budget);
    let sections = read_sections(bytes, &mut m, &mut pending, &mut load);
    // The bodies read before a section error come before it in the binary, so their errors
    // are reported first, as when each body is checked where it appears.
    let code = compile::CodeBudget::new(load.remaining());
    compile::compile_bodies(&m, pending, config.parallel_compilation, &code)?;
    sections?;
    // Code that does not fit is an error of a module that is otherwise fine, whatever the mode.
    code.outcome()?;
    Ok(m)
}

/// Reads every section into `m`, leaving the function bodies in `pending` for
/// `compile::compile_bodies`.
fn read_sections<'a>(
    bytes: &'a [u8],
    m: &mut ModuleInner,
    pending: &mut Vec<compile::PendingBody<'a>>,
    load: &mut load_budget::LoadBudget,
) -> Result<()> {
    use wasmparser::{Parser, Payload, ValidPayload, Validator};

    let mut validator = Validator::new_with_features(features());
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(reader_error)?;
        // The binary format fixes the module version; wasmparser's parser leaves it to the
        // validator, which would call a wrong one invalid rather than malformed.
        if let Payload::Version { num, encoding, .. } = payload {
            match (encoding, num) {
                (wasmparser::Encoding::Module, 1) => {}
                // The version components have today (a layer other than 0 marks a component).
                (wasmparser::Encoding::Component, 0xd) => {
                    return Err(Error::unsupported_at(
                        "components need the component model, which is not implemented yet",
                        None,
                        Some(Proposal::ComponentModel),
                    ))
                }
                (_, num) => {
                    return Err(Error::malformed(
                        alloc::format!("unknown binary version: {num:#x}"),
                        None,
                    ))
                }
            }
        }
        // What the section may allocate is reserved before the validator or wrt reads it.
        load.reserve(&payload)?;
        let valid = validator
            .payload(&payload)
            .map_err(|e| payload_error(e, &payload, bytes, m.memories.len()))?;
        match payload {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    m.types.push(convert_functype(&ty.map_err(invalid)?)?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_iter() {
                    let import = import.map_err(reader_error)?;
                    // Imports come first in each index space: the item's index, counted.
                    fn add_import<T>(list: &mut Vec<T>, imported: &mut u32, item: T) -> u32 {
                        list.push(item);
                        *imported += 1;
                        list.len() as u32 - 1
                    }
                    let index = match import.ty {
                        wasmparser::TypeRef::Func(ty) => ExternIndex::Func(add_import(
                            &mut m.funcs,
                            &mut m.num_imported_funcs,
                            ty,
                        )),
                        wasmparser::TypeRef::Table(ty) => ExternIndex::Table(add_import(
                            &mut m.tables,
                            &mut m.num_imported_tables,
                            convert_table(&ty)?,
                        )),
                        wasmparser::TypeRef::Memory(ty) => ExternIndex::Memory(add_import(
                            &mut m.memories,
                            &mut m.num_imported_memories,
                            convert_memory(&ty)?,
                        )),
                        wasmparser::TypeRef::Global(ty) => ExternIndex::Global(add_import(
                            &mut m.globals,
                            &mut m.num_imported_globals,
                            convert_global(&ty)?,
                        )),
                        other => {
                            return Err(Error::unsupported(alloc::format!("import of {other:?}")))
                        }
                    };
                    m.imports.push(Import {
                        module: import.module.into(),
                        name: import.name.into(),
                        index,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    m.funcs.push(ty.map_err(reader_error)?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(reader_error)?;
                    m.tables.push(convert_table(&table.ty)?);
                    m.table_inits.push(match table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(ConstExpr::parse(&e)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                check_memory_leb(bytes.get(reader.range()))?;
                for mem in reader {
                    m.memories
                        .push(convert_memory(&mem.map_err(reader_error)?)?);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global.map_err(reader_error)?;
                    m.globals.push(convert_global(&global.ty)?);
                    m.global_inits.push(ConstExpr::parse(&global.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(reader_error)?;
                    let index = match export.kind {
                        wasmparser::ExternalKind::Func => ExternIndex::Func(export.index),
                        wasmparser::ExternalKind::Table => ExternIndex::Table(export.index),
                        wasmparser::ExternalKind::Memory => ExternIndex::Memory(export.index),
                        wasmparser::ExternalKind::Global => ExternIndex::Global(export.index),
                        other => {
                            return Err(Error::unsupported(alloc::format!("export of {other:?}")))
                        }
                    };
                    m.exports.push((export.name.into(), index));
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    let elem = elem.map_err(reader_error)?;
                    let mode = match elem.kind {
                        wasmparser::ElementKind::Passive => SegmentMode::Passive,
                        wasmparser::ElementKind::Declared => SegmentMode::Declared,
                        wasmparser::ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: table_index.unwrap_or(0),
                            offset: ConstExpr::parse(&offset_expr)?,
                        },
                    };
                    let items = match elem.items {
                        wasmparser::ElementItems::Functions(funcs) => {
                            let mut items = Vec::new();
                            for f in funcs {
                                let f = f.map_err(reader_error)?;
                                items.push(ConstExpr::from_ops(alloc::vec![
                                    const_expr::ConstOp::RefFunc(f)
                                ]));
                            }
                            items
                        }
                        wasmparser::ElementItems::Expressions(ty, exprs) => {
                            let mut items = Vec::new();
                            for e in exprs {
                                items.push(ConstExpr::parse(&e.map_err(reader_error)?)?);
                            }
                            convert_reftype(ty)?;
                            items
                        }
                    };
                    m.elems.push(ElemSegment { mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(reader_error)?;
                    let mode = match data.kind {
                        wasmparser::DataKind::Passive => SegmentMode::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: memory_index,
                            offset: ConstExpr::parse(&offset_expr)?,
                        },
                    };
                    m.datas.push(DataSegment {
                        mode,
                        bytes: data.data.into(),
                    });
                }
            }
            Payload::CodeSectionStart { count, range, .. } => {
                m.code.reserve_exact(count as usize);
                if m.lazy {
                    // One copy of the whole section: the bodies are translated from it later.
                    let section = bytes.get(range.clone()).ok_or_else(|| {
                        Error::malformed("code section extends past the end of the module", None)
                    })?;
                    m.code_section = section.into();
                    m.code_section_offset = range.start;
                }
            }
            Payload::CodeSectionEntry(_) => {
                let ValidPayload::Func(to_validate, body) = valid else {
                    return Err(internal!("the validator gave no function for a code entry"));
                };
                let code = if m.lazy {
                    let range = body.range();
                    let start = range.start.checked_sub(m.code_section_offset);
                    let end = range.end.checked_sub(m.code_section_offset);
                    let body = start
                        .zip(end)
                        .and_then(|(s, e)| Some(u32::try_from(s).ok()?..u32::try_from(e).ok()?))
                        .filter(|r| r.end as usize <= m.code_section.len())
                        .ok_or_else(|| {
                            internal!("a function body lies outside the code section")
                        })?;
                    FuncCode {
                        body,
                        compiled: OnceBox::new(),
                    }
                } else {
                    // Translated by `compile_bodies`.
                    FuncCode {
                        body: 0..0,
                        compiled: OnceBox::new(),
                    }
                };
                pending.push(compile::PendingBody { to_validate, body });
                m.code.push(code);
            }
            _ => {}
        }
    }
    Ok(())
}
