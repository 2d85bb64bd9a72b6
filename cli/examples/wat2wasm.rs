//! Converts WebAssembly text to a binary module with wrt's own text parser.
//!
//! `cargo run -p wrtd --example wat2wasm -- IN.wat OUT.wasm`
//!
//! `examples/wasm/build.sh` uses it so that the shipped `.wasm` files come from
//! the same parser `wrtd` applies to `.wat` input, with nothing to install.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: wat2wasm IN.wat OUT.wasm");
        return ExitCode::from(2);
    };
    match convert(input, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn convert(input: &str, output: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(input).map_err(|e| format!("cannot read `{input}`: {e}"))?;
    let bytes = wrt::wat2wasm(&text).map_err(|e| format!("{input}: {e}"))?;
    std::fs::write(output, bytes).map_err(|e| format!("cannot write `{output}`: {e}"))
}
