//! `--wasi` in a wrtd built without its `wasi` feature: refused, saying why.

use crate::cli::RunArgs;
use crate::error::CliError;

/// No WASI setup exists in this build: [`Plan::from_args`] always refuses.
#[derive(Debug)]
pub enum Plan {}

impl Plan {
    /// Refuses `--wasi`: this build has no WASI.
    pub fn from_args(_opts: &RunArgs, _program_args: &[String]) -> Result<Plan, CliError> {
        Err(CliError::failure(
            "--wasi: this wrtd was built without WASI (its `wasi` feature, on by default)",
        ))
    }
}
