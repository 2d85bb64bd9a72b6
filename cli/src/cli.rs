//! The command-line surface of `wrtd`.
//!
//! Running a module is the default command (`wrtd MODULE ...`); everything else
//! is a subcommand. Run-time options live in [`RunArgs`], grouped by topic in
//! flattened structs (e.g. [`ResourceArgs`]); `run::engine_config` turns them
//! into a `wrt::Config`. A new group (WASI, ...) is one more flattened struct.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Text appended to `--help`; keep in sync with `error::exit` and the README.
const EXIT_CODES_HELP: &str = "\
Exit codes:
  0   success (for `wast`: every assertion passed)
  1   error: unreadable file, malformed or invalid module, missing import,
      unknown export, bad function arguments, a module that does not fit
      the --memory budget, or failed `wast` assertions
  2   command-line syntax error
  3   the WebAssembly code trapped (including \"out of fuel\")
  70  internal error in wrtd (a bug: please report it)

Errors are printed as one line on stderr starting with `error: `.";

#[derive(Debug, Parser)]
#[command(
    name = "wrtd",
    version,
    about = "Run WebAssembly modules with the wrt runtime",
    long_about = "Run WebAssembly modules with the wrt runtime.\n\n\
        `wrtd MODULE` calls the module's `_start` export, or `main` if there is no \
        `_start`; `--function NAME` calls another export. MODULE may be a binary \
        module (.wasm) or WebAssembly text (.wat); the format is detected from the \
        content. ARGS are converted to the function's parameter types and each \
        result is printed on its own line.",
    after_help = EXIT_CODES_HELP,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run WebAssembly spec scripts (.wast) and report passed/failed assertions
    Wast(WastArgs),
    /// Check that a module decodes and validates, without running it
    Validate(ValidateArgs),
}

/// Options of the default command: run one function of a module.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The module to run (.wasm binary or .wat text)
    #[arg(value_name = "MODULE", required = true)]
    pub module: Option<PathBuf>,

    /// Exported function to call [default: `_start`, else `main`]
    #[arg(long, value_name = "NAME")]
    pub function: Option<String>,

    /// Arguments for the function, converted to its parameter types
    /// (integers: decimal, negative allowed; floats: decimal, inf, -inf, nan).
    /// Options must come before the arguments.
    #[arg(value_name = "ARGS", allow_hyphen_values = true)]
    pub args: Vec<String>,

    // Option groups come last: each sets its own help heading, which would
    // otherwise also apply to the arguments declared after it.
    #[command(flatten)]
    pub resources: ResourceArgs,
}

/// Fuel, the memory budget, and memory profiling.
#[derive(Debug, Args)]
#[command(next_help_heading = "Resource limits and profiling")]
pub struct ResourceArgs {
    /// Give the run N units of fuel; it traps with "out of fuel" once they are
    /// used up. The start function and the called function share the fuel.
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,

    /// Memory budget in bytes for everything the run allocates: linear
    /// memories, tables, globals, stacks, translated code, runtime data.
    /// A module that needs more at instantiation is refused; `memory.grow`
    /// past the budget returns -1.
    #[arg(long, value_name = "BYTES")]
    pub memory: Option<u64>,

    /// After the run, print peak and current memory use by category, grow
    /// counts, and fuel consumed (with --fuel) on stderr.
    #[arg(long)]
    pub memory_profile: bool,

    /// Write the same profile as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub profile_json: Option<PathBuf>,
}

impl ResourceArgs {
    /// Whether a profile has to be collected at all.
    pub fn wants_profile(&self) -> bool {
        self.memory_profile || self.profile_json.is_some()
    }
}

#[derive(Debug, Args)]
pub struct WastArgs {
    /// Spec scripts to run
    #[arg(value_name = "FILE.wast", required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The module to check (.wasm binary or .wat text)
    #[arg(value_name = "MODULE")]
    pub module: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
