//! `wrtd validate MODULE`: decode and validate without running anything.

use std::io::Write;

use wrt::{Engine, Module};

use crate::cli::ValidateArgs;
use crate::error::CliError;
use crate::load;

pub fn main(opts: &ValidateArgs) -> Result<(), CliError> {
    let path = opts.module.as_path();
    let engine = Engine::new(&crate::base_config());
    let bytes = load::module_bytes(path)?;
    Module::validate(&engine, &bytes).map_err(|e| CliError::from_wasm(path.display(), &e))?;
    writeln!(std::io::stdout().lock(), "valid")
        .map_err(|e| CliError::failure(format!("cannot write the result: {e}")))
}
