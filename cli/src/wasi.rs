//! `--wasi`: WASI preview 1 for the module, set up from the command line.
//!
//! [`Plan::from_args`] checks every WASI option before the module is read
//! (directories must exist, variables must be well formed, no option asks for
//! something `--no-std` cannot give); [`Plan::build`] then opens the
//! directories, binds the sockets and produces the `WasiCtx`. The guest gets
//! its arguments, the listed variables, the standard streams of wrtd and
//! permission to exit, and nothing else.

use std::path::Path;

use wrt::Module;
use wrt_wasi::{WasiCtx, MODULE};

use crate::cli::RunArgs;
use crate::error::CliError;
use crate::nostd;

/// A directory granted with `--wasi-fs`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Preopen {
    /// The directory on the host.
    host: String,
    /// The name the guest sees.
    guest: String,
}

/// A variable granted with `--wasi-env`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum EnvSpec {
    /// `NAME`: this process's value, if it has one.
    Inherit(String),
    /// `NAME=VALUE`.
    Set(String, String),
}

/// Everything `--wasi` and its options ask for, checked.
#[derive(Debug)]
pub struct Plan {
    preopens: Vec<Preopen>,
    env: Vec<EnvSpec>,
    /// Without argv[0].
    args: Vec<String>,
    listen: Vec<String>,
    no_std: bool,
    /// `--wasi-trace`: trace every call on stderr.
    trace: bool,
}

impl Plan {
    /// The WASI setup `--wasi` and its options ask for. Fails on options that
    /// cannot work, before anything runs. `program_args` are the arguments
    /// after `--`.
    pub fn from_args(opts: &RunArgs, program_args: &[String]) -> Result<Plan, CliError> {
        let wasi = &opts.wasi;
        let no_std = opts.mode.no_std;
        if no_std {
            if let Some(dir) = wasi.wasi_fs.first() {
                return Err(CliError::usage(format!(
                    "--wasi-fs {dir}: --no-std has no filesystem (a no_std build offers only \
                     args, environment, clocks, random, stdout/stderr and proc_exit)"
                )));
            }
            if let Some(addr) = wasi.wasi_tcplisten.first() {
                return Err(CliError::usage(format!(
                    "--wasi-tcplisten {addr}: --no-std has no sockets (a no_std build offers \
                     only args, environment, clocks, random, stdout/stderr and proc_exit)"
                )));
            }
        }
        let preopens = wasi
            .wasi_fs
            .iter()
            .map(|spec| parse_preopen(spec))
            .collect::<Result<Vec<_>, _>>()?;
        for preopen in &preopens {
            check_directory(&preopen.host)?;
        }
        let env = wasi
            .wasi_env
            .iter()
            .map(|spec| parse_env(spec))
            .collect::<Result<Vec<_>, _>>()?;
        let args = wasi.wasi_arg.iter().chain(program_args).cloned().collect();
        Ok(Plan {
            preopens,
            env,
            args,
            listen: wasi.wasi_tcplisten.clone(),
            no_std,
            trace: wasi.wasi_trace,
        })
    }

    /// Opens the directories, binds the sockets and builds the context for
    /// the module at `path` (argv[0] is its file name).
    pub fn build(&self, path: &Path) -> Result<WasiCtx, CliError> {
        let mut builder = WasiCtx::builder();
        let caps = builder.capabilities_mut();
        caps.environment.args_access = true;
        caps.environment.environ_access = true;
        caps.process.exit_allowed = true;
        for preopen in &self.preopens {
            caps.filesystem
                .add_allowed_path_as(preopen.host.as_str(), preopen.guest.as_str());
        }
        for var in &self.env {
            match var {
                EnvSpec::Inherit(name) => caps.environment.add_allowed_var(name.as_str()),
                EnvSpec::Set(name, value) => {
                    caps.environment.set_var(name.as_str(), value.as_str())
                }
            };
        }
        builder
            .arg(program_name(path))
            .args(self.args.iter().cloned());
        if self.no_std {
            // Standard input stays the builder's default: empty.
            builder
                .stdout(nostd::Console::Stdout)
                .stderr(nostd::Console::Stderr)
                .platform(nostd::BarePlatform::default())
                .host_filesystem(false);
            if self.trace {
                builder.trace(nostd::Console::Stderr);
            }
        } else {
            builder.inherit_stdio();
            if self.trace {
                builder.trace(wrt_wasi::Stderr);
            }
        }
        for addr in &self.listen {
            listen(&mut builder, addr)?;
        }
        builder
            .build()
            .map_err(|e| CliError::failure(format!("setting up WASI: {e}")))
    }
}

#[cfg(unix)]
fn listen(builder: &mut wrt_wasi::WasiCtxBuilder, addr: &str) -> Result<(), CliError> {
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| CliError::failure(format!("--wasi-tcplisten {addr}: cannot listen: {e}")))?;
    builder.preopen_tcp_listener(listener);
    Ok(())
}

#[cfg(not(unix))]
fn listen(_builder: &mut wrt_wasi::WasiCtxBuilder, addr: &str) -> Result<(), CliError> {
    Err(CliError::failure(format!(
        "--wasi-tcplisten {addr}: WASI sockets are only supported on Unix hosts"
    )))
}

/// argv[0]: the module's file name (`hello.wasm` for `dir/hello.wasm`).
fn program_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// `DIR` (the guest sees the same path) or `HOST::GUEST`.
fn parse_preopen(spec: &str) -> Result<Preopen, CliError> {
    let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
    if host.is_empty() || guest.is_empty() {
        return Err(CliError::usage(format!(
            "--wasi-fs {spec}: expected DIR or HOST::GUEST with both parts non-empty"
        )));
    }
    Ok(Preopen {
        host: host.to_string(),
        guest: guest.to_string(),
    })
}

/// Fails unless `host` is a directory wrtd can see.
fn check_directory(host: &str) -> Result<(), CliError> {
    match std::fs::metadata(host) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(CliError::failure(format!(
            "--wasi-fs: `{host}` is not a directory"
        ))),
        Err(e) => Err(CliError::failure(format!(
            "--wasi-fs: cannot use directory `{host}`: {e}"
        ))),
    }
}

/// `NAME` or `NAME=VALUE`.
fn parse_env(spec: &str) -> Result<EnvSpec, CliError> {
    let parsed = match spec.split_once('=') {
        Some((name, value)) => EnvSpec::Set(name.to_string(), value.to_string()),
        None => EnvSpec::Inherit(spec.to_string()),
    };
    let name = match &parsed {
        EnvSpec::Inherit(name) | EnvSpec::Set(name, _) => name,
    };
    if name.is_empty() {
        return Err(CliError::usage(format!(
            "--wasi-env {spec}: expected NAME or NAME=VALUE with a non-empty NAME"
        )));
    }
    Ok(parsed)
}

/// Fails when the module imports WASI but `--wasi` was not given, naming the
/// import, instead of the generic "unknown import" of the linker.
pub fn check_imports(path: &Path, module: &Module, wasi_enabled: bool) -> Result<(), CliError> {
    if wasi_enabled {
        return Ok(());
    }
    let names: Vec<String> = module
        .imports()
        .filter(|import| import.module() == MODULE)
        .map(|import| import.name().to_string())
        .collect();
    let Some(first) = names.first() else {
        return Ok(());
    };
    let others = match names.len() - 1 {
        0 => String::new(),
        1 => " and 1 other WASI function".to_string(),
        n => format!(" and {n} other WASI functions"),
    };
    Err(CliError::failure(format!(
        "{}: the module imports `{MODULE}::{first}`{others}; add --wasi to run it with WASI",
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preopen_specs() {
        let p = parse_preopen("/tmp").map_err(|e| e.message().map(String::from));
        assert_eq!(
            p,
            Ok(Preopen {
                host: "/tmp".into(),
                guest: "/tmp".into()
            })
        );
        let p = parse_preopen("/srv/data::/data").map_err(|e| e.code());
        assert_eq!(
            p,
            Ok(Preopen {
                host: "/srv/data".into(),
                guest: "/data".into()
            })
        );
        for bad in ["", "::/data", "/srv::"] {
            assert_eq!(parse_preopen(bad).map_err(|e| e.code()), Err(2), "{bad:?}");
        }
    }

    #[test]
    fn env_specs() {
        assert_eq!(
            parse_env("HOME").map_err(|e| e.code()),
            Ok(EnvSpec::Inherit("HOME".into()))
        );
        assert_eq!(
            parse_env("A=b=c").map_err(|e| e.code()),
            Ok(EnvSpec::Set("A".into(), "b=c".into()))
        );
        assert_eq!(
            parse_env("EMPTY=").map_err(|e| e.code()),
            Ok(EnvSpec::Set("EMPTY".into(), String::new()))
        );
        assert_eq!(parse_env("=x").map_err(|e| e.code()), Err(2));
        assert_eq!(parse_env("").map_err(|e| e.code()), Err(2));
    }

    #[test]
    fn program_name_is_the_file_name() {
        assert_eq!(program_name(Path::new("dir/sub/hello.wasm")), "hello.wasm");
        assert_eq!(program_name(Path::new("hello.wat")), "hello.wat");
    }
}
