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
mod wasi;
mod wast_cmd;

use clap::Parser;

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
