//! The default command: instantiate a module and call one of its functions.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use wrt::{Config, Engine, ExternType, FuncType, Linker, Module, Store, TrapCode, Val};
#[cfg(feature = "wasi")]
use wrt_wasi::WasiCtx;

use crate::args;
use crate::cli::{RunArgs, WasiVersion};
use crate::error::CliError;
use crate::load;
use crate::nostd;
use crate::profile::{Fuel, Outcome, RunProfile};
use crate::wasi;

/// Functions tried, in order, when `--function` is not given.
const DEFAULT_ENTRY_POINTS: [&str; 2] = ["_start", "main"];

/// The export a WASI reactor (or any module following the same convention)
/// wants called once after instantiation, before any other function.
const INITIALIZER: &str = "_initialize";

/// The runtime configuration for a run: fuel, the memory budget, platform
/// optimizations (off with `--no-platform-opt`), eager translation, and with
/// `--no-std` the bounded configuration of a small embedded target, over
/// [`base_config`](crate::base_config).
fn engine_config(opts: &RunArgs) -> Config {
    let mut config = crate::base_config();
    let resources = &opts.resources;
    if resources.fuel.is_some() {
        config.consume_fuel(true);
    }
    if opts.mode.no_platform_opt {
        config.platform_optimizations(false);
    }
    if opts.mode.eager_translation {
        config.lazy_translation(false);
    }
    if opts.mode.no_std {
        nostd::configure(&mut config, resources.memory);
    } else if let Some(budget) = resources.memory {
        config.memory_budget(budget);
    }
    config
}

/// Options for features wrt does not have yet fail loudly instead of being
/// ignored.
fn reject_unsupported(opts: &RunArgs) -> Result<(), CliError> {
    const COMPONENTS: &str = "the component model is not supported yet \
        (wrtd runs core WebAssembly modules)";
    if opts.component.component {
        return Err(CliError::failure(format!("--component: {COMPONENTS}")));
    }
    if let Some(name) = opts.component.interface.first() {
        return Err(CliError::failure(format!(
            "--interface {name}: {COMPONENTS}"
        )));
    }
    if opts.wasi.wasi_version == Some(WasiVersion::Preview2) {
        return Err(CliError::failure(
            "WASI preview 2 needs the component model, which is not supported yet",
        ));
    }
    Ok(())
}

pub fn main(opts: &RunArgs) -> Result<(), CliError> {
    let Some(path) = opts.module.as_deref() else {
        // clap enforces MODULE; this only guards against a mis-declared CLI.
        return Err(CliError::usage("no module given"));
    };
    reject_unsupported(opts)?;
    let (function_args, program_args) = opts.split_args();
    args::reject_late_options(function_args)?;
    let wasi_plan = if opts.wasi.wasi {
        Some(wasi::Plan::from_args(opts, &program_args)?)
    } else {
        // clap makes every other WASI option require --wasi.
        args::reject_program_args(&program_args)?;
        None
    };
    let engine = Engine::new(&engine_config(opts));
    let bytes = load::module_bytes(path)?;
    let module =
        Module::new(&engine, &bytes).map_err(|e| CliError::from_wasm(path.display(), &e))?;
    #[cfg(feature = "wasi")]
    wasi::check_imports(path, &module, wasi_plan.is_some())?;

    // Pick the function and check the arguments before anything runs, so a
    // typo never executes the module's start function.
    let (name, ty) = select_function(path, &module, opts.function.as_deref())?;
    if wasi_plan.is_some() && name == "_start" && !function_args.is_empty() {
        return Err(CliError::failure(format!(
            "`_start` takes no arguments but {} were given: pass the program's arguments \
             after `--` (wrtd MODULE --wasi -- ARGS...) or with --wasi-arg",
            function_args.len()
        )));
    }
    let params = args::parse_params(&name, &ty, function_args)?;
    let initialize = needs_initializer(path, &module, &name)?;
    let results = ty
        .results()
        .iter()
        .map(|&t| {
            Val::default_for(t).ok_or_else(|| {
                CliError::failure(format!(
                    "`{name}` returns a {t}, which wrtd cannot print (signature: {})",
                    args::signature(&name, &ty)
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

    // Likewise, a profile file that cannot be created fails before the run.
    let json_file = match &opts.resources.profile_json {
        Some(json_path) => Some((json_path.as_path(), create_file(json_path)?)),
        None => None,
    };

    let call = Call {
        path,
        module: &module,
        name: &name,
        initialize,
        params: &params,
        results,
    };
    match wasi_plan {
        #[cfg(feature = "wasi")]
        Some(plan) => {
            let ctx = plan.build(path)?;
            let mut linker = Linker::new(&engine);
            wrt_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)
                .map_err(|e| CliError::from_wasm("setting up WASI", &e))?;
            let mut store = Store::new(&engine, ctx);
            let result = run(&mut store, &linker, call, opts, json_file);
            store.data_mut().flush();
            result
        }
        #[cfg(not(feature = "wasi"))]
        Some(plan) => match plan {},
        None => {
            let mut store = Store::new(&engine, ());
            run(&mut store, &Linker::new(&engine), call, opts, json_file)
        }
    }
}

/// What to call, checked.
struct Call<'a> {
    path: &'a Path,
    module: &'a Module,
    name: &'a str,
    /// Call `_initialize` first.
    initialize: bool,
    params: &'a [Val],
    /// Where the results go (one default value per result).
    results: Vec<Val>,
}

/// Runs `call` in `store` and reports: results on stdout, the profile on
/// stderr and in the JSON file.
fn run<T: 'static>(
    store: &mut Store<T>,
    linker: &Linker<T>,
    mut call: Call<'_>,
    opts: &RunArgs,
    json_file: Option<(&Path, File)>,
) -> Result<(), CliError> {
    if let Some(fuel) = opts.resources.fuel {
        store
            .set_fuel(fuel)
            .map_err(|e| CliError::from_wasm("setting the fuel", &e))?;
    }
    let execution = execute(store, linker, &mut call);
    let mut result = match execution.error {
        Some(error) => Err(error),
        None => print_results(&call.results),
    };

    if opts.resources.wants_profile() {
        let profile = RunProfile {
            outcome: execution.outcome,
            modules_executed: execution.modules_executed,
            memory: store.memory_profile(),
            fuel: store.get_fuel().ok().map(|remaining| Fuel {
                limit: opts.resources.fuel.unwrap_or_default(),
                consumed: store.fuel_consumed(),
                remaining,
            }),
        };
        if opts.resources.memory_profile {
            // Profiling goes to stderr, so stdout keeps only the results.
            let _ = std::io::stderr()
                .lock()
                .write_all(profile.text().as_bytes());
        }
        if let Some((json_path, mut file)) = json_file {
            if let Err(e) = file.write_all(profile.json().as_bytes()) {
                let error = CliError::failure(format!(
                    "cannot write the profile to `{}`: {e}",
                    json_path.display()
                ));
                result = match result {
                    Ok(()) => Err(error),
                    Err(first) => Err(first.also(error)),
                };
            }
        }
    }
    result
}

/// What happened once the store existed.
struct Execution {
    outcome: Outcome,
    /// 1 once the module was instantiated (or its start function ran and
    /// trapped or exited), else 0.
    modules_executed: u32,
    /// Why wrtd fails, if it does.
    error: Option<CliError>,
}

/// Instantiates the module (running its start function), calls
/// `_initialize` when asked to, and then the function.
fn execute<T: 'static>(store: &mut Store<T>, linker: &Linker<T>, call: &mut Call<'_>) -> Execution {
    let path = call.path;
    let instance = match linker.instantiate(&mut *store, call.module) {
        Ok(instance) => instance,
        Err(e) => {
            // A start function that traps or exits did execute.
            let executed = matches!(e.kind(), wrt::ErrorKind::Trap(_) | wrt::ErrorKind::Exit(_));
            return Execution::stopped(
                store,
                format_args!("instantiating {}", path.display()),
                &e,
                u32::from(executed),
            );
        }
    };
    let mut functions = Vec::with_capacity(2);
    if call.initialize {
        functions.push(INITIALIZER);
    }
    functions.push(call.name);
    for name in functions {
        let Some(func) = instance.get_func(&*store, name) else {
            let message = format!("{}: no exported function `{name}`", path.display());
            return Execution {
                outcome: Outcome::Failed(message.clone()),
                modules_executed: 1,
                error: Some(CliError::failure(message)),
            };
        };
        let (params, results): (&[Val], &mut [Val]) = if name == call.name {
            (call.params, &mut call.results)
        } else {
            (&[], &mut [])
        };
        if let Err(e) = func.call(&mut *store, params, results) {
            return Execution::stopped(store, format_args!("calling `{name}`"), &e, 1);
        }
    }
    Execution {
        outcome: Outcome::Completed,
        modules_executed: 1,
        error: None,
    }
}

impl Execution {
    /// The runtime reported `error` while doing `context`. "Out of fuel"
    /// says how much fuel was consumed, exactly as the store counted it.
    fn stopped<T>(
        store: &Store<T>,
        context: impl std::fmt::Display,
        error: &wrt::Error,
        modules_executed: u32,
    ) -> Self {
        let mut cli_error = CliError::from_wasm(context, error);
        if error.trap_code() == Some(TrapCode::OutOfFuel) {
            cli_error =
                cli_error.with_note(format_args!("consumed {} fuel", store.fuel_consumed()));
        }
        Execution {
            outcome: Outcome::from_error(error),
            modules_executed,
            error: Some(cli_error),
        }
    }
}

/// Whether `_initialize` has to be called before `selected`: when the module
/// exports it, unless the module is run as a command (`_start`) or
/// `_initialize` itself was asked for.
fn needs_initializer(path: &Path, module: &Module, selected: &str) -> Result<bool, CliError> {
    if selected == "_start" || selected == INITIALIZER {
        return Ok(false);
    }
    match module.exports().find(|e| e.name() == INITIALIZER) {
        None => Ok(false),
        Some(export) => match export.ty() {
            ExternType::Func(ty) if ty.params().is_empty() && ty.results().is_empty() => Ok(true),
            _ => Err(CliError::failure(format!(
                "{}: the export `{INITIALIZER}` must be a function without parameters or \
                 results (a WASI reactor's initializer)",
                path.display()
            ))),
        },
    }
}

fn print_results(results: &[Val]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    for val in results {
        writeln!(out, "{}", args::format_val(val))
            .map_err(|e| CliError::failure(format!("cannot write the results: {e}")))?;
    }
    Ok(())
}

fn create_file(path: &Path) -> Result<File, CliError> {
    File::create(path)
        .map_err(|e| CliError::failure(format!("cannot create `{}`: {e}", path.display())))
}

/// Resolves which exported function to call and returns its name and type.
fn select_function(
    path: &Path,
    module: &Module,
    requested: Option<&str>,
) -> Result<(String, FuncType), CliError> {
    let functions: Vec<(String, FuncType)> = module
        .exports()
        .filter_map(|export| match export.ty() {
            ExternType::Func(ty) => Some((export.name().to_string(), ty)),
            _ => None,
        })
        .collect();
    let listing = || {
        if functions.is_empty() {
            "it exports no functions".to_string()
        } else {
            let names: Vec<&str> = functions.iter().map(|(n, _)| n.as_str()).collect();
            format!("exported functions: {}", names.join(", "))
        }
    };
    let find = |wanted: &str| functions.iter().find(|(n, _)| n == wanted).cloned();

    match requested {
        Some(wanted) => find(wanted).ok_or_else(|| {
            let what = if module.exports().any(|e| e.name() == wanted) {
                "is not a function"
            } else {
                "is not exported"
            };
            CliError::failure(format!(
                "{}: `{wanted}` {what} ({})",
                path.display(),
                listing()
            ))
        }),
        None => DEFAULT_ENTRY_POINTS
            .iter()
            .find_map(|entry| find(entry))
            .ok_or_else(|| {
                CliError::failure(format!(
                    "{}: no `_start` or `main` function to run; pass --function NAME ({})",
                    path.display(),
                    listing()
                ))
            }),
    }
}
