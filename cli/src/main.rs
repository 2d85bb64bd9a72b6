//! `wrtd`: run, validate and spec-test WebAssembly modules with the wrt runtime.
//!
//! The binary is deliberately thin: `cli` holds the command-line surface, each
//! subcommand lives in its own module, and `error` maps every failure to one
//! `error: ...` line on stderr plus a documented exit code.

mod args;
mod cli;
mod error;
mod load;
mod nostd;
mod profile;
mod run;
mod validate;
#[cfg(feature = "wasi")]
mod wasi;
#[cfg(not(feature = "wasi"))]
#[path = "no_wasi.rs"]
mod wasi;
mod wast_cmd;

use clap::Parser;
use wrt::Config;

/// The configuration every command starts from: `Config::safety_critical()` in a build with the
/// `safety-critical` feature, `Config::default()` otherwise. Command-line options change it.
pub(crate) fn base_config() -> Config {
    if cfg!(feature = "safety-critical") {
        Config::safety_critical()
    } else {
        Config::default()
    }
}

fn main() {
    error::install_panic_hook();
    // On a syntax error clap prints its own message and exits with 2.
    let cli = cli::Cli::parse();
    let result = error::catch_panics(|| match &cli.command {
        Some(cli::Command::Wast(opts)) => wast_cmd::main(opts),
        Some(cli::Command::Validate(opts)) => validate::main(opts),
        None => run::main(&cli.run),
    });
    error::exit_with(result)
}
