//! What a guest may touch. Nothing is granted by default: no files, no environment, no
//! arguments, no `proc_exit`.
//!
//! ```
//! use wrt_wasi::WasiCapabilities;
//!
//! let mut capabilities = WasiCapabilities::default();
//! // Filesystem access: the guest sees /safe/directory under the same name.
//! capabilities.filesystem.add_allowed_path("/safe/directory");
//! // ... or under another name, and read-only.
//! capabilities.filesystem.add_read_only_path_as("/srv/data", "/data");
//! // Environment variables.
//! capabilities.environment.add_allowed_var("HOME");
//! capabilities.environment.set_var("MODE", "test");
//! capabilities.environment.args_access = true;
//! capabilities.environment.environ_access = true;
//! // Process control.
//! capabilities.process.exit_allowed = true;
//! ```

use alloc::string::String;
use alloc::vec::Vec;

/// Everything a guest is allowed to use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WasiCapabilities {
    /// Directories the guest may use (preopens).
    pub filesystem: FilesystemCapabilities,
    /// Arguments and environment variables.
    pub environment: EnvironmentCapabilities,
    /// Process control (`proc_exit`, `proc_raise`).
    pub process: ProcessCapabilities,
}

impl WasiCapabilities {
    /// No capability at all (the same as `default()`).
    pub fn none() -> Self {
        Self::default()
    }
}

/// One host directory handed to the guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreopenDir {
    /// The directory on the host.
    pub host_path: String,
    /// The name the guest sees (what `fd_prestat_dir_name` returns), e.g. `/data` or `.`.
    pub guest_path: String,
    /// When true the guest can read but never create, change, rename or delete anything below it.
    pub read_only: bool,
}

/// Directories a guest may use. Files outside them do not exist for the guest: paths are resolved
/// below the directory, and `..`, absolute paths and symbolic links cannot leave it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilesystemCapabilities {
    preopens: Vec<PreopenDir>,
}

impl FilesystemCapabilities {
    /// Grants read-write access to `host_path`, which the guest sees under the same name.
    pub fn add_allowed_path(&mut self, host_path: impl Into<String>) -> &mut Self {
        let host_path = host_path.into();
        self.grant(host_path.clone(), host_path, false)
    }

    /// Grants read-write access to `host_path`, which the guest sees as `guest_path`.
    pub fn add_allowed_path_as(
        &mut self,
        host_path: impl Into<String>,
        guest_path: impl Into<String>,
    ) -> &mut Self {
        self.grant(host_path.into(), guest_path.into(), false)
    }

    /// Grants read-only access to `host_path` under the same name.
    pub fn add_read_only_path(&mut self, host_path: impl Into<String>) -> &mut Self {
        let host_path = host_path.into();
        self.grant(host_path.clone(), host_path, true)
    }

    /// Grants read-only access to `host_path`, which the guest sees as `guest_path`.
    pub fn add_read_only_path_as(
        &mut self,
        host_path: impl Into<String>,
        guest_path: impl Into<String>,
    ) -> &mut Self {
        self.grant(host_path.into(), guest_path.into(), true)
    }

    fn grant(&mut self, host_path: String, guest_path: String, read_only: bool) -> &mut Self {
        self.add_preopen(PreopenDir {
            host_path,
            guest_path,
            read_only,
        })
    }

    /// Adds a preopen as described. Preopens get guest file descriptors 3, 4, ... in this order.
    pub fn add_preopen(&mut self, preopen: PreopenDir) -> &mut Self {
        self.preopens.push(preopen);
        self
    }

    /// The directories granted so far, in order.
    pub fn preopens(&self) -> &[PreopenDir] {
        &self.preopens
    }
}

/// Where an environment variable's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvVar {
    /// The host's value of this variable, read when the context is built (only with `std`; a
    /// variable the host does not have is left out).
    Inherit(String),
    /// A fixed value.
    Value(String, String),
}

/// Arguments and environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvironmentCapabilities {
    /// When false the guest sees no arguments at all (`args_sizes_get` reports zero).
    pub args_access: bool,
    /// When false the guest sees an empty environment, whatever variables were added.
    pub environ_access: bool,
    vars: Vec<EnvVar>,
}

impl EnvironmentCapabilities {
    /// Exposes the host's value of `name`.
    pub fn add_allowed_var(&mut self, name: impl Into<String>) -> &mut Self {
        self.vars.push(EnvVar::Inherit(name.into()));
        self
    }

    /// Sets `name` to `value` for the guest (a later setting of the same name wins).
    pub fn set_var(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.vars.push(EnvVar::Value(name.into(), value.into()));
        self
    }

    /// The variables granted so far, in order.
    pub fn vars(&self) -> &[EnvVar] {
        &self.vars
    }
}

/// Process control.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessCapabilities {
    /// When true `proc_exit(n)` ends the call with an error of kind
    /// [`ErrorKind::Exit(n)`](wrt::ErrorKind::Exit); when false it is a trap the embedder sees.
    pub exit_allowed: bool,
}
