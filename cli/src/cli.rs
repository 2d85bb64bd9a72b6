//! The command-line surface of `wrtd`.
//!
//! Running a module is the default command (`wrtd MODULE ...`); everything else
//! is a subcommand. Run-time options live in [`RunArgs`], grouped by topic in
//! flattened structs (e.g. [`ResourceArgs`]); `run::engine_config` turns them
//! into a `wrt::Config`, `wasi::Plan` turns [`WasiArgs`] into a WASI context.
//! A new group is one more flattened struct.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Text appended to `--help`; keep in sync with `error::exit` and docs/cli.md.
const EXIT_CODES_HELP: &str = "\
Exit codes:
  0   success (for `wast`: every assertion passed)
  1   error: unreadable file, malformed or invalid module, missing import,
      unknown export, bad function arguments, a module that does not fit
      the --memory budget, a --wasi-fs directory that does not exist, an
      unsupported feature (component model, WASI preview 2), or failed
      `wast` assertions
  2   command-line syntax error (including options that cannot be combined,
      such as --no-std with --wasi-fs)
  3   the WebAssembly code trapped (including \"out of fuel\")
  70  internal error in wrtd (a bug: please report it)
  N   with --wasi: the program called proc_exit(N) (0 is success)

Errors are printed as one line on stderr starting with `error: `.";

#[derive(Debug, Parser)]
#[command(
    name = "wrtd",
    version,
    about = "Run WebAssembly modules with the wrt runtime",
    long_about = "Run WebAssembly modules with the wrt runtime.\n\n\
        `wrtd MODULE` calls the module's `_start` export, or `main` if there is no \
        `_start`; `--function NAME` calls another export (after `_initialize`, when \
        the module exports one, as WASI reactors do). MODULE may be a binary \
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

    /// With --wasi: the program's arguments (after `--`, following any
    /// --wasi-arg values; argv[0] is the module's file name)
    #[arg(value_name = "PROGRAM_ARGS", last = true)]
    pub program_args: Vec<String>,

    // Option groups come last: each sets its own help heading, which would
    // otherwise also apply to the arguments declared after it.
    #[command(flatten)]
    pub resources: ResourceArgs,

    #[command(flatten)]
    pub mode: ModeArgs,

    #[command(flatten)]
    pub wasi: WasiArgs,

    #[command(flatten)]
    pub component: ComponentArgs,
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

impl RunArgs {
    /// The function's arguments and the WASI program's arguments (everything
    /// after `--`). Once ARGS has started, clap hands a later `--` over as one
    /// more argument (ARGS accept values starting with `-`), so the split
    /// happens here as well.
    pub fn split_args(&self) -> (&[String], Vec<String>) {
        match self.args.iter().position(|a| a == "--") {
            Some(i) => {
                let mut program = self.args[i + 1..].to_vec();
                program.extend(self.program_args.iter().cloned());
                (&self.args[..i], program)
            }
            None => (&self.args, self.program_args.clone()),
        }
    }
}

/// How the runtime is configured as a whole.
#[derive(Debug, Args)]
#[command(next_help_heading = "Runtime mode")]
pub struct ModeArgs {
    /// Run the module as a no_std build of wrt would: a 1 MiB memory budget
    /// (unless --memory says otherwise), small call-depth and stack limits,
    /// one instance, memory and table, linear memory on the heap (as with
    /// --no-platform-opt), and with --wasi only the WASI subset
    /// that needs no operating system (args, environment, clocks, random,
    /// stdout/stderr, proc_exit; no files, sockets, stdin or sleeping). The
    /// module still runs; `wrtd validate` checks a module without running it.
    #[arg(long)]
    pub no_std: bool,

    /// Use the portable code instead of platform-specific speed-ups: linear
    /// memory lives in a heap buffer that is copied when it grows, instead of
    /// an address-space reservation (mmap, on 64-bit Unix) that grows in
    /// place. Results, fuel and the memory profile are the same either way.
    /// --no-std implies it.
    #[arg(long)]
    pub no_platform_opt: bool,
    /// Translate every function when the module is loaded, instead of each
    /// on its first call (the default). Loading takes longer, first calls
    /// have no translation delay, and with --memory the module's code is
    /// charged at instantiation rather than as functions are first called.
    #[arg(long)]
    pub eager_translation: bool,
}

/// WASI preview 1 (`wasi_snapshot_preview1`) for the module.
#[derive(Debug, Args)]
#[command(next_help_heading = "WASI")]
pub struct WasiArgs {
    /// Provide WASI preview 1 to the module. A command (`_start`) runs with
    /// the standard streams of wrtd; `proc_exit(N)` makes wrtd exit with N.
    /// The program gets no files, variables or sockets unless granted below.
    #[arg(long)]
    pub wasi: bool,

    /// The WASI version [default: preview1]. preview2 needs the component
    /// model, which is not supported yet.
    #[arg(long, value_enum, value_name = "VERSION", requires = "wasi")]
    pub wasi_version: Option<WasiVersion>,

    /// Give the program a directory (read-write): `DIR` under the same path,
    /// or `HOST::GUEST` to show the host directory HOST as GUEST. Repeatable.
    #[arg(long, value_name = "DIR|HOST::GUEST", requires = "wasi")]
    pub wasi_fs: Vec<String>,

    /// Give the program an environment variable: `NAME` passes this
    /// process's value (if it has one), `NAME=VALUE` sets one. Repeatable.
    #[arg(long, value_name = "NAME[=VALUE]", requires = "wasi")]
    pub wasi_env: Vec<String>,

    /// Add an argument for the program (before those after `--`). Repeatable.
    #[arg(
        long,
        value_name = "ARG",
        allow_hyphen_values = true,
        requires = "wasi"
    )]
    pub wasi_arg: Vec<String>,

    /// Listen on a TCP address (e.g. 127.0.0.1:8080) and give the program the
    /// listening socket for sock_accept; it gets the descriptor after the
    /// directories (3 when there are none). Repeatable.
    #[arg(long, value_name = "ADDR", requires = "wasi")]
    pub wasi_tcplisten: Vec<String>,

    /// Print each WASI call of the program on stderr, like strace: the
    /// function, its arguments, the errno and the values it returned (lines
    /// start with `wasi: `; the first lists what was granted). Shows which
    /// call failed, e.g. ENOTCAPABLE for a path outside every --wasi-fs.
    #[arg(long, requires = "wasi")]
    pub wasi_trace: bool,
}

/// Values of `--wasi-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WasiVersion {
    /// `wasi_snapshot_preview1`
    Preview1,
    /// WASI 0.2 (needs the component model: not supported yet)
    Preview2,
}

/// The component model: not implemented. The options exist so that asking
/// for it fails with a clear error instead of being ignored.
#[derive(Debug, Args)]
#[command(next_help_heading = "Component model (not supported yet)")]
pub struct ComponentArgs {
    /// Run a WebAssembly component. Not supported yet: fails with an error.
    #[arg(long)]
    pub component: bool,

    /// Register a component interface. Not supported yet: fails with an error.
    #[arg(long, value_name = "NAME")]
    pub interface: Vec<String>,
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
