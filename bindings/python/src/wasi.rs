//! WASI preview 1 configuration (`wrt_wasi_config_*` of the C API).

use common::{Preopen, WasiInput, WasiOutput};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::convert::bytes_like;
use crate::IntoPy;

fn output(value: Option<&str>) -> PyResult<WasiOutput> {
    match value {
        None | Some("null") => Ok(WasiOutput::Null),
        Some("inherit") => Ok(WasiOutput::Inherit),
        Some("capture") => Ok(WasiOutput::Capture),
        Some(other) => Err(PyValueError::new_err(format!(
            "unknown output mode {other:?}: use None, 'inherit' or 'capture'"
        ))),
    }
}

/// What a WASI guest may use. Nothing is granted by default: no arguments, an empty
/// environment, no files, stdin at end of file, output discarded, `proc_exit` refused.
///
/// Apply it with `Store.set_wasi(config)` and define the WASI functions with
/// `Linker.define_wasi()`. Keyword arguments: `argv` (list of str, `argv[0]` is the program
/// name), `env` (dict of str to str), `inherit_env` (list of host variable names), `preopens`
/// (list of `(host_dir, guest_dir)` or `(host_dir, guest_dir, read_only)`), `stdin` (bytes, or
/// `"inherit"`), `stdout` and `stderr` (`None`, `"inherit"` or `"capture"`), `exit_allowed`.
#[pyclass(module = "wrt")]
pub(crate) struct WasiConfig {
    inner: common::WasiConfig,
}

#[pymethods]
impl WasiConfig {
    #[new]
    #[pyo3(signature = (*, argv=None, env=None, inherit_env=None, preopens=None, stdin=None,
        stdout=None, stderr=None, exit_allowed=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        argv: Option<Vec<String>>,
        env: Option<&Bound<'_, PyDict>>,
        inherit_env: Option<Vec<String>>,
        preopens: Option<Vec<Bound<'_, PyAny>>>,
        stdin: Option<&Bound<'_, PyAny>>,
        stdout: Option<&str>,
        stderr: Option<&str>,
        exit_allowed: bool,
    ) -> PyResult<WasiConfig> {
        let mut c = WasiConfig {
            inner: common::WasiConfig {
                args: argv.unwrap_or_default(),
                stdout: output(stdout)?,
                stderr: output(stderr)?,
                exit_allowed,
                ..Default::default()
            },
        };
        if let Some(env) = env {
            for (k, v) in env.iter() {
                c.inner.env.push((k.extract()?, Some(v.extract()?)));
            }
        }
        for name in inherit_env.unwrap_or_default() {
            c.inner.env.push((name, None));
        }
        for p in preopens.unwrap_or_default() {
            let (host, guest, read_only) = match p.extract::<(String, String, bool)>() {
                Ok(t) => t,
                Err(_) => {
                    let (h, g): (String, String) = p.extract().map_err(|_| {
                        PyValueError::new_err(
                            "preopens are (host_dir, guest_dir) or (host_dir, guest_dir, read_only)",
                        )
                    })?;
                    (h, g, false)
                }
            };
            c.preopen_dir(host, Some(guest), read_only);
        }
        if let Some(stdin) = stdin {
            if let Ok(mode) = stdin.extract::<String>() {
                if mode != "inherit" {
                    return Err(PyValueError::new_err("stdin is bytes or 'inherit'"));
                }
                c.inner.stdin = WasiInput::Inherit;
            } else {
                c.inner.stdin = WasiInput::Bytes(bytes_like(py, stdin)?);
            }
        }
        Ok(c)
    }

    /// The command line (`argv[0]` is the program name).
    #[getter]
    fn get_argv(&self) -> Vec<String> {
        self.inner.args.clone()
    }
    #[setter]
    fn set_argv(&mut self, argv: Vec<String>) {
        self.inner.args = argv;
    }

    /// Sets the guest's environment variable `name` to `value`.
    fn set_env(&mut self, name: String, value: String) {
        self.inner.env.push((name, Some(value)));
    }

    /// Passes the host's variable `name` (if set) to the guest.
    fn inherit_env(&mut self, name: String) {
        self.inner.env.push((name, None));
    }

    /// Grants the host directory `host_dir`, seen by the guest as `guest_dir` (default: the
    /// same path). With `read_only` the guest can only read below it.
    #[pyo3(signature = (host_dir, guest_dir=None, *, read_only=false))]
    fn preopen_dir(&mut self, host_dir: String, guest_dir: Option<String>, read_only: bool) {
        self.inner.preopens.push(Preopen {
            host: host_dir,
            guest: guest_dir,
            read_only,
        });
    }

    /// The guest's stdin reads these bytes, then end of file.
    fn stdin_bytes(&mut self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.stdin = WasiInput::Bytes(bytes_like(py, data)?);
        Ok(())
    }

    /// The guest's stdin reads this process's stdin.
    fn inherit_stdin(&mut self) {
        self.inner.stdin = WasiInput::Inherit;
    }

    /// The guest's stdout goes to this process's stdout.
    fn inherit_stdout(&mut self) {
        self.inner.stdout = WasiOutput::Inherit;
    }

    /// The guest's stderr goes to this process's stderr.
    fn inherit_stderr(&mut self) {
        self.inner.stderr = WasiOutput::Inherit;
    }

    /// The guest's stdout is kept for `Store.take_stdout()`.
    fn capture_stdout(&mut self) {
        self.inner.stdout = WasiOutput::Capture;
    }

    /// The guest's stderr is kept for `Store.take_stderr()`.
    fn capture_stderr(&mut self) {
        self.inner.stderr = WasiOutput::Capture;
    }

    /// Whether `proc_exit(n)` ends the run with `wrt.ExitError` (status `n`); otherwise it
    /// fails like a trap.
    #[getter]
    fn get_exit_allowed(&self) -> bool {
        self.inner.exit_allowed
    }
    #[setter]
    fn set_exit_allowed(&mut self, allowed: bool) {
        self.inner.exit_allowed = allowed;
    }

    fn __repr__(&self) -> String {
        format!("wrt.WasiConfig({:?})", self.inner)
    }
}

pub(crate) fn set_wasi(py: Python<'_>, store: &common::Store, wasi: &WasiConfig) -> PyResult<()> {
    store.set_wasi(&wasi.inner).py(py)
}

pub(crate) fn take_output(
    py: Python<'_>,
    store: &common::Store,
    stderr: bool,
) -> PyResult<Py<PyBytes>> {
    let bytes = if stderr {
        store.wasi_take_stderr()
    } else {
        store.wasi_take_stdout()
    }
    .py(py)?;
    Ok(PyBytes::new(py, &bytes).unbind())
}
