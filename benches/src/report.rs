//! Tables for the terminal and the BENCHMARKS.md report.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::engines::{EngineKind, StartupKind};
use crate::{median, Measured, ProgramResult, StartupResult};

/// The pinned wasmi version (keep in step with benches/Cargo.toml).
pub const WASMI_VERSION: &str = "2.0.0";

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

fn kib(bytes: usize) -> String {
    format!("{}", bytes.div_ceil(1024))
}

fn mib(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn geomean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

/// The median of `kind` on `r`, if it ran without errors.
fn med(r: &ProgramResult, kind: EngineKind) -> Option<Duration> {
    let m = r.engine(kind)?;
    if m.error.is_some() {
        return None;
    }
    m.median()
}

fn ratio_of(r: &ProgramResult, a: EngineKind, b: EngineKind) -> Option<f64> {
    Some(ratio(med(r, a)?, med(r, b)?))
}

pub fn print_program(r: &ProgramResult) {
    let mut line = format!("{:<11} n={:<9}", r.program.name, r.n);
    for m in &r.engines {
        match (&m.error, m.median()) {
            (Some(e), _) => {
                let _ = write!(line, "  {}: {e}", m.kind);
            }
            (None, Some(t)) => {
                let _ = write!(line, "  {} {} ms", m.kind, ms(t));
            }
            (None, None) => {}
        }
    }
    if let Some(x) = ratio_of(r, EngineKind::Wrt, EngineKind::Wasmi) {
        let _ = write!(line, "  wrt/wasmi {x:.2}");
    }
    println!("{line}");
}

pub fn print_startup(s: &StartupResult) {
    println!(
        "startup: {} bytes, {} functions, {} bytes of code (generated in {} ms)",
        s.module_bytes,
        s.functions,
        s.code_bytes,
        ms(s.generate_time)
    );
    for m in &s.engines {
        match (&m.error, median(&m.samples)) {
            (Some(e), _) => println!("  {:<34} {e}", m.kind.name()),
            (None, Some(t)) => println!(
                "  {:<34} {:>9} ms  peak heap {} MiB, retained {} MiB",
                m.kind.name(),
                ms(t),
                mib(m.peak_heap),
                mib(m.retained_heap)
            ),
            (None, None) => {}
        }
    }
}

/// Headline numbers, the same as the report's "Targets" section.
pub fn summary(results: &[ProgramResult], startup: Option<&StartupResult>) -> String {
    let mut out = String::new();
    for line in target_lines(results, startup) {
        let _ = writeln!(out, "{line}");
    }
    out
}

fn target_lines(results: &[ProgramResult], startup: Option<&StartupResult>) -> Vec<String> {
    let mut lines = Vec::new();
    let ratios: Vec<(f64, &str)> = results
        .iter()
        .filter_map(|r| {
            Some((
                ratio_of(r, EngineKind::Wrt, EngineKind::Wasmi)?,
                r.program.name,
            ))
        })
        .collect();
    let values: Vec<f64> = ratios.iter().map(|(x, _)| *x).collect();
    if let Some(g) = geomean(&values) {
        lines.push(format!(
            "- Execution, geometric mean of wrt/wasmi over {} programs: **{g:.2}** (target <= 1.0: {}).",
            values.len(),
            if g <= 1.0 { "met" } else { "not met" }
        ));
        let mut worst = ratios.clone();
        worst.sort_by(|a, b| b.0.total_cmp(&a.0));
        let over: Vec<String> = worst
            .iter()
            .filter(|(x, _)| *x > 1.5)
            .map(|(x, name)| format!("{name} {x:.2}"))
            .collect();
        lines.push(format!(
            "- Worst program: {} at {:.2} (target: none above 1.5: {}).",
            worst[0].1,
            worst[0].0,
            if over.is_empty() {
                "met".to_string()
            } else {
                format!("not met: {}", over.join(", "))
            }
        ));
    }
    if let Some(s) = startup {
        let get = |kind: StartupKind| {
            let m = s.engines.iter().find(|m| m.kind == kind)?;
            if m.error.is_some() {
                return None;
            }
            median(&m.samples)
        };
        if let (Some(w), Some(d)) = (get(StartupKind::Wrt), get(StartupKind::WasmiDefault)) {
            let x = ratio(w, d);
            lines.push(format!(
                "- Start-up (compile + instantiate, {} MiB of code): wrt {} ms, wasmi default {} ms, ratio **{x:.2}** (target <= 1.0: {}).",
                mib(s.code_bytes),
                ms(w),
                ms(d),
                if x <= 1.0 { "met" } else { "not met" }
            ));
            if let Some(one) = get(StartupKind::WrtOneThread) {
                lines.push(format!(
                    "- Start-up with wrt on one thread (`parallel_compilation(false)`; wasmi uses one): {} ms, ratio {:.2}.",
                    ms(one),
                    ratio(one, d)
                ));
            }
        }
    }
    let fuel: Vec<f64> = results
        .iter()
        .filter_map(|r| ratio_of(r, EngineKind::WrtFuel, EngineKind::Wrt))
        .collect();
    match geomean(&fuel) {
        Some(g) => lines.push(format!(
            "- Fuel: wrt with fuel on / off, geometric mean: **{g:.2}** (+{:.0}%; target <= +10%: {}).",
            (g - 1.0) * 100.0,
            if g <= 1.10 { "met" } else { "not met" }
        )),
        None if !EngineKind::WrtFuel.available() => lines.push(
            "- Fuel: not measured: this build of wrt does not meter fuel (no `wrt-fuel` column).".into(),
        ),
        None => {}
    }
    let wasmi_fuel: Vec<f64> = results
        .iter()
        .filter_map(|r| ratio_of(r, EngineKind::WasmiFuel, EngineKind::Wasmi))
        .collect();
    if let Some(g) = geomean(&wasmi_fuel) {
        lines.push(format!(
            "- For reference, wasmi with fuel on / off, geometric mean: {g:.2} (+{:.0}%).",
            (g - 1.0) * 100.0
        ));
    }
    let failures: Vec<String> = results
        .iter()
        .flat_map(|r| {
            r.engines.iter().filter_map(move |m| {
                let e = m.error.as_ref()?;
                Some(format!("{} on {}: {e}", r.program.name, m.kind))
            })
        })
        .chain(startup.into_iter().flat_map(|s| {
            s.engines.iter().filter_map(|m| {
                let e = m.error.as_ref()?;
                Some(format!("startup on {}: {e}", m.kind.name()))
            })
        }))
        .collect();
    if failures.is_empty() {
        lines.push("- Every result matched its expected value on every engine.".into());
    } else {
        for f in failures {
            lines.push(format!("- **Wrong or failed**: {f}"));
        }
    }
    lines
}

struct Machine {
    cpu: String,
    cores: String,
    rustc: String,
    date: String,
    commit: String,
}

fn command(program: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let logical = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let usable = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cores = format!("{usable} usable ({logical} listed in /proc/cpuinfo)");
    let rustc = command("rustc", &["--version"]).unwrap_or_else(|| "unknown".into());
    let commit = match command("git", &["rev-parse", "--short", "HEAD"]) {
        Some(hash) => {
            let dirty = command("git", &["status", "--porcelain"]).is_some_and(|s| !s.is_empty());
            if dirty {
                format!("{hash} with uncommitted changes")
            } else {
                hash
            }
        }
        None => "unknown".into(),
    };
    Machine {
        cpu,
        cores,
        rustc,
        date: today(),
        commit,
    }
}

/// Today's UTC date as YYYY-MM-DD.
fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A table of a row per program and a column per engine of `kinds` (`rule` under each engine's
/// heading), whose cells `cell` writes from the engine's measurement, then a blank line.
fn per_engine_table(
    w: &mut String,
    results: &[ProgramResult],
    kinds: &[EngineKind],
    rule: &str,
    cell: impl Fn(Option<&Measured>) -> String,
) {
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    let _ = writeln!(
        w,
        "| program | {} |\n|---|{}",
        names.join(" | "),
        rule.repeat(kinds.len())
    );
    for r in results {
        let cells: Vec<String> = kinds.iter().map(|k| cell(r.engine(*k))).collect();
        let _ = writeln!(w, "| {} | {} |", r.program.name, cells.join(" | "));
    }
    let _ = writeln!(w);
}

pub fn markdown(
    results: &[ProgramResult],
    startup: Option<&StartupResult>,
    iters: usize,
) -> String {
    let m = machine();
    let fuel = EngineKind::WrtFuel.available();
    let mut o = String::new();
    let w = &mut o;
    let _ = writeln!(w, "# Benchmarks\n");
    let _ = writeln!(
        w,
        "wrt against [wasmi](https://crates.io/crates/wasmi) {WASMI_VERSION} (default features and \
         configuration), both in the same process. Generated by `wrt-bench` (benches/); do not edit \
         by hand: rerun it.\n"
    );
    let _ = writeln!(w, "```sh\ncargo run --release -p wrt-bench            # everything; rewrites this file\ncargo run -p wrt-bench -- --check            # results only (CI)\n```\n");
    let _ = writeln!(w, "## Machine\n");
    let _ = writeln!(w, "| | |\n|---|---|");
    let _ = writeln!(w, "| CPU | {} |", m.cpu);
    let _ = writeln!(w, "| cores | {} |", m.cores);
    let _ = writeln!(w, "| rustc | {} |", m.rustc);
    let _ = writeln!(w, "| date | {} |", m.date);
    let _ = writeln!(w, "| wrt commit | {} |", m.commit);
    let _ = writeln!(
        w,
        "| profile | release (opt-level 3, thin LTO, 1 codegen unit) |\n"
    );

    let _ = writeln!(w, "## Targets (issue 5)\n");
    for line in target_lines(results, startup) {
        let _ = writeln!(w, "{line}");
    }
    let _ = writeln!(w);

    if !results.is_empty() {
        let _ = writeln!(w, "## Execution\n");
        let _ = writeln!(
            w,
            "Median wall time of one call of `run(n)` on an already instantiated module, over {iters} \
             calls per engine. The engines take turns call by call (the order rotates each round), so \
             machine noise hits all of them alike. Every call's result is checked against a value \
             computed independently in Rust. Ratios below 1 mean wrt is faster.\n"
        );
        let mut header = "| program | exercises | n | wasmi ms | wrt ms | wrt/wasmi |".to_string();
        let mut rule = "|---|---|---:|---:|---:|---:|".to_string();
        if fuel {
            header.push_str(" wrt fuel ms | wrt fuel cost |");
            rule.push_str("---:|---:|");
        }
        header.push_str(" wasmi fuel ms | wasmi fuel cost |");
        rule.push_str("---:|---:|");
        let _ = writeln!(w, "{header}\n{rule}");
        let cell = |d: Option<Duration>| d.map_or("error".to_string(), ms);
        let pct =
            |x: Option<f64>| x.map_or("".to_string(), |x| format!("{:+.0}%", (x - 1.0) * 100.0));
        for r in results {
            let mut row = format!(
                "| {} | {} | {} | {} | {} | {} |",
                r.program.name,
                r.program.what,
                r.n,
                cell(med(r, EngineKind::Wasmi)),
                cell(med(r, EngineKind::Wrt)),
                ratio_of(r, EngineKind::Wrt, EngineKind::Wasmi)
                    .map_or("".into(), |x| format!("{x:.2}")),
            );
            if fuel {
                let _ = write!(
                    row,
                    " {} | {} |",
                    cell(med(r, EngineKind::WrtFuel)),
                    pct(ratio_of(r, EngineKind::WrtFuel, EngineKind::Wrt))
                );
            }
            let _ = write!(
                row,
                " {} | {} |",
                cell(med(r, EngineKind::WasmiFuel)),
                pct(ratio_of(r, EngineKind::WasmiFuel, EngineKind::Wasmi))
            );
            let _ = writeln!(w, "{row}");
        }
        let gm = |a: EngineKind, b: EngineKind| {
            let v: Vec<f64> = results.iter().filter_map(|r| ratio_of(r, a, b)).collect();
            geomean(&v)
        };
        let mut row = format!(
            "| **geometric mean** | | | | | **{}** |",
            gm(EngineKind::Wrt, EngineKind::Wasmi).map_or("".into(), |x| format!("{x:.2}"))
        );
        if fuel {
            let _ = write!(
                row,
                " | **{}** |",
                pct(gm(EngineKind::WrtFuel, EngineKind::Wrt))
            );
        }
        let _ = write!(
            row,
            " | {} |",
            pct(gm(EngineKind::WasmiFuel, EngineKind::Wasmi))
        );
        let _ = writeln!(w, "{row}\n");
        if !fuel {
            let _ = writeln!(
                w,
                "wrt with fuel on is not measured: this build of wrt does not meter fuel (the \
                 harness checks that a small fuel budget runs out before it reports the column).\n"
            );
        }
        let _ = writeln!(
            w,
            "Fuel cost is the median with fuel metering on over the median with it off, same engine; \
             stores start with {} units of fuel, so nothing runs out.\n",
            u64::MAX / 2
        );

        let _ = writeln!(w, "### Spread\n");
        let _ = writeln!(w, "Fastest / median / slowest call, ms.\n");
        let kinds: Vec<EngineKind> = EngineKind::ALL
            .into_iter()
            .filter(|k| results.iter().any(|r| r.engine(*k).is_some()))
            .collect();
        per_engine_table(w, results, &kinds, "---|", |m| match m {
            Some(m) if m.error.is_none() && !m.samples.is_empty() => {
                let lo = m.samples.iter().min().copied().unwrap_or_default();
                let hi = m.samples.iter().max().copied().unwrap_or_default();
                let mid = m.median().unwrap_or_default();
                format!("{} / {} / {}", ms(lo), ms(mid), ms(hi))
            }
            Some(m) => m.error.clone().unwrap_or_default(),
            None => String::new(),
        });

        let _ = writeln!(w, "## Memory\n");
        let _ = writeln!(
            w,
            "Peak heap, in KiB, that compiling, instantiating and calling `run(n)` once added to the \
             process, measured by a counting global allocator in the bench binary. It counts every \
             byte requested through Rust's allocator (module, translated code, store, stacks, linear \
             memory: both engines allocate linear memory on the heap) and not allocator overhead, \
             thread stacks or memory mapped directly.\n"
        );
        per_engine_table(w, results, &kinds, "---:|", |m| {
            m.map_or(String::new(), |m| kib(m.peak_heap))
        });
    }

    if let Some(s) = startup {
        let _ = writeln!(w, "## Start-up\n");
        let _ = writeln!(
            w,
            "A generated module (benches/src/startup.rs, fixed seed): {} functions, {} bytes of code, \
             {} bytes in all. Time to create the engine and compile and instantiate the module, median \
             of {iters} runs, interleaved. Heap figures as above: the peak while compiling and \
             instantiating, and what the live instance still holds.\n",
            s.functions, s.code_bytes, s.module_bytes
        );
        let _ = writeln!(
            w,
            "| engine | median ms | fastest ms | slowest ms | peak heap MiB | retained heap MiB |\n|---|---:|---:|---:|---:|---:|"
        );
        for m in &s.engines {
            match (&m.error, median(&m.samples)) {
                (Some(e), _) => {
                    let _ = writeln!(w, "| {} | {e} | | | | |", m.kind.name());
                }
                (None, Some(t)) => {
                    let lo = m.samples.iter().min().copied().unwrap_or_default();
                    let hi = m.samples.iter().max().copied().unwrap_or_default();
                    let _ = writeln!(
                        w,
                        "| {} | {} | {} | {} | {} | {} |",
                        m.kind.name(),
                        ms(t),
                        ms(lo),
                        ms(hi),
                        mib(m.peak_heap),
                        mib(m.retained_heap)
                    );
                }
                (None, None) => {}
            }
        }
        let _ = writeln!(
            w,
            "\nwasmi's default mode validates the whole module up front and translates each function \
             on its first call; \"lazy\" also defers validation; \"eager\" does everything up front.\n"
        );
    }

    let _ = writeln!(w, "## Programs\n");
    let _ = writeln!(
        w,
        "Sources and committed builds are in benches/programs/ (rebuild: `benches/programs/build.sh`; \
         C with clang `--target=wasm32 -O2 -nostdlib`, WAT with the `wat` crate). Each exports \
         `run(n) -> i64`, imports nothing, and resets its own state on entry.\n"
    );
    let _ = writeln!(w, "| program | source | exercises |\n|---|---|---|");
    for p in crate::programs::PROGRAMS {
        let _ = writeln!(w, "| {} | {} | {} |", p.name, p.source, p.what);
    }
    o
}
