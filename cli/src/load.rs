//! Reading a module file: binary or text, detected by content.

use std::path::Path;

use crate::error::CliError;

/// The first four bytes of every binary WebAssembly module.
const WASM_MAGIC: &[u8; 4] = b"\0asm";

/// Reads `path` and returns the module in binary form: binary input is
/// returned as is, text input is converted with `wrt::wat2wasm`. Decoding and
/// validation are left to the caller.
pub fn module_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    let bytes = std::fs::read(path).map_err(|e| CliError::io(path, &e))?;
    if bytes.starts_with(WASM_MAGIC) {
        return Ok(bytes);
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) if !text.contains('\0') => text,
        _ => {
            return Err(CliError::failure(format!(
                "{}: not a WebAssembly module (binary modules start with `\\0asm`, \
                 and the file is not UTF-8 text either)",
                path.display()
            )))
        }
    };
    wrt::wat2wasm(text).map_err(|e| {
        let message = e.to_string();
        match text_error_location(&message) {
            Some((location, first_line)) => {
                CliError::failure(format!("{}:{location}: {first_line}", path.display()))
            }
            None => CliError::from_wasm(path.display(), &e),
        }
    })
}

/// Text-format errors come with a source snippet:
///
/// ```text
/// malformed module: expected `)`
///      --> <anon>:5:1
///   |
/// 5 |
///   | ^
/// ```
///
/// Returns the `LINE:COLUMN` and the first line, so the error can be shown as
/// `FILE:LINE:COLUMN: message` on one line.
fn text_error_location(message: &str) -> Option<(String, &str)> {
    let mut lines = message.lines();
    let first_line = lines.next()?.trim();
    let place = lines.find_map(|line| line.trim().strip_prefix("--> "))?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?;
    let line = parts.next()?;
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (number(line) && number(column)).then(|| (format!("{line}:{column}"), first_line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_text_error_location() {
        let message = "malformed module: expected `)`\n     --> <anon>:5:12\n  |\n5 |\n  | ^";
        assert_eq!(
            text_error_location(message),
            Some(("5:12".to_string(), "malformed module: expected `)`"))
        );
        assert_eq!(text_error_location("invalid module: type mismatch"), None);
    }
}
