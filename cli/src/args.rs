//! Converting command-line arguments to WebAssembly values and results back
//! to text.

use std::fmt::Write as _;

use wrt::{FuncType, Val, ValType};

use crate::error::CliError;

/// Renders a function signature the way error messages show it,
/// e.g. `fib(i32) -> i64` or `pair(f32, f64) -> (i32, i32)`.
pub fn signature(name: &str, ty: &FuncType) -> String {
    let mut out = format!("{name}(");
    for (i, param) in ty.params().iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{param}");
    }
    out.push(')');
    match ty.results() {
        [] => {}
        [one] => {
            let _ = write!(out, " -> {one}");
        }
        many => {
            out.push_str(" -> (");
            for (i, result) in many.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{result}");
            }
            out.push(')');
        }
    }
    out
}

/// Rejects an option written after the function arguments. The arguments
/// accept values starting with `-` (`-5`, `-inf`), so clap hands such an
/// option over as an argument; no number starts with `--`.
pub fn reject_late_options(args: &[String]) -> Result<(), CliError> {
    match args.iter().find(|a| a.starts_with("--")) {
        Some(option) => Err(CliError::usage(format!(
            "`{option}` appears after the function arguments; options must come before them"
        ))),
        None => Ok(()),
    }
}

/// Without `--wasi`, rejects arguments after `--`: they are a WASI program's.
pub fn reject_program_args(program_args: &[String]) -> Result<(), CliError> {
    match program_args.first() {
        Some(first) => Err(CliError::usage(format!(
            "`{first}`: arguments after `--` are a WASI program's arguments; \
             add --wasi (function arguments go before `--`)"
        ))),
        None => Ok(()),
    }
}

/// Converts `args` to the parameter types of function `name`.
pub fn parse_params(name: &str, ty: &FuncType, args: &[String]) -> Result<Vec<Val>, CliError> {
    let params = ty.params();
    if params.len() != args.len() {
        let plural = if params.len() == 1 { "" } else { "s" };
        let verb = if args.len() == 1 { "was" } else { "were" };
        return Err(CliError::failure(format!(
            "`{name}` takes {} argument{plural} but {} {verb} given (signature: {})",
            params.len(),
            args.len(),
            signature(name, ty)
        )));
    }
    params
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (&param, arg))| {
            parse_value(param, arg).map_err(|why| {
                CliError::failure(format!(
                    "argument {} of `{name}`: {why} (signature: {})",
                    i + 1,
                    signature(name, ty)
                ))
            })
        })
        .collect()
}

/// Converts one argument to a value of type `ty`.
///
/// Integers accept the signed and the unsigned range of their width
/// (`-2147483648..=4294967295` for i32); floats accept decimal notation,
/// `inf`, `-inf` and `nan`.
pub fn parse_value(ty: ValType, text: &str) -> Result<Val, String> {
    let invalid = || format!("`{text}` is not a valid {ty}");
    match ty {
        ValType::I32 => {
            let wide: i64 = text.parse().map_err(|_| invalid())?;
            if wide < i64::from(i32::MIN) || wide > i64::from(u32::MAX) {
                return Err(format!(
                    "`{text}` is out of range for i32 (-2147483648..=4294967295)"
                ));
            }
            // Values above i32::MAX are the unsigned reading of the same bits.
            Ok(Val::I32(wide as u32 as i32))
        }
        ValType::I64 => {
            let wide: i128 = text.parse().map_err(|_| invalid())?;
            if wide < i128::from(i64::MIN) || wide > i128::from(u64::MAX) {
                return Err(format!(
                    "`{text}` is out of range for i64 (-9223372036854775808..=18446744073709551615)"
                ));
            }
            Ok(Val::I64(wide as u64 as i64))
        }
        ValType::F32 => {
            let x: f32 = parse_float(text).ok_or_else(invalid)?;
            Ok(Val::F32(x.to_bits()))
        }
        ValType::F64 => {
            let x: f64 = parse_float(text).ok_or_else(invalid)?;
            Ok(Val::F64(x.to_bits()))
        }
        other => Err(format!(
            "parameters of type {other} cannot be given on the command line"
        )),
    }
}

/// Decimal floats plus `inf`, `-inf`, `+inf` and `nan` (any case). Rust's own
/// parser also takes `infinity`; that is harmless.
fn parse_float<F: std::str::FromStr>(text: &str) -> Option<F> {
    // `FromStr` already rejects these; be explicit about the contract.
    if text.is_empty() || text.trim() != text {
        return None;
    }
    text.parse().ok()
}

/// Renders a result: integers as signed decimal, floats with Rust's `Display`.
pub fn format_val(val: &Val) -> String {
    match val {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".to_string(),
        Val::FuncRef(Some(_)) => "funcref".to_string(),
        Val::ExternRef(Some(_)) => "externref".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i32_accepts_signed_and_unsigned_range() {
        assert_eq!(
            parse_value(ValType::I32, "-2147483648"),
            Ok(Val::I32(i32::MIN))
        );
        assert_eq!(parse_value(ValType::I32, "4294967295"), Ok(Val::I32(-1)));
        assert_eq!(parse_value(ValType::I32, "42"), Ok(Val::I32(42)));
        assert!(parse_value(ValType::I32, "4294967296").is_err());
        assert!(parse_value(ValType::I32, "-2147483649").is_err());
        assert!(parse_value(ValType::I32, "1.5").is_err());
        assert!(parse_value(ValType::I32, "").is_err());
    }

    #[test]
    fn i64_accepts_signed_and_unsigned_range() {
        assert_eq!(
            parse_value(ValType::I64, "-9223372036854775808"),
            Ok(Val::I64(i64::MIN))
        );
        assert_eq!(
            parse_value(ValType::I64, "18446744073709551615"),
            Ok(Val::I64(-1))
        );
        assert!(parse_value(ValType::I64, "18446744073709551616").is_err());
        assert!(parse_value(ValType::I64, "-9223372036854775809").is_err());
    }

    #[test]
    fn floats_accept_specials() {
        assert_eq!(
            parse_value(ValType::F32, "1.5"),
            Ok(Val::F32(1.5f32.to_bits()))
        );
        assert_eq!(
            parse_value(ValType::F64, "-inf"),
            Ok(Val::F64(f64::NEG_INFINITY.to_bits()))
        );
        assert_eq!(
            parse_value(ValType::F64, "inf"),
            Ok(Val::F64(f64::INFINITY.to_bits()))
        );
        match parse_value(ValType::F32, "nan") {
            Ok(Val::F32(bits)) => assert!(f32::from_bits(bits).is_nan()),
            other => panic!("unexpected {other:?}"),
        }
        assert!(parse_value(ValType::F64, "abc").is_err());
        assert!(parse_value(ValType::F64, " 1").is_err());
    }

    #[test]
    fn formats_results() {
        assert_eq!(format_val(&Val::I32(-1)), "-1");
        assert_eq!(format_val(&Val::I64(i64::MIN)), "-9223372036854775808");
        assert_eq!(format_val(&Val::F32(2.5f32.to_bits())), "2.5");
        assert_eq!(format_val(&Val::F64(f64::NEG_INFINITY.to_bits())), "-inf");
    }

    #[test]
    fn renders_signatures() {
        let ty = FuncType::new([ValType::I32, ValType::F64], [ValType::I64]);
        assert_eq!(signature("f", &ty), "f(i32, f64) -> i64");
        let ty = FuncType::new([], []);
        assert_eq!(signature("g", &ty), "g()");
        let ty = FuncType::new([], [ValType::I32, ValType::I32]);
        assert_eq!(signature("h", &ty), "h() -> (i32, i32)");
    }
}
