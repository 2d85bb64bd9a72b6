//! A decode-only pass over a whole module, run only after compiling it failed.
//!
//! The specification decodes a module completely before validating any of it, so a module that
//! is both malformed and invalid is malformed, whatever comes first in the binary. wrt checks
//! sections and bodies as it reads them, and wasmparser's validator also reads parts of the
//! binary, so the first error found can be a validation error in front of a decoding error, or
//! a decoding error the validator reports. This pass settles it: it reads every section, item,
//! constant expression and function body and checks the rules of the binary format that the
//! specification applies while decoding (section order, matching counts, block structure), and
//! nothing of validation. Its error, if any, is the module's error.

use alloc::format;
use alloc::string::String;

use wasmparser::{
    BinaryReader, BinaryReaderError, ConstExpr, ElementItems, ElementKind, FunctionBody, Operator,
    Parser, Payload, TableInit, TypeRef, ValType,
};

use super::proposals::{walk_globals, GlobalPart, GlobalsError};
use crate::error::Error;

/// The decoding error of `bytes`, if any. `None` also when the pass meets something it cannot
/// decide, such as an operator this build's reader does not decode: then the original error
/// stands.
pub(super) fn malformation(bytes: &[u8]) -> Option<Error> {
    match decode(bytes) {
        Ok(()) | Err(Problem::Undecided) => None,
        Err(Problem::Reader(e)) => Some(super::reader_error(e)),
        Err(Problem::Format(message, offset)) => Some(Error::malformed(message, Some(offset))),
    }
}

enum Problem {
    Reader(BinaryReaderError),
    Format(String, usize),
    /// Reading an operator failed on an encoding this build's reader does not decode (SIMD), or
    /// on a rule of validation the reader checks (see `proposals::undecodable`): decoding cannot
    /// go on, and nothing is known to be malformed.
    Undecided,
}

/// The error of reading the operator at `offset` of what `reader` reads.
fn operator_problem(e: BinaryReaderError, reader: BinaryReader<'_>, offset: usize) -> Problem {
    match super::proposals::undecodable(reader, offset) {
        Some(_) => Problem::Undecided,
        None => Problem::Reader(e),
    }
}

impl From<BinaryReaderError> for Problem {
    fn from(e: BinaryReaderError) -> Problem {
        Problem::Reader(e)
    }
}

type Decoded = core::result::Result<(), Problem>;

fn format_error(message: &str, offset: usize) -> Problem {
    Problem::Format(message.into(), offset)
}

/// Where a section may appear: sections must come in this order, each at most once.
fn rank(id: u8) -> Option<u8> {
    Some(match id {
        1..=5 => id,     // type, import, function, table, memory
        13 => 6,         // tag
        6..=9 => id + 1, // global, export, start, element
        12 => 11,        // data count
        10 => 12,        // code
        11 => 13,        // data
        _ => return None,
    })
}

fn decode(bytes: &[u8]) -> Decoded {
    let mut last_rank = 0;
    let mut funcs: u64 = 0;
    let mut bodies: u64 = 0;
    let mut data_count: Option<u32> = None;
    let mut datas: u32 = 0;
    let mut needs_data_count = false;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        // A section's contents must lie inside the module. wasmparser accepts a last section
        // whose declared size runs past the end when its items end before it does.
        if let Some((_, range)) = payload.as_section() {
            if range.end > bytes.len() {
                return Err(format_error(
                    "section extends past the end of the module",
                    range.start,
                ));
            }
        }
        // Custom sections (id 0) may appear anywhere.
        if let Some((id @ 1.., range)) = payload.as_section() {
            let Some(rank) = rank(id) else {
                return Err(format_error(
                    &format!("malformed section id: {id}"),
                    range.start,
                ));
            };
            if rank <= last_rank {
                return Err(format_error(
                    "unexpected section (out of order or repeated)",
                    range.start,
                ));
            }
            last_rank = rank;
        }
        match payload {
            // A component: `Module::new` already said it is not supported.
            Payload::Version {
                encoding: wasmparser::Encoding::Component,
                ..
            } => return Ok(()),
            Payload::UnknownSection { id, range, .. } => {
                return Err(format_error(
                    &format!("malformed section id: {id}"),
                    range.start,
                ));
            }
            Payload::TypeSection(reader) => {
                for group in reader {
                    group?;
                }
            }
            Payload::ImportSection(reader) => {
                let start = reader.range().start;
                for import in reader {
                    if let TypeRef::Global(g) = import?.ty {
                        if g.shared {
                            return Err(format_error("malformed mutability", start));
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                funcs = u64::from(reader.count());
                for f in reader {
                    f?;
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    if let TableInit::Expr(e) = table?.init {
                        const_expr(&e)?;
                    }
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    memory?;
                }
            }
            Payload::GlobalSection(reader) => {
                let range = reader.range();
                let section = bytes
                    .get(range.clone())
                    .ok_or_else(|| format_error("unexpected end", range.start))?;
                let walked =
                    walk_globals(
                        BinaryReader::new(section, range.start),
                        |part, _| match part {
                            GlobalPart::Type { ty, init_at } if ty.shared => Some(init_at),
                            _ => None,
                        },
                    );
                match walked {
                    Ok(None) => {}
                    Ok(Some(offset)) => return Err(format_error("malformed mutability", offset)),
                    Err(GlobalsError::Read(e)) => return Err(Problem::Reader(e)),
                    Err(GlobalsError::TrailingData(offset)) => {
                        return Err(format_error(
                            "section size mismatch: unexpected data at the end of the section",
                            offset,
                        ))
                    }
                    Err(GlobalsError::Operator(_)) => return Err(Problem::Undecided),
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    export?;
                }
            }
            Payload::ElementSection(reader) => {
                for elem in reader {
                    let elem = elem?;
                    if let ElementKind::Active { offset_expr, .. } = &elem.kind {
                        const_expr(offset_expr)?;
                    }
                    match elem.items {
                        ElementItems::Functions(funcs) => {
                            for f in funcs {
                                f?;
                            }
                        }
                        ElementItems::Expressions(_, exprs) => {
                            for e in exprs {
                                const_expr(&e?)?;
                            }
                        }
                    }
                }
            }
            Payload::DataCountSection { count, .. } => data_count = Some(count),
            Payload::DataSection(reader) => {
                if data_count.is_some_and(|n| n != reader.count()) {
                    return Err(format_error(
                        "data count and data section have inconsistent lengths",
                        reader.range().start,
                    ));
                }
                datas = reader.count();
                for data in reader {
                    if let wasmparser::DataKind::Active { offset_expr, .. } = &data?.kind {
                        const_expr(offset_expr)?;
                    }
                }
            }
            Payload::CodeSectionStart { count, range, .. } if u64::from(count) != funcs => {
                return Err(format_error(
                    "function and code section have inconsistent lengths",
                    range.start,
                ));
            }
            Payload::CodeSectionEntry(body) => {
                bodies += 1;
                needs_data_count |= function_body(&body)?;
            }
            Payload::End(offset) => {
                if bodies != funcs {
                    return Err(format_error(
                        "function and code section have inconsistent lengths",
                        offset,
                    ));
                }
                if data_count.is_some_and(|n| n != datas) {
                    return Err(format_error(
                        "data count and data section have inconsistent lengths",
                        offset,
                    ));
                }
                if needs_data_count && data_count.is_none() {
                    return Err(format_error("data count section required", offset));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Reads a constant expression up to its final `end`.
fn const_expr(expr: &ConstExpr<'_>) -> Decoded {
    let mut reader = expr.get_binary_reader();
    loop {
        let offset = reader.original_position();
        let op = reader
            .read_operator()
            .map_err(|e| operator_problem(e, expr.get_binary_reader(), offset))?;
        if reader.eof() {
            return match op {
                Operator::End => Ok(()),
                _ => Err(format_error("END opcode expected", offset)),
            };
        }
    }
}

/// Reads a function body: its locals, and operators whose blocks close exactly at its end.
/// Returns whether it uses an instruction that needs the data count section.
fn function_body(body: &FunctionBody<'_>) -> core::result::Result<bool, Problem> {
    let mut reader: BinaryReader<'_> = body.get_binary_reader();
    let groups = reader.read_var_u32()?;
    let mut locals: u64 = 0;
    for _ in 0..groups {
        let offset = reader.original_position();
        locals += u64::from(reader.read_var_u32()?);
        if locals > u64::from(u32::MAX) {
            return Err(format_error("too many locals", offset));
        }
        reader.read::<ValType>()?;
    }
    reader.set_features(super::features());
    let mut depth: u64 = 1;
    let mut needs_data_count = false;
    while !reader.eof() {
        let offset = reader.original_position();
        if depth == 0 {
            return Err(format_error(
                "operators remaining after end of function",
                offset,
            ));
        }
        let op = reader
            .read_operator()
            .map_err(|e| operator_problem(e, body.get_binary_reader(), offset))?;
        match op {
            // Every block of every proposal the reader decodes: a block of a proposal this build
            // does not implement is the validator's to report, not a structure to misread.
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Try { .. }
            | Operator::TryTable { .. } => depth += 1,
            // `delegate` ends a `try` in place of its `end`.
            Operator::End | Operator::Delegate { .. } => depth -= 1,
            Operator::MemoryInit { .. } | Operator::DataDrop { .. } => needs_data_count = true,
            Operator::I32Load { memarg }
            | Operator::I64Load { memarg }
            | Operator::F32Load { memarg }
            | Operator::F64Load { memarg }
            | Operator::I32Load8S { memarg }
            | Operator::I32Load8U { memarg }
            | Operator::I32Load16S { memarg }
            | Operator::I32Load16U { memarg }
            | Operator::I64Load8S { memarg }
            | Operator::I64Load8U { memarg }
            | Operator::I64Load16S { memarg }
            | Operator::I64Load16U { memarg }
            | Operator::I64Load32S { memarg }
            | Operator::I64Load32U { memarg }
            | Operator::I32Store { memarg }
            | Operator::I64Store { memarg }
            | Operator::F32Store { memarg }
            | Operator::F64Store { memarg }
            | Operator::I32Store8 { memarg }
            | Operator::I32Store16 { memarg }
            | Operator::I64Store8 { memarg }
            | Operator::I64Store16 { memarg }
            | Operator::I64Store32 { memarg }
                if memarg.align >= 32 =>
            {
                // The alignment is a power of two whose exponent must fit the flags' low bits.
                return Err(format_error("malformed memop flags", offset));
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(format_error(
            "END opcode expected",
            reader.original_position(),
        ));
    }
    Ok(needs_data_count)
}

#[cfg(test)]
mod tests {
    use crate::{Engine, Error, ErrorKind, Module};
    use alloc::vec::Vec;

    const HEADER: [u8; 8] = *b"\0asm\x01\0\0\0";

    fn module(sections: &[&[u8]]) -> Vec<u8> {
        let mut bytes = HEADER.to_vec();
        for s in sections {
            bytes.extend_from_slice(s);
        }
        bytes
    }

    fn compile(bytes: &[u8]) -> Result<Module, Error> {
        Module::new(&Engine::default(), bytes)
    }

    const TYPE_I32: &[u8] = &[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f];
    const FUNC: &[u8] = &[0x03, 0x02, 0x01, 0x00];
    const MEMORY: &[u8] = &[0x05, 0x03, 0x01, 0x00, 0x01];
    /// One body returning an i64 where the type says i32: invalid.
    const BAD_BODY: &[u8] = &[0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b];
    /// A data section that declares five segments and holds none: malformed.
    const SHORT_DATA: &[u8] = &[0x0b, 0x01, 0x05];

    #[test]
    fn malformed_anywhere_beats_invalid_before_it() {
        let invalid = module(&[TYPE_I32, FUNC, MEMORY, BAD_BODY]);
        assert!(
            matches!(compile(&invalid), Err(e) if matches!(e.kind(), ErrorKind::Invalid { .. }))
        );
        let both = module(&[TYPE_I32, FUNC, MEMORY, BAD_BODY, SHORT_DATA]);
        let err = compile(&both).err().unwrap();
        assert!(matches!(err.kind(), ErrorKind::Malformed { .. }), "{err}");
    }

    #[test]
    fn binary_format_rules_the_validator_checks_are_malformed() {
        let body = |ops: &[u8]| {
            let mut s = alloc::vec![0x0a, ops.len() as u8 + 3, 0x01, ops.len() as u8 + 1, 0x00];
            s.extend_from_slice(ops);
            s
        };
        let cases: [(&str, Vec<u8>); 5] = [
            (
                "out of order",
                module(&[FUNC, TYPE_I32, &body(&[0x41, 0, 0x0b])]),
            ),
            ("counts", module(&[TYPE_I32, FUNC])),
            ("no end", module(&[TYPE_I32, FUNC, &body(&[0x41, 0])])),
            // i32.load with alignment 2^32.
            (
                "memop flags",
                module(&[
                    TYPE_I32,
                    FUNC,
                    MEMORY,
                    &body(&[0x41, 0, 0x28, 0x20, 0x00, 0x0b]),
                ]),
            ),
            // A data count section and no data section.
            ("data count", module(&[MEMORY, &[0x0c, 0x01, 0x01]])),
        ];
        for (what, bytes) in cases {
            let err = compile(&bytes).err().unwrap();
            assert!(
                matches!(err.kind(), ErrorKind::Malformed { .. }),
                "{what}: {err}"
            );
        }
    }

    /// Cutting a valid module short never makes it invalid: every prefix is malformed, or (cut
    /// between sections) a smaller valid module.
    #[test]
    fn every_prefix_of_a_module_is_malformed_or_valid() {
        let wasm = wat::parse_str(
            r#"(module
                 (type $t (func (param i32) (result i32)))
                 (import "env" "f" (func $f (type $t)))
                 (import "env" "g" (global $g i32))
                 (table 2 funcref)
                 (memory 1 2)
                 (global $h (mut i64) (i64.const -1))
                 (export "run" (func $run))
                 (start $init)
                 (elem (i32.const 0) $run $f)
                 (func $init)
                 (func $run (type $t)
                   (loop
                     (if (local.get 0) (then
                       (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                       (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1))
                       (br 1))))
                   (i32.load offset=4 (global.get $g)))
                 (data "passive")
                 (data (i32.const 8) "active"))"#,
        )
        .unwrap();
        compile(&wasm).unwrap();
        for len in 0..wasm.len() {
            match compile(&wasm[..len]) {
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::Malformed { .. }) => {}
                Err(other) => panic!("{len} of {} bytes: {other}", wasm.len()),
            }
        }
    }

    /// A last section that declares more bytes than the module has is malformed even when its
    /// items end before the module does, and every mode says so (lazy translation used to find
    /// it while eager translation reported the invalid body first).
    #[test]
    fn a_last_section_longer_than_the_module_is_malformed_in_every_mode() {
        let mut long_code = BAD_BODY.to_vec();
        long_code[1] += 4; // declares 4 bytes more than follow
        let bytes = module(&[TYPE_I32, FUNC, MEMORY, &long_code]);
        for lazy in [true, false] {
            let engine = Engine::new(crate::Config::new().lazy_translation(lazy));
            let err = Module::new(&engine, &bytes).err().unwrap();
            assert_eq!(
                alloc::format!("{err}"),
                "malformed module: section extends past the end of the module (at offset 0x1a)",
                "lazy: {lazy}"
            );
        }
    }

    #[test]
    fn components_are_unsupported_and_other_versions_malformed() {
        let component = b"\0asm\x0d\0\x01\0";
        assert!(
            matches!(compile(component), Err(e) if matches!(e.kind(), ErrorKind::Unsupported { .. }))
        );
        let layer_without_version = b"\0asm\0\0\x01\0";
        assert!(matches!(
            compile(layer_without_version),
            Err(e) if matches!(e.kind(), ErrorKind::Malformed { .. })
        ));
    }

    #[test]
    fn a_typed_select_of_two_results_is_invalid() {
        // select (result i32 i32): the binary reader rejects it, the specification in validation.
        let ops = [
            0x41, 0, 0x41, 0, 0x41, 0, 0x41, 0, 0x41, 1, 0x1c, 0x02, 0x7f, 0x7f, 0x1a, 0x1a, 0x0b,
        ];
        let mut code = alloc::vec![0x0a, ops.len() as u8 + 3, 0x01, ops.len() as u8 + 1, 0x00];
        code.extend_from_slice(&ops);
        let bytes = module(&[&[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], FUNC, &code]);
        let err = compile(&bytes).err().unwrap();
        assert!(matches!(err.kind(), ErrorKind::Invalid { .. }), "{err}");
    }
}
