//! `wrt-bench`: runs the benchmark programs on wrt and on wasmi in one process, interleaved,
//! and reports medians, ratios, start-up times and peak heap use. See `--help`.

mod alloc;
mod engines;
mod programs;
mod report;
mod startup;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use engines::{EngineKind, Instance, StartupKind};
use programs::{Program, PROGRAMS};

#[global_allocator]
static GLOBAL: alloc::Counting = alloc::Counting;

/// Seed of the generated start-up module.
const STARTUP_SEED: u64 = 0x5eed_0005;
/// Code size of the start-up module for benchmarks and for `--check`.
const STARTUP_CODE_BYTES: usize = 6 * 1024 * 1024;
const CHECK_STARTUP_CODE_BYTES: usize = 256 * 1024;
const DEFAULT_ITERS: usize = 15;

const HELP: &str = "\
wrt-bench: wrt against wasmi on the programs in benches/programs/ and a generated large module.

USAGE: cargo run --release -p wrt-bench -- [OPTIONS]

With no options: runs every program on every engine, interleaved, then the start-up
benchmark, prints the tables and writes BENCHMARKS.md at the workspace root.

OPTIONS:
  --check              only verify every program's result (at a small n) on every engine,
                       that fuel is really charged, and that a generated module behaves the
                       same on every engine; prints 'N passed, M failed'. Quick in debug.
  --iters N            timed calls per program and engine (default 15)
  --only NAME[,NAME]   run only these programs ('startup' is the start-up benchmark)
  --engine E[,E]       run only these engines: wasmi, wrt, wasmi-fuel, wrt-fuel; for
                       startup also wrt-1thread, wasmi-lazy, wasmi-eager
  --n N                call run(N) instead of each program's benchmark n
  --no-startup         skip the start-up benchmark
  --out FILE           write the report to FILE (default: BENCHMARKS.md for a full run;
                       runs narrowed by --only/--engine/--n write nothing unless given)
  --emit-startup FILE  write the generated start-up module to FILE and exit
  --instructions       count executed x86 instructions per call with valgrind's callgrind
                       (repeatable, unlike wall time on a shared machine): runs this binary
                       under valgrind with --iters 1 and 2 per program and engine and takes
                       the difference; n is each program's smaller callgrind n unless --n.
                       Prints a markdown table. Needs valgrind.
  --list               list the programs

PROFILING: with one engine and one program, no warm-up call is made and exactly --iters
calls run, e.g.
  valgrind --tool=callgrind target/release/wrt-bench --only fib --engine wrt --iters 1 --n 25
";

struct Options {
    check: bool,
    iters: usize,
    only: Option<Vec<String>>,
    engines: Option<Vec<String>>,
    n: Option<i32>,
    startup: bool,
    out: Option<PathBuf>,
    emit_startup: Option<PathBuf>,
    list: bool,
    instructions: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut opts = Options {
        check: false,
        iters: DEFAULT_ITERS,
        only: None,
        engines: None,
        n: None,
        startup: true,
        out: None,
        emit_startup: None,
        list: false,
        instructions: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().ok_or(format!("{arg} needs {what}"));
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            "--check" => opts.check = true,
            "--list" => opts.list = true,
            "--instructions" => opts.instructions = true,
            "--no-startup" => opts.startup = false,
            "--iters" => {
                opts.iters = value("a count")?
                    .parse()
                    .map_err(|e| format!("--iters: {e}"))?;
                if opts.iters == 0 {
                    return Err("--iters must be at least 1".into());
                }
            }
            "--n" => {
                opts.n = Some(
                    value("a number")?
                        .parse()
                        .map_err(|e| format!("--n: {e}"))?,
                )
            }
            "--only" => opts.only = Some(split(&value("program names")?)),
            "--engine" => opts.engines = Some(split(&value("engine names")?)),
            "--out" => opts.out = Some(value("a file")?.into()),
            "--emit-startup" => opts.emit_startup = Some(value("a file")?.into()),
            // `cargo bench` passes this to every bench target; nothing to do with it.
            "--bench" => {}
            other => return Err(format!("unknown option {other} (see --help)")),
        }
    }
    Ok(opts)
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(opts) => opts,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if opts.list {
        for p in PROGRAMS {
            println!(
                "{:<11} n={:<9} {:<13} {}",
                p.name, p.bench_n, p.source, p.what
            );
        }
        println!("{:<11} {:<11} {:<13} generated module", "startup", "", "");
        return ExitCode::SUCCESS;
    }
    if let Some(path) = &opts.emit_startup {
        let module = startup::generate(STARTUP_CODE_BYTES, STARTUP_SEED);
        return match std::fs::write(path, &module.bytes) {
            Ok(()) => {
                println!(
                    "wrote {} ({} bytes, {} functions, {} bytes of code)",
                    path.display(),
                    module.bytes.len(),
                    module.functions,
                    module.code_bytes
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                ExitCode::FAILURE
            }
        };
    }
    let result = if opts.check {
        check(&opts)
    } else if opts.instructions {
        instructions(&opts)
    } else {
        bench(&opts)
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The programs `--only` selects (all by default), and whether the start-up benchmark is in.
fn selected_programs(opts: &Options) -> Result<(Vec<&'static Program>, bool), String> {
    let Some(only) = &opts.only else {
        return Ok((PROGRAMS.iter().collect(), opts.startup));
    };
    let mut programs = Vec::new();
    let mut startup = false;
    for name in only {
        if name == "startup" {
            startup = true;
        } else {
            programs.push(programs::find(name).ok_or(format!("no program named {name}"))?);
        }
    }
    Ok((programs, startup))
}

fn selected_engines(opts: &Options) -> Result<Vec<EngineKind>, String> {
    let Some(names) = &opts.engines else {
        return Ok(EngineKind::ALL
            .into_iter()
            .filter(|k| k.available())
            .collect());
    };
    let mut kinds = Vec::new();
    for name in names {
        if StartupKind::ALL.iter().any(|k| k.short() == name) {
            if let Some(kind) = EngineKind::parse(name) {
                kinds.push(kind);
            }
            continue;
        }
        let kind = EngineKind::parse(name).ok_or(format!("no engine named {name}"))?;
        if !kind.available() {
            return Err(format!(
                "{name} is not available: wrt cannot meter fuel yet"
            ));
        }
        kinds.push(kind);
    }
    Ok(kinds)
}

fn selected_startup_kinds(opts: &Options) -> Vec<StartupKind> {
    StartupKind::ALL
        .into_iter()
        .filter(|k| {
            opts.engines
                .as_ref()
                .is_none_or(|names| names.iter().any(|n| n == k.short()))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// --check

fn check(opts: &Options) -> Result<bool, String> {
    let (programs, with_startup) = selected_programs(opts)?;
    let kinds = selected_engines(opts)?;
    let mut passed = 0usize;
    let mut failed = 0usize;
    let mut verdict = |ok: bool, what: String| {
        if ok {
            passed += 1;
            println!("ok    {what}");
        } else {
            failed += 1;
            println!("FAIL  {what}");
        }
    };
    for p in &programs {
        let n = opts.n.unwrap_or(p.check_n);
        let expected = (p.expected)(n);
        for &kind in &kinds {
            // Two calls on one instance: the second shows that `run` resets its state.
            let outcome = engines::instantiate(kind, p.wasm).and_then(|mut inst| {
                let first = inst.run(n)?;
                let second = inst.run(n)?;
                Ok((first, second))
            });
            match outcome {
                Ok((a, b)) if a == expected && b == expected => {
                    verdict(true, format!("{} run({n}) on {kind} = {a}", p.name))
                }
                Ok((a, b)) => verdict(
                    false,
                    format!(
                        "{} run({n}) on {kind} = {a} then {b}, expected {expected}",
                        p.name
                    ),
                ),
                Err(e) => verdict(false, format!("{} run({n}) on {kind}: {e}", p.name)),
            }
        }
    }
    // Fuel must really be charged: a small budget has to run out.
    for kind in [EngineKind::WasmiFuel, EngineKind::WrtFuel] {
        if !kinds.contains(&kind) {
            continue;
        }
        let Some(fib) = programs::find("fib") else {
            continue;
        };
        let outcome =
            engines::instantiate_with_fuel(kind, fib.wasm, 10_000).and_then(|mut i| i.run(25));
        match outcome {
            Err(e) => verdict(
                true,
                format!("fuel on {kind}: fib(25) with 10000 fuel stops: {e}"),
            ),
            Ok(v) => verdict(
                false,
                format!(
                    "fuel on {kind}: fib(25) with 10000 fuel returned {v}: fuel is not charged"
                ),
            ),
        }
    }
    if with_startup {
        let module = startup::generate(CHECK_STARTUP_CODE_BYTES, STARTUP_SEED);
        let startup_kinds = selected_startup_kinds(opts);
        let mut reference: Option<(StartupKind, Vec<engines::Scalar>, u64)> = None;
        for kind in startup_kinds {
            let outcome = kind.instantiate(&module.bytes).and_then(|mut inst| {
                let results = call_exports(inst.as_mut(), &module.exports)?;
                let memory = fnv64(inst.memory().unwrap_or_default());
                Ok((results, memory))
            });
            let what = format!(
                "generated module ({} functions, {} exports) on {}",
                module.functions,
                module.exports.len(),
                kind.name()
            );
            match (outcome, &reference) {
                (Err(e), _) => verdict(false, format!("{what}: {e}")),
                (Ok((results, memory)), None) => {
                    let mut distinct: Vec<String> =
                        results.iter().map(|r| format!("{r:?}")).collect();
                    distinct.sort();
                    distinct.dedup();
                    verdict(
                        true,
                        format!(
                            "{what}: {} distinct results, memory hash {memory:016x}",
                            distinct.len()
                        ),
                    );
                    reference = Some((kind, results, memory));
                }
                (Ok((results, memory)), Some((first, expected, expected_memory))) => {
                    let diff = results.iter().zip(expected).position(|(a, b)| a != b);
                    if let Some(i) = diff {
                        let (name, _) = &module.exports[i];
                        verdict(
                            false,
                            format!(
                                "{what}: {name} returned {:?}, {} returned {:?}",
                                results[i],
                                first.name(),
                                expected[i]
                            ),
                        );
                    } else if memory != *expected_memory {
                        verdict(
                            false,
                            format!("{what}: memory differs from {}", first.name()),
                        );
                    } else {
                        verdict(true, format!("{what}: same results as {}", first.name()));
                    }
                }
            }
        }
    }
    println!("\nwrt-bench: {passed} passed, {failed} failed");
    Ok(failed == 0)
}

/// Calls every listed export once, in order.
fn call_exports(
    inst: &mut dyn Instance,
    exports: &[(String, startup::Sig)],
) -> Result<Vec<engines::Scalar>, String> {
    exports
        .iter()
        .enumerate()
        .map(|(i, (name, sig))| {
            inst.call(name, &sig.args(i as u32))
                .map_err(|e| format!("{name}: {e}"))
        })
        .collect()
}

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

// ---------------------------------------------------------------------------------------
// --instructions

/// Instructions one run of this binary executes under callgrind.
fn callgrind_count(what: &str, engine: &str, n: Option<i32>, iters: usize) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let mut cmd = std::process::Command::new("valgrind");
    cmd.args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(&exe)
        .args([
            "--only",
            what,
            "--engine",
            engine,
            "--iters",
            &iters.to_string(),
        ]);
    if let Some(n) = n {
        cmd.args(["--n", &n.to_string()]);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("valgrind: {e} (is valgrind installed?)"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("valgrind failed on {what}/{engine}:\n{stderr}"));
    }
    stderr
        .lines()
        .find_map(|l| {
            l.split_once("Collected :")
                .map(|(_, v)| v.trim().to_string())
        })
        .and_then(|v| v.parse().ok())
        .ok_or(format!(
            "no instruction count in valgrind's output:\n{stderr}"
        ))
}

/// Instructions of one call: a run with two calls minus a run with one.
fn per_call(what: &str, engine: &str, n: Option<i32>) -> Result<u64, String> {
    let one = callgrind_count(what, engine, n, 1)?;
    let two = callgrind_count(what, engine, n, 2)?;
    Ok(two.saturating_sub(one))
}

fn instructions(opts: &Options) -> Result<bool, String> {
    let (programs, with_startup) = selected_programs(opts)?;
    let kinds = selected_engines(opts)?;
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    println!(
        "Instructions per call (millions), callgrind; ratio is wrt/wasmi.\n\n| program | n | {} | wrt/wasmi |\n|---|---:|{}---:|",
        names.join(" | "),
        "---:|".repeat(names.len())
    );
    let mut ratios = Vec::new();
    for p in &programs {
        let n = opts.n.unwrap_or(p.callgrind_n);
        let mut counts = Vec::new();
        for kind in &kinds {
            counts.push(per_call(p.name, kind.name(), Some(n))?);
        }
        let get = |k: EngineKind| kinds.iter().position(|x| *x == k).map(|i| counts[i]);
        let ratio = match (get(EngineKind::Wrt), get(EngineKind::Wasmi)) {
            (Some(a), Some(b)) if b > 0 => {
                let r = a as f64 / b as f64;
                ratios.push(r);
                format!("{r:.2}")
            }
            _ => String::new(),
        };
        let cells: Vec<String> = counts
            .iter()
            .map(|c| format!("{:.1}", *c as f64 / 1e6))
            .collect();
        println!("| {} | {n} | {} | {ratio} |", p.name, cells.join(" | "));
    }
    if !ratios.is_empty() {
        let g = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        println!(
            "| **geometric mean** | |{} **{g:.2}** |",
            " |".repeat(names.len())
        );
    }
    if with_startup {
        println!(
            "\nStart-up (compile + instantiate the generated module), millions of instructions:\n"
        );
        for kind in selected_startup_kinds(opts) {
            let count = per_call("startup", kind.short(), None)?;
            println!("- {}: {:.1}", kind.name(), count as f64 / 1e6);
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------------
// Benchmarks

/// Timings of one engine on one program.
pub struct Measured {
    pub kind: EngineKind,
    pub samples: Vec<Duration>,
    /// Peak heap added by compile + instantiate + the first call.
    pub peak_heap: usize,
    /// Wrong results or errors: any of these makes the timing worthless.
    pub error: Option<String>,
}

impl Measured {
    pub fn median(&self) -> Option<Duration> {
        median(&self.samples)
    }
}

pub struct ProgramResult {
    pub program: &'static Program,
    pub n: i32,
    pub engines: Vec<Measured>,
}

impl ProgramResult {
    pub fn engine(&self, kind: EngineKind) -> Option<&Measured> {
        self.engines.iter().find(|m| m.kind == kind)
    }
}

pub struct StartupMeasured {
    pub kind: StartupKind,
    pub samples: Vec<Duration>,
    pub peak_heap: usize,
    /// Heap still held while the instance is alive.
    pub retained_heap: usize,
    pub error: Option<String>,
}

pub struct StartupResult {
    pub module_bytes: usize,
    pub code_bytes: usize,
    pub functions: u32,
    pub generate_time: Duration,
    pub engines: Vec<StartupMeasured>,
}

pub fn median(samples: &[Duration]) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2
    })
}

fn bench(opts: &Options) -> Result<bool, String> {
    let (programs, with_startup) = selected_programs(opts)?;
    let kinds = selected_engines(opts)?;
    let narrowed = opts.only.is_some() || opts.engines.is_some() || opts.n.is_some();
    // Profiling one engine on one program: exactly --iters calls, no warm-up.
    let warmup = !(kinds.len() == 1 && programs.len() == 1 && !with_startup);
    let mut all_ok = true;
    let mut results = Vec::new();
    for p in &programs {
        let result = bench_program(p, opts.n.unwrap_or(p.bench_n), &kinds, opts.iters, warmup);
        report::print_program(&result);
        all_ok &= result.engines.iter().all(|m| m.error.is_none());
        results.push(result);
    }
    let startup = if with_startup {
        let kinds = selected_startup_kinds(opts);
        let warmup = !(kinds.len() == 1 && programs.is_empty());
        let result = bench_startup(&kinds, opts.iters, warmup);
        report::print_startup(&result);
        all_ok &= result.engines.iter().all(|m| m.error.is_none());
        Some(result)
    } else {
        None
    };
    let out = match (&opts.out, narrowed) {
        (Some(path), _) => Some(path.clone()),
        (None, false) => Some(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../BENCHMARKS.md"
        ))),
        (None, true) => None,
    };
    if results.len() > 1 || out.is_some() {
        println!();
        print!("{}", report::summary(&results, startup.as_ref()));
    }
    if let Some(path) = out {
        let text = report::markdown(&results, startup.as_ref(), opts.iters);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if !all_ok {
        eprintln!("error: some results were wrong or failed; see FAIL/MISMATCH above");
    }
    Ok(all_ok)
}

/// The timed calls after the first round (which measured heap use, and was timed too unless it
/// was a warm-up): `engines` indices round after round, the order rotating each round so no
/// engine always runs first or last.
fn timed_rounds(engines: usize, iters: usize, warmup: bool) -> impl Iterator<Item = usize> {
    let rounds = if warmup {
        iters
    } else {
        iters.saturating_sub(1)
    };
    (0..rounds).flat_map(move |round| (0..engines).map(move |k| (round + k) % engines))
}

fn bench_program(
    p: &'static Program,
    n: i32,
    kinds: &[EngineKind],
    iters: usize,
    warmup: bool,
) -> ProgramResult {
    let expected = (p.expected)(n);
    let mut instances: Vec<Option<Box<dyn Instance>>> = Vec::new();
    let mut measured: Vec<Measured> = Vec::new();
    for &kind in kinds {
        // The first call is part of the memory measurement and checks the result.
        let (outcome, peak_heap) = alloc::measure(|| {
            let mut inst = engines::instantiate(kind, p.wasm)?;
            let first = Instant::now();
            let value = inst.run(n)?;
            Ok::<_, String>((inst, value, first.elapsed()))
        });
        let mut m = Measured {
            kind,
            samples: Vec::new(),
            peak_heap,
            error: None,
        };
        match outcome {
            Ok((inst, value, elapsed)) => {
                if value != expected {
                    m.error = Some(format!("MISMATCH: run({n}) = {value}, expected {expected}"));
                }
                if !warmup {
                    m.samples.push(elapsed);
                }
                instances.push(Some(inst));
            }
            Err(e) => {
                m.error = Some(format!("FAIL: {e}"));
                instances.push(None);
            }
        }
        measured.push(m);
    }
    for i in timed_rounds(kinds.len(), iters, warmup) {
        let Some(inst) = instances[i].as_mut() else {
            continue;
        };
        if measured[i].error.is_some() {
            continue;
        }
        let started = Instant::now();
        let outcome = inst.run(n);
        let elapsed = started.elapsed();
        match outcome {
            Ok(value) if value == expected => measured[i].samples.push(elapsed),
            Ok(value) => {
                measured[i].error =
                    Some(format!("MISMATCH: run({n}) = {value}, expected {expected}"))
            }
            Err(e) => measured[i].error = Some(format!("FAIL: {e}")),
        }
    }
    ProgramResult {
        program: p,
        n,
        engines: measured,
    }
}

fn bench_startup(kinds: &[StartupKind], iters: usize, warmup: bool) -> StartupResult {
    let started = Instant::now();
    let module = startup::generate(STARTUP_CODE_BYTES, STARTUP_SEED);
    let generate_time = started.elapsed();
    // The first round also measures heap use; it is a warm-up unless profiling.
    let mut measured: Vec<StartupMeasured> = kinds
        .iter()
        .map(|&kind| {
            let base = alloc::current();
            let started = Instant::now();
            let (outcome, peak_heap) = alloc::measure(|| kind.instantiate(&module.bytes));
            let elapsed = started.elapsed();
            let retained_heap = alloc::current().saturating_sub(base);
            StartupMeasured {
                kind,
                samples: if warmup { Vec::new() } else { vec![elapsed] },
                peak_heap,
                retained_heap,
                error: outcome.err().map(|e| format!("FAIL: {e}")),
            }
        })
        .collect();
    for i in timed_rounds(kinds.len(), iters, warmup) {
        if measured[i].error.is_some() {
            continue;
        }
        let started = Instant::now();
        let outcome = kinds[i].instantiate(&module.bytes);
        let elapsed = started.elapsed();
        match outcome {
            Ok(inst) => {
                measured[i].samples.push(elapsed);
                drop(inst);
            }
            Err(e) => measured[i].error = Some(format!("FAIL: {e}")),
        }
    }
    StartupResult {
        module_bytes: module.bytes.len(),
        code_bytes: module.code_bytes,
        functions: module.functions,
        generate_time,
        engines: measured,
    }
}
