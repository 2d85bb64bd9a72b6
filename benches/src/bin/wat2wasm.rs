//! `wat2wasm IN.wat OUT.wasm`: compiles a WebAssembly text file with the `wat` crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: wat2wasm IN.wat OUT.wasm");
        return ExitCode::from(2);
    };
    let bytes = match wat::parse_file(input) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("{input}: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = std::fs::write(output, bytes) {
        eprintln!("{output}: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
