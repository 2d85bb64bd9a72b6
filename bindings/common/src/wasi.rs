//! WASI preview 1: a plain-data configuration applied to a store through the C API
//! (`wrt_wasi_config_*`, `wrt_context_set_wasi`), captured output, and the linker definitions.

use std::ffi::CString;
use std::ptr;

use wrt::wrt_wasi_config_t;

use crate::error::{c_name, check, Result};
use crate::linker::Linker;
use crate::owned::{bytes_from, Owned};
use crate::store::Store;

/// What the guest's standard input reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum WasiInput {
    /// End of file at once (the default).
    #[default]
    Null,
    /// This process's standard input.
    Inherit,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
}

/// Where the guest's standard output or error goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WasiOutput {
    /// Discarded (the default).
    #[default]
    Null,
    /// This process's stream.
    Inherit,
    /// A buffer of the store (see `Store::wasi_take_stdout`).
    Capture,
}

/// A directory the guest may use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preopen {
    /// The host directory.
    pub host: String,
    /// The name the guest sees (`None`: the host path).
    pub guest: Option<String>,
    /// Whether the guest may only read below it.
    pub read_only: bool,
}

/// What a WASI guest may use. Nothing is granted by default: no arguments, an empty
/// environment, no files, stdin at end of file, output discarded, `proc_exit` refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WasiConfig {
    /// The command line; `args[0]` is the program name.
    pub args: Vec<String>,
    /// Environment variables in order: `(name, Some(value))` sets one, `(name, None)` passes
    /// on the host's value (if it has one).
    pub env: Vec<(String, Option<String>)>,
    /// Directories, given guest descriptors 3, 4, ... in this order.
    pub preopens: Vec<Preopen>,
    pub stdin: WasiInput,
    pub stdout: WasiOutput,
    pub stderr: WasiOutput,
    /// Whether `proc_exit` ends the run with an exit error (`WRT_ERROR_EXIT`) rather than
    /// failing like a trap.
    pub exit_allowed: bool,
}

impl WasiConfig {
    /// The configuration as a `wrt_wasi_config_t` of the C API, while it is applied.
    fn to_raw(&self) -> Result<Owned<wrt_wasi_config_t>> {
        // SAFETY: the constructor of WASI configurations.
        let raw = unsafe { Owned::new(|out| wrt::wrt_wasi_config_new(out)) }?;
        let c = raw.as_ptr();
        let args = self
            .args
            .iter()
            .map(|a| c_name(a, "argument"))
            .collect::<Result<Vec<CString>>>()?;
        let arg_ptrs: Vec<_> = args.iter().map(|a| a.as_ptr()).collect();
        // SAFETY: `c` is the live configuration created above; `arg_ptrs` holds pointers to
        // NUL-terminated strings that outlive the call.
        unsafe {
            check(wrt::wrt_wasi_config_set_args(
                c,
                arg_ptrs.as_ptr(),
                arg_ptrs.len(),
            ))
        }?;
        for (name, value) in &self.env {
            let name = c_name(name, "environment variable name")?;
            match value {
                Some(value) => {
                    let value = c_name(value, "environment variable value")?;
                    // SAFETY: `c` is live; both strings are NUL-terminated.
                    unsafe {
                        check(wrt::wrt_wasi_config_env_set(
                            c,
                            name.as_ptr(),
                            value.as_ptr(),
                        ))
                    }?;
                }
                None => {
                    // SAFETY: `c` is live; the string is NUL-terminated.
                    unsafe { check(wrt::wrt_wasi_config_env_inherit(c, name.as_ptr())) }?;
                }
            }
        }
        for dir in &self.preopens {
            let host = c_name(&dir.host, "directory")?;
            let guest = dir
                .guest
                .as_deref()
                .map(|g| c_name(g, "guest path"))
                .transpose()?;
            let guest_ptr = guest.as_ref().map_or(ptr::null(), |g| g.as_ptr());
            // SAFETY: `c` is live; `host` is NUL-terminated; `guest_ptr` is NULL or
            // NUL-terminated.
            unsafe {
                check(wrt::wrt_wasi_config_preopen_dir(
                    c,
                    host.as_ptr(),
                    guest_ptr,
                    dir.read_only,
                ))
            }?;
        }
        match &self.stdin {
            WasiInput::Null => {}
            // SAFETY: `c` is live.
            WasiInput::Inherit => unsafe { check(wrt::wrt_wasi_config_inherit_stdin(c)) }?,
            WasiInput::Bytes(data) => {
                // SAFETY: `c` is live; `data` is readable for its length.
                unsafe {
                    check(wrt::wrt_wasi_config_stdin_bytes(
                        c,
                        data.as_ptr(),
                        data.len(),
                    ))
                }?
            }
        }
        match self.stdout {
            WasiOutput::Null => {}
            // SAFETY: `c` is live.
            WasiOutput::Inherit => unsafe { check(wrt::wrt_wasi_config_inherit_stdout(c)) }?,
            // SAFETY: `c` is live.
            WasiOutput::Capture => unsafe { check(wrt::wrt_wasi_config_capture_stdout(c)) }?,
        }
        match self.stderr {
            WasiOutput::Null => {}
            // SAFETY: `c` is live.
            WasiOutput::Inherit => unsafe { check(wrt::wrt_wasi_config_inherit_stderr(c)) }?,
            // SAFETY: `c` is live.
            WasiOutput::Capture => unsafe { check(wrt::wrt_wasi_config_capture_stderr(c)) }?,
        }
        // SAFETY: `c` is live.
        unsafe { check(wrt::wrt_wasi_config_exit_allowed(c, self.exit_allowed)) }?;
        Ok(raw)
    }
}

impl Store {
    /// Gives the store a new WASI state built from `config` (`wrt_context_set_wasi`): opens
    /// the preopened directories and reads inherited variables now.
    pub fn set_wasi(&self, config: &WasiConfig) -> Result {
        let raw = config.to_raw()?;
        // SAFETY: the context is live; `raw` is a live configuration, borrowed for the call.
        unsafe { check(wrt::wrt_context_set_wasi(self.context(), raw.as_ptr())) }
    }

    /// Takes what guests wrote to the captured standard output.
    pub fn wasi_take_stdout(&self) -> Result<Vec<u8>> {
        // SAFETY: the function hands out bytes; the context is live.
        unsafe { bytes_from(|out| wrt::wrt_context_wasi_take_stdout(self.context(), out)) }
    }

    /// Takes what guests wrote to the captured standard error.
    pub fn wasi_take_stderr(&self) -> Result<Vec<u8>> {
        // SAFETY: the function hands out bytes; the context is live.
        unsafe { bytes_from(|out| wrt::wrt_context_wasi_take_stderr(self.context(), out)) }
    }
}

impl Linker {
    /// Defines the 46 functions of `wasi_snapshot_preview1` (`wrt_linker_define_wasi`).
    pub fn define_wasi(&self) -> Result {
        // SAFETY: the linker is live and definitions are serialised.
        self.defining(|raw| unsafe { check(wrt::wrt_linker_define_wasi(raw)) })
    }
}
