//! WASI preview 1: configurations, attaching one to a store, and the 46
//! `wasi_snapshot_preview1` functions in a linker.

use std::ffi::c_char;
use std::ptr::addr_of;
use std::sync::atomic::Ordering;

use wrt_core::{Error, ErrorKind};
use wrt_wasi::{self as wasi, BytesInput, MemoryOutput, WasiCapabilities, WasiCtx};

use crate::error::{
    c_slice, c_str, fail, guard, invalid_arg, need_out, new_object, null_arg, release, write_out,
    wrt_error_t, CResult, Fail, WRT_ERROR_INVALID_ARGUMENT, WRT_ERROR_UNSUPPORTED,
};
use crate::linker::{linker_mut, wrt_linker_t};
use crate::module::{bytes_from_vec, wrt_bytes_t};
use crate::store::{with_context, wrt_context_t, Cx, StoreData};

/// What the guest's standard input reads.
#[derive(Clone)]
enum Input {
    /// Nothing: end of input at once.
    Null,
    /// This process's standard input.
    Inherit,
    /// A fixed byte string, then end of input.
    Bytes(Vec<u8>),
}

/// Where the guest's standard output or error goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    /// Discarded.
    Null,
    /// This process's standard output or error.
    Inherit,
    /// A buffer of the store, read with `wrt_context_wasi_take_stdout` / `_stderr`.
    Capture,
}

/// What a WASI guest may use: arguments, environment variables, preopened directories, standard
/// streams, and whether it may exit. Nothing is granted by default: no arguments, an empty
/// environment, no files, standard input at end of file, output discarded, `proc_exit` refused.
///
/// Owned by the caller of `wrt_wasi_config_new`; release with `wrt_wasi_config_delete`. A
/// configuration is plain data (directories are opened only by `wrt_context_set_wasi`), so one
/// configuration may be applied to any number of stores. Not synchronised: change it from one
/// thread at a time, and not while `wrt_context_set_wasi` reads it on another thread.
pub struct wrt_wasi_config_t {
    capabilities: WasiCapabilities,
    args: Vec<String>,
    stdin: Input,
    stdout: Output,
    stderr: Output,
}

/// The WASI state of a store: the context its guests use and the buffers of captured output.
pub(crate) struct WasiState {
    ctx: WasiCtx,
    /// False until `wrt_context_set_wasi`; until then `ctx` grants nothing and instantiating a
    /// module that imports WASI through `wrt_linker_define_wasi` is refused.
    configured: bool,
    stdout: Option<MemoryOutput>,
    stderr: Option<MemoryOutput>,
}

impl WasiState {
    /// The state of a new store: a context that grants nothing.
    pub(crate) fn unconfigured() -> CResult<Self> {
        Ok(WasiState {
            ctx: WasiCtx::builder().build()?,
            configured: false,
            stdout: None,
            stderr: None,
        })
    }

    pub(crate) fn configured(&self) -> bool {
        self.configured
    }
}

/// The WASI context in a store's data, for the functions `wrt_linker_define_wasi` defines.
fn wasi_ctx(data: &mut StoreData) -> &mut WasiCtx {
    &mut data.wasi.ctx
}

/// # Safety
/// `config` must be NULL or a live configuration not used elsewhere during the call.
unsafe fn config_mut<'a>(config: *mut wrt_wasi_config_t) -> CResult<&'a mut wrt_wasi_config_t> {
    // SAFETY: NULL or live and unaliased (caller's contract).
    unsafe { config.as_mut() }.ok_or_else(|| null_arg("config"))
}

/// Checks an environment variable name: not empty, no `=`.
fn env_name(name: &str) -> CResult<&str> {
    if name.is_empty() || name.contains('=') {
        Err(invalid_arg(format_args!(
            "invalid environment variable name {name:?}: it must be non-empty and contain no '='"
        )))
    } else {
        Ok(name)
    }
}

/// A failure to build the guest's context (a directory that cannot be opened, ...): the
/// configuration was unusable.
fn build_error(error: Error) -> Fail {
    match error.kind() {
        ErrorKind::Host(message) => fail(WRT_ERROR_INVALID_ARGUMENT, message),
        _ => error.into(),
    }
}

/// Creates a configuration that grants nothing (see `wrt_wasi_config_t`). The caller owns
/// `*out` and releases it with `wrt_wasi_config_delete`. On error `*out` is left unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_new(out: *mut *mut wrt_wasi_config_t) -> *mut wrt_error_t {
    // SAFETY: `out` is NULL or writable (API contract).
    unsafe {
        new_object(out, || {
            Ok(wrt_wasi_config_t {
                capabilities: WasiCapabilities::default(),
                args: Vec::new(),
                stdin: Input::Null,
                stdout: Output::Null,
                stderr: Output::Null,
            })
        })
    }
}

/// Releases a WASI configuration. NULL is ignored. Stores it was applied to are not affected.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_delete(config: *mut wrt_wasi_config_t) {
    // SAFETY: `config` came from `wrt_wasi_config_new` and is released once (API contract).
    unsafe { release(config) }
}

/// Appends one argument (NUL-terminated UTF-8, copied) to the guest's command line. The first
/// argument is `argv[0]`, the program name (conventionally the module's file name), so a
/// program called as `app.wasm input.txt` gets two: "app.wasm" and "input.txt". Without any,
/// the guest sees `argc == 0`.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_arg(
    config: *mut wrt_wasi_config_t,
    arg: *const c_char,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        let config = unsafe { config_mut(config) }?;
        // SAFETY: NUL-terminated string (API contract).
        let arg = unsafe { c_str(arg, "arg") }?;
        config.args.push(arg.to_owned());
        Ok(())
    })
}

/// Replaces the guest's whole command line with `args[0..nargs]` (NUL-terminated UTF-8 strings,
/// copied; `args` may be NULL when `nargs` is 0, which clears it). `args[0]` is `argv[0]`, the
/// program name. On error (a NULL or non-UTF-8 string) the command line is left unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_set_args(
    config: *mut wrt_wasi_config_t,
    args: *const *const c_char,
    nargs: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        let config = unsafe { config_mut(config) }?;
        // SAFETY: `args` holds `nargs` pointers (API contract).
        let ptrs = unsafe { c_slice(args, nargs, "args") }?;
        let args = ptrs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                // SAFETY: each element is NULL or a NUL-terminated string (API contract).
                unsafe { c_str(*p, &format!("args[{i}]")) }.map(str::to_owned)
            })
            .collect::<CResult<Vec<_>>>()?;
        config.args = args;
        Ok(())
    })
}

/// Exposes the host's environment variable `name` (NUL-terminated UTF-8, copied) to the guest.
/// Its value is read when the configuration is applied (`wrt_context_set_wasi`); a variable the
/// host does not have then is left out. Only variables granted here or with
/// `wrt_wasi_config_env_set` exist for the guest. An empty name or one containing `=` gives
/// `WRT_ERROR_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_env_inherit(
    config: *mut wrt_wasi_config_t,
    name: *const c_char,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        let config = unsafe { config_mut(config) }?;
        // SAFETY: NUL-terminated string (API contract).
        let name = env_name(unsafe { c_str(name, "name") }?)?;
        config.capabilities.environment.add_allowed_var(name);
        Ok(())
    })
}

/// Sets the guest's environment variable `name` to `value` (NUL-terminated UTF-8 strings,
/// copied; the value may be empty). A later setting of the same name, by this function or
/// `wrt_wasi_config_env_inherit`, wins. An empty name or one containing `=` gives
/// `WRT_ERROR_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_env_set(
    config: *mut wrt_wasi_config_t,
    name: *const c_char,
    value: *const c_char,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        let config = unsafe { config_mut(config) }?;
        // SAFETY: NUL-terminated string (API contract).
        let name = env_name(unsafe { c_str(name, "name") }?)?;
        // SAFETY: NUL-terminated string (API contract).
        let value = unsafe { c_str(value, "value") }?;
        config.capabilities.environment.set_var(name, value);
        Ok(())
    })
}

/// Grants the guest the host directory `host_path`, which it sees as `guest_path` (both
/// NUL-terminated UTF-8, copied; `guest_path` may be NULL to use `host_path`; `"/"` and `"."`
/// are common choices). With `read_only` the guest can read below it but never create, change,
/// rename or delete anything. Preopens get guest descriptors 3, 4, ... in the order they are
/// added.
///
/// The guest reaches only files below the directory: paths are resolved beneath it, and `..`,
/// absolute paths and symbolic links cannot leave it (the attempt fails with a WASI errno such
/// as `ENOTCAPABLE` or `EPERM`).
///
/// `host_path` must name an existing directory now (otherwise `WRT_ERROR_INVALID_ARGUMENT`);
/// it is opened when the configuration is applied (`wrt_context_set_wasi`), which fails the same
/// way if it can no longer be opened then.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_preopen_dir(
    config: *mut wrt_wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
    read_only: bool,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        let config = unsafe { config_mut(config) }?;
        // SAFETY: NUL-terminated string (API contract).
        let host = unsafe { c_str(host_path, "host_path") }?;
        let guest = if guest_path.is_null() {
            host
        } else {
            // SAFETY: not NULL; a NUL-terminated string (API contract).
            unsafe { c_str(guest_path, "guest_path") }?
        };
        if guest.is_empty() {
            return Err(invalid_arg("`guest_path` is empty"));
        }
        match std::fs::metadata(host) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(invalid_arg(format_args!(
                    "cannot preopen {host:?}: not a directory"
                )))
            }
            Err(e) => return Err(invalid_arg(format_args!("cannot preopen {host:?}: {e}"))),
        }
        let fs = &mut config.capabilities.filesystem;
        if read_only {
            fs.add_read_only_path_as(host, guest);
        } else {
            fs.add_allowed_path_as(host, guest);
        }
        Ok(())
    })
}

/// The guest's standard input reads this process's standard input.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_inherit_stdin(
    config: *mut wrt_wasi_config_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.stdin = Input::Inherit;
        Ok(())
    })
}

/// The guest's standard input reads `data[0..len]` (copied; `data` may be NULL when `len` is
/// 0), then end of file.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_stdin_bytes(
    config: *mut wrt_wasi_config_t,
    data: *const u8,
    len: usize,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        let config = unsafe { config_mut(config) }?;
        // SAFETY: `data` points to `len` readable bytes (API contract).
        let data = unsafe { c_slice(data, len, "data") }?;
        config.stdin = Input::Bytes(data.to_vec());
        Ok(())
    })
}

/// The guest's standard output goes to this process's standard output (written through at
/// once, without buffering in wrt; flush your own `stdout` before running the guest to keep
/// the order of lines).
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_inherit_stdout(
    config: *mut wrt_wasi_config_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.stdout = Output::Inherit;
        Ok(())
    })
}

/// The guest's standard error goes to this process's standard error.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_inherit_stderr(
    config: *mut wrt_wasi_config_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.stderr = Output::Inherit;
        Ok(())
    })
}

/// The same as `wrt_wasi_config_inherit_stdin`, `wrt_wasi_config_inherit_stdout` and
/// `wrt_wasi_config_inherit_stderr` together.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_inherit_stdio(
    config: *mut wrt_wasi_config_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        let config = unsafe { config_mut(config) }?;
        config.stdin = Input::Inherit;
        config.stdout = Output::Inherit;
        config.stderr = Output::Inherit;
        Ok(())
    })
}

/// The guest's standard output is collected in a buffer of the store, which
/// `wrt_context_wasi_take_stdout` hands to the embedder (during or after the run; also after a
/// trap or `proc_exit`). Each store the configuration is applied to gets its own buffer. The
/// buffer grows with the output and is not charged to the store's memory budget.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_capture_stdout(
    config: *mut wrt_wasi_config_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.stdout = Output::Capture;
        Ok(())
    })
}

/// The guest's standard error is collected like standard output with
/// `wrt_wasi_config_capture_stdout`; read it with `wrt_context_wasi_take_stderr`.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_capture_stderr(
    config: *mut wrt_wasi_config_t,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?.stderr = Output::Capture;
        Ok(())
    })
}

/// Whether the guest may end the program with `proc_exit(n)`. When allowed, the call into
/// wasm that reached `proc_exit` (usually `_start`) fails with `WRT_ERROR_EXIT` and
/// `wrt_error_exit_status` gives `n` (0 included: a guest that exits with 0 still ends with this
/// error). When not allowed (the default), `proc_exit` stops the guest like a trap: the call
/// fails with `WRT_ERROR_HOST` and a message saying that exiting is not allowed.
#[no_mangle]
pub unsafe extern "C" fn wrt_wasi_config_exit_allowed(
    config: *mut wrt_wasi_config_t,
    allowed: bool,
) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `config`.
        unsafe { config_mut(config) }?
            .capabilities
            .process
            .exit_allowed = allowed;
        Ok(())
    })
}

/// Gives the store behind `context` (a store context; `WRT_ERROR_UNSUPPORTED` for a caller
/// context) a new WASI state built from `config` (borrowed: copied, so the caller still owns,
/// may change and deletes it). The preopened directories are opened now, and the values of
/// inherited environment variables read now. Replaces any earlier WASI state of the store,
/// closing the files its guests had open and dropping captured output not yet taken.
///
/// Call it before instantiating a module that imports WASI (see `wrt_linker_define_wasi`).
/// Instances of the store use the new state from their next WASI call. A directory that
/// cannot be opened gives `WRT_ERROR_INVALID_ARGUMENT`; the store then keeps its previous state.
#[no_mangle]
pub unsafe extern "C" fn wrt_context_set_wasi(
    context: *mut wrt_context_t,
    config: *const wrt_wasi_config_t,
) -> *mut wrt_error_t {
    guard(|| {
        if context.is_null() {
            return Err(null_arg("context"));
        }
        // SAFETY: NULL or a live configuration (API contract).
        let config = unsafe { config.as_ref() }.ok_or_else(|| null_arg("config"))?;
        let mut builder = WasiCtx::builder();
        let mut capabilities = config.capabilities.clone();
        // Arguments and variables exist for the guest exactly when the embedder passed some.
        capabilities.environment.args_access = true;
        capabilities.environment.environ_access = true;
        builder
            .capabilities(capabilities)
            .args(config.args.iter().cloned());
        match &config.stdin {
            Input::Null => {}
            Input::Inherit => {
                builder.inherit_stdin();
            }
            Input::Bytes(data) => {
                builder.stdin(BytesInput::new(data.clone()));
            }
        }
        let stdout = match config.stdout {
            Output::Null => None,
            Output::Inherit => {
                builder.inherit_stdout();
                None
            }
            Output::Capture => {
                let buffer = MemoryOutput::new();
                builder.stdout(buffer.clone());
                Some(buffer)
            }
        };
        let stderr = match config.stderr {
            Output::Null => None,
            Output::Inherit => {
                builder.inherit_stderr();
                None
            }
            Output::Capture => {
                let buffer = MemoryOutput::new();
                builder.stderr(buffer.clone());
                Some(buffer)
            }
        };
        // SAFETY: forwarded API contract on `context`.
        unsafe {
            with_context(context, |cx| match cx {
                Cx::Store(store) => {
                    // Built while the store is held, so a refused call opens nothing.
                    let ctx = builder.build().map_err(build_error)?;
                    store.data_mut().wasi = WasiState {
                        ctx,
                        configured: true,
                        stdout,
                        stderr,
                    };
                    Ok(())
                }
                Cx::Caller(_) => Err(fail(
                    WRT_ERROR_UNSUPPORTED,
                    "setting the WASI configuration is not available inside a host function; \
                     use the store's context",
                )),
            })
        }
    })
}

/// Takes the captured output of one stream.
///
/// # Safety
/// `context` must be NULL or a live context; `out` NULL or writable.
unsafe fn take_output(
    context: *mut wrt_context_t,
    out: *mut wrt_bytes_t,
    which: &str,
    pick: fn(&WasiState) -> Option<&MemoryOutput>,
) -> CResult {
    need_out(out, "out")?;
    // SAFETY: forwarded API contract on `context`.
    let bytes = unsafe {
        with_context(context, |cx| {
            let state = &cx.data().wasi;
            match pick(state) {
                Some(buffer) => Ok(buffer.take()),
                None => Err(invalid_arg(format_args!(
                    "the store's WASI {which} is not captured \
                     (use wrt_wasi_config_capture_{which} and wrt_context_set_wasi)"
                ))),
            }
        })
    }?;
    // SAFETY: `out` is not NULL (checked) and writable (API contract).
    unsafe { write_out(out, bytes_from_vec(bytes)) };
    Ok(())
}

/// Moves everything the guest wrote to its standard output since the last call into `*out`
/// (`{NULL, 0}` when there is nothing), leaving the store's buffer empty. The caller owns the
/// bytes and releases them with `wrt_bytes_delete`. Works in store and caller contexts. Fails
/// with `WRT_ERROR_INVALID_ARGUMENT` unless the store's WASI configuration captures standard
/// output (`wrt_wasi_config_capture_stdout`). On error `*out` is left unchanged.
#[no_mangle]
pub unsafe extern "C" fn wrt_context_wasi_take_stdout(
    context: *mut wrt_context_t,
    out: *mut wrt_bytes_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `context` and `out`.
    guard(|| unsafe { take_output(context, out, "stdout", |s| s.stdout.as_ref()) })
}

/// The same as `wrt_context_wasi_take_stdout`, for standard error
/// (`wrt_wasi_config_capture_stderr`).
#[no_mangle]
pub unsafe extern "C" fn wrt_context_wasi_take_stderr(
    context: *mut wrt_context_t,
    out: *mut wrt_bytes_t,
) -> *mut wrt_error_t {
    // SAFETY: forwarded API contract on `context` and `out`.
    guard(|| unsafe { take_output(context, out, "stderr", |s| s.stderr.as_ref()) })
}

/// Defines the 46 functions of WASI preview 1 (module `wasi_snapshot_preview1`) in `linker`.
/// Each call runs against the WASI state of the store the calling instance lives in (set with
/// `wrt_context_set_wasi`), reading and writing guest memory through the instance's export named
/// `memory`.
///
/// Instantiating a module that imports `wasi_snapshot_preview1` with this linker into a store
/// whose WASI state was never set fails with `WRT_ERROR_LINK`. If one of the names is already
/// defined (and shadowing is not allowed) this fails with `WRT_ERROR_LINK` and defines none of
/// them. wrt owns the definitions; they live as long as the linker and the stores that use them.
#[no_mangle]
pub unsafe extern "C" fn wrt_linker_define_wasi(linker: *mut wrt_linker_t) -> *mut wrt_error_t {
    guard(|| {
        // SAFETY: forwarded API contract on `linker`.
        let defs = unsafe { linker_mut(linker) }?;
        // All or nothing: define into a copy (the definitions are shared, so this is cheap).
        let mut with_wasi = defs.clone();
        wasi::add_to_linker(&mut with_wasi, wasi_ctx)?;
        *defs = with_wasi;
        // SAFETY: `linker` is live (checked by `linker_mut`); only the atomic flag is borrowed.
        unsafe { &*addr_of!((*linker).defines_wasi) }.store(true, Ordering::Release);
        Ok(())
    })
}

/// Fails when `module` imports WASI, `linker` defines it, and the store has no WASI state.
pub(crate) fn check_wasi_configured(
    defines_wasi: bool,
    module: &wrt_core::Module,
    data: &StoreData,
) -> CResult {
    if !defines_wasi || data.wasi.configured() {
        return Ok(());
    }
    match module.imports().find(|i| i.module() == wasi::MODULE) {
        Some(import) => Err(fail(
            crate::error::WRT_ERROR_LINK,
            format_args!(
                "the module imports {}.{} but the store has no WASI configuration: call \
                 wrt_context_set_wasi before instantiating",
                import.module(),
                import.name()
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn forty_six_functions() {
        assert_eq!(wasi::function_names().count(), 46);
    }

    #[test]
    fn build_errors_are_invalid_arguments() {
        let e = build_error(Error::host("cannot open directory /nope"));
        // SAFETY: `e` is a live error object.
        let code = unsafe { crate::error::wrt_error_code(&*e) };
        assert_eq!(code, WRT_ERROR_INVALID_ARGUMENT);
    }
}
