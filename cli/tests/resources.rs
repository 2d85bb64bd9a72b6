//! End-to-end tests of `wrtd --fuel`, `--memory`, `--memory-profile` and
//! `--profile-json`: every number wrtd prints is checked exactly, against the
//! module's arithmetic or against the library's own counters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

mod common;

use common::{
    assert_contains_all, data, example, help, json_path, stderr, stdout, wrtd, FAILURE, TRAP, USAGE,
};

/// One wasm page.
const PAGE: u64 = 65536;

fn read_json(path: &PathBuf) -> Value {
    let text = std::fs::read_to_string(path).expect("the profile was written");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
}

/// The numbers of a `--memory-profile` report, read back from its text.
#[derive(Debug, Default, PartialEq)]
struct TextProfile {
    status: String,
    modules_executed: u64,
    peak_memory: u64,
    peak_usage: u64,
    current_usage: u64,
    budget: Option<u64>,
    /// name -> (current, peak)
    categories: BTreeMap<String, (u64, u64)>,
    memory_grows: (u64, u64),
    table_grows: u64,
    budget_refusals: u64,
    fuel_consumed: Option<u64>,
    /// (remaining, limit)
    fuel_remaining: Option<(u64, u64)>,
}

/// The first integer in `text`, which must start with it.
fn leading_int(text: &str) -> u64 {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no integer at the start of {text:?}"))
}

/// `N bytes` or `N bytes (1.0 KiB)`: checks the unit and returns N.
fn byte_count(text: &str) -> u64 {
    let n = leading_int(text);
    let rest = &text[n.to_string().len()..];
    assert!(
        rest == " bytes" || rest.starts_with(" bytes ("),
        "not a byte count: {text:?}"
    );
    n
}

/// Parses the whole report; fails on any line it does not know, so the
/// format cannot drift from what the tests (and docs/cli.md) describe.
fn parse_text(report: &str) -> TextProfile {
    let mut lines = report.lines();
    let mut p = TextProfile {
        status: lines.next().expect("a status line").to_string(),
        ..TextProfile::default()
    };
    let mut in_categories = false;
    for line in lines {
        if line.starts_with("error: ") {
            continue;
        }
        let trimmed = line.trim_start();
        let field = |prefix: &str| trimmed.strip_prefix(prefix);
        if in_categories && line.starts_with("      ") {
            let (name, rest) = trimmed.split_once(':').expect("category: ...");
            let rest = rest.trim_start();
            let rest = rest.strip_prefix("current ").expect("current");
            let current = leading_int(rest);
            let (_, peak) = rest.split_once(", peak ").expect("peak");
            assert_eq!(peak, format!("{} bytes", leading_int(peak)), "{line}");
            p.categories
                .insert(name.to_string(), (current, leading_int(peak)));
            continue;
        }
        in_categories = false;
        if let Some(v) = field("Modules executed: ") {
            p.modules_executed = leading_int(v);
        } else if let Some(v) = field("Peak memory: ") {
            p.peak_memory = byte_count(v);
        } else if trimmed == "Memory Profiling:" {
            assert_eq!(line, "  Memory Profiling:");
        } else if let Some(v) = field("Peak usage: ") {
            p.peak_usage = byte_count(v);
        } else if let Some(v) = field("Current usage: ") {
            p.current_usage = byte_count(v);
        } else if let Some(v) = field("Budget: ") {
            p.budget = (v != "none").then(|| byte_count(v));
        } else if trimmed == "By category:" {
            in_categories = true;
        } else if let Some(v) = field("memory.grow: ") {
            let (ok, failed) = v.split_once(" succeeded, ").expect("grow counts");
            assert_eq!(failed, format!("{} failed", leading_int(failed)));
            p.memory_grows = (leading_int(ok), leading_int(failed));
        } else if let Some(v) = field("table.grow: ") {
            assert_eq!(v, format!("{} succeeded", leading_int(v)));
            p.table_grows = leading_int(v);
        } else if let Some(v) = field("Budget refusals: ") {
            p.budget_refusals = leading_int(v);
        } else if let Some(v) = field("Fuel consumed: ") {
            assert_eq!(v, leading_int(v).to_string(), "{line}");
            p.fuel_consumed = Some(leading_int(v));
        } else if let Some(v) = field("Fuel remaining: ") {
            let (remaining, limit) = v.split_once(" of ").expect("N of LIMIT");
            p.fuel_remaining = Some((leading_int(remaining), leading_int(limit)));
        } else {
            panic!("unexpected line {line:?} in\n{report}");
        }
    }
    p
}

fn json_u64(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

/// The JSON must say exactly what the text says.
fn assert_same_numbers(text: &TextProfile, json: &Value) {
    assert_eq!(json_u64(&json["modules_executed"]), text.modules_executed);
    assert_eq!(json_u64(&json["total"]["peak_bytes"]), text.peak_usage);
    assert_eq!(
        json_u64(&json["total"]["current_bytes"]),
        text.current_usage
    );
    assert_eq!(json["budget_bytes"].as_u64(), text.budget);
    let categories = json["categories"].as_object().expect("categories");
    let json_categories: BTreeMap<String, (u64, u64)> = categories
        .iter()
        .map(|(name, u)| {
            (
                name.clone(),
                (json_u64(&u["current_bytes"]), json_u64(&u["peak_bytes"])),
            )
        })
        .collect();
    assert_eq!(json_categories, text.categories);
    assert_eq!(
        (
            json_u64(&json["memory_grows"]),
            json_u64(&json["memory_grow_failures"])
        ),
        text.memory_grows
    );
    assert_eq!(json_u64(&json["table_grows"]), text.table_grows);
    assert_eq!(json_u64(&json["budget_refusals"]), text.budget_refusals);
    assert_eq!(json["fuel"]["consumed"].as_u64(), text.fuel_consumed);
    assert_eq!(
        json["fuel"]["remaining"]
            .as_u64()
            .zip(json["fuel"]["limit"].as_u64()),
        text.fuel_remaining
    );
}

/// Checks what every report must satisfy and returns it parsed.
fn check_report(report: &str) -> TextProfile {
    let p = parse_text(report);
    // The total is the sum of the categories, and peaks are never below
    // current use.
    let sum: u64 = p.categories.values().map(|(current, _)| current).sum();
    assert_eq!(sum, p.current_usage, "{report}");
    assert_eq!(p.peak_memory, p.peak_usage, "{report}");
    assert!(p.peak_usage >= p.current_usage, "{report}");
    for (name, (current, peak)) in &p.categories {
        assert!(peak >= current, "{name} in {report}");
        assert!(*peak <= p.peak_usage, "{name} in {report}");
    }
    let names: Vec<&str> = p.categories.keys().map(String::as_str).collect();
    let mut expected = vec![
        "code",
        "globals",
        "host",
        "linear_memory",
        "runtime",
        "stacks",
        "tables",
    ];
    expected.sort_unstable();
    assert_eq!(names, expected, "{report}");
    p
}

/// Runs wrtd on `module` with `--memory-profile`, `--profile-json` to a file named after `test`
/// and then `args`, and expects exit `code` and `expected_stdout`. Returns the text report, what
/// [`check_report`] read from it, and the JSON profile.
fn run_profiled(
    test: &str,
    module: &str,
    args: &[&str],
    code: i32,
    expected_stdout: &str,
) -> (String, TextProfile, Value) {
    let json = json_path(test);
    let mut all = vec![
        module,
        "--memory-profile",
        "--profile-json",
        json.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let out = wrtd(&all);
    let report = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{report}");
    assert_eq!(stdout(&out), expected_stdout, "{report}");
    let text = check_report(&report);
    (report, text, read_json(&json))
}

/// What the library itself does with `module` and `fuel` units: a store holding an instance of
/// it and, if `call` names one, how calling `func(args)` there ended.
fn library_run(
    module_bytes: &[u8],
    lazy: bool,
    fuel: u64,
    call: Option<(&str, &[wrt::Val])>,
) -> (wrt::Store<()>, Result<(), wrt::Error>) {
    let mut config = wrt::Config::new();
    config.consume_fuel(true).lazy_translation(lazy);
    let engine = wrt::Engine::new(&config);
    let module = wrt::Module::new(&engine, module_bytes).unwrap();
    let mut store = wrt::Store::new(&engine, ());
    store.set_fuel(fuel).unwrap();
    let instance = wrt::Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let Some((func, args)) = call else {
        return (store, Ok(()));
    };
    let f = instance.get_func(&store, func).unwrap();
    let ty = f.ty(&store).unwrap();
    let mut results: Vec<wrt::Val> = ty
        .results()
        .iter()
        .map(|&t| wrt::Val::default_for(t).unwrap())
        .collect();
    let outcome = f.call(&mut store, args, &mut results);
    (store, outcome)
}

/// Fuel the library itself reports for calling `func(args)` in `module`
/// with `fuel` units, and whether the call ran out of fuel.
fn library_fuel(module_bytes: &[u8], func: &str, args: &[wrt::Val], fuel: u64) -> (u64, bool) {
    let (store, outcome) = library_run(module_bytes, true, fuel, Some((func, args)));
    let out_of_fuel = match outcome {
        Ok(()) => false,
        Err(e) => {
            assert_eq!(e.trap_code(), Some(wrt::TrapCode::OutOfFuel), "{e}");
            true
        }
    };
    (store.fuel_consumed(), out_of_fuel)
}

fn wat_bytes(path: &str) -> Vec<u8> {
    wrt::wat2wasm(&std::fs::read_to_string(path).unwrap()).unwrap()
}

// ---- memory profile ----

#[test]
fn grow_by_two_from_three_pages_peaks_at_327680_in_text_and_json() {
    // The result (the old size, 3 pages) and nothing else on stdout.
    let (report, text, json) = run_profiled("grow", &data("grow.wat"), &[], 0, "3\n");
    assert_eq!(text.status, "✓ Execution completed successfully");
    assert_eq!(text.modules_executed, 1);
    assert_eq!(text.categories["linear_memory"], (5 * PAGE, 5 * PAGE));
    assert_eq!(5 * PAGE, 327_680);
    assert_eq!(text.memory_grows, (1, 0));
    assert_eq!(text.table_grows, 0);
    assert_eq!(text.budget, None);
    assert_eq!(text.budget_refusals, 0);
    assert_eq!(text.fuel_consumed, None);
    // Code, stacks and bookkeeping are counted too, so the total is more
    // than the linear memory.
    assert!(text.categories["code"].0 > 0, "{report}");
    assert!(text.peak_usage > 327_680, "{report}");

    assert_eq!(json["outcome"], "completed");
    assert_eq!(json["message"], Value::Null);
    assert_eq!(json["categories"]["linear_memory"]["peak_bytes"], 327_680);
    assert_eq!(json["fuel"], Value::Null);
    assert_same_numbers(&text, &json);
}

#[test]
fn profile_has_the_shape_of_the_product_description() {
    let out = wrtd(&[&data("grow.wat"), "--memory-profile"]);
    let report = stderr(&out);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "✓ Execution completed successfully", "{report}");
    assert_eq!(lines[1], "  Modules executed: 1", "{report}");
    assert!(lines[2].starts_with("  Peak memory: "), "{report}");
    assert_eq!(lines[3], "  Memory Profiling:", "{report}");
    assert!(lines[4].starts_with("    Peak usage: "), "{report}");
    assert!(lines[5].starts_with("    Current usage: "), "{report}");
    assert_contains_all(
        "the report",
        &report,
        &[
            "Peak memory:",
            "Memory Profiling:",
            "Peak usage:",
            "Current usage:",
        ],
    );
    // A human-readable size may follow the exact count, never replace it.
    let peak = byte_count(lines[2].trim_start().strip_prefix("Peak memory: ").unwrap());
    assert!(
        lines[2].ends_with(" KiB)"),
        "{peak} bytes should read as KiB: {report}"
    );
}

#[test]
fn json_alone_keeps_stderr_empty_and_is_deterministic() {
    let first = json_path("alone-1");
    let second = json_path("alone-2");
    for path in [&first, &second] {
        let out = wrtd(&[
            &data("grow.wat"),
            "--fuel",
            "100000",
            "--profile-json",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), "3\n");
        assert_eq!(stderr(&out), "");
    }
    let a = std::fs::read_to_string(&first).unwrap();
    let b = std::fs::read_to_string(&second).unwrap();
    assert_eq!(a, b, "two runs wrote different profiles");
    // Keys come in a fixed, documented order.
    let keys: Vec<&str> = a
        .lines()
        .filter(|l| l.starts_with("  \""))
        .map(|l| l.trim_start().split('"').nth(1).unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "outcome",
            "message",
            "modules_executed",
            "budget_bytes",
            "total",
            "categories",
            "memory_grows",
            "memory_grow_failures",
            "table_grows",
            "budget_refusals",
            "fuel",
        ]
    );
}

#[test]
fn text_and_json_agree_with_fuel_and_a_budget() {
    let args = [
        "--fuel",
        "100000",
        "--memory",
        "1048576",
        "--function",
        "grow",
        "7",
    ];
    let (report, text, json) = run_profiled("agree", &example("grow.wasm"), &args, 0, "8\n");
    assert_eq!(text.categories["linear_memory"], (8 * PAGE, 8 * PAGE));
    assert_eq!(text.budget, Some(1_048_576));
    assert!(text.peak_usage <= 1_048_576, "{report}");

    let shipped = std::fs::read(example("grow.wasm")).unwrap();
    let (consumed, out_of_fuel) = library_fuel(&shipped, "grow", &[wrt::Val::I32(7)], 100_000);
    assert!(!out_of_fuel);
    assert_eq!(text.fuel_consumed, Some(consumed), "{report}");
    assert_eq!(text.fuel_remaining, Some((100_000 - consumed, 100_000)));

    assert_eq!(json["fuel"]["consumed"], consumed);
    assert_same_numbers(&text, &json);
}

/// The library's `code` usage for `grow.wasm` with fuel, after instantiation and
/// (if `call`) after `grow(7)`.
fn library_code(lazy: bool, call: bool) -> u64 {
    let shipped = std::fs::read(example("grow.wasm")).unwrap();
    let grow_7 = ("grow", &[wrt::Val::I32(7)][..]);
    let (store, outcome) = library_run(&shipped, lazy, 100_000, call.then_some(grow_7));
    outcome.unwrap();
    store
        .memory_profile()
        .category(wrt::MemoryCategory::Code)
        .current
}

#[test]
fn eager_translation_gives_the_same_run_with_all_code_charged_up_front() {
    assert_contains_all("--help", &help(), &["--eager-translation"]);
    let mut fuel = Vec::new();
    for (flag, lazy) in [(None, true), (Some("--eager-translation"), false)] {
        let grow = example("grow.wasm");
        let mut args = vec![grow.as_str(), "--fuel", "100000", "--memory-profile"];
        args.extend(flag);
        args.extend(["--function", "grow", "7"]);
        let out = wrtd(&args);
        let report = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{report}");
        assert_eq!(stdout(&out), "8\n");
        let text = check_report(&report);
        let code = library_code(lazy, true);
        assert_eq!(text.categories["code"], (code, code), "{args:?}: {report}");
        fuel.push(text.fuel_consumed);
    }
    assert_eq!(fuel[0], fuel[1]);
    // Lazily the call adds the function's code; eagerly instantiation charged it all.
    assert!(library_code(true, false) < library_code(true, true));
    assert_eq!(library_code(false, false), library_code(false, true));
}

#[test]
fn profile_after_a_trap_reports_what_was_used() {
    let (report, text, json) = run_profiled("trap", &data("start_traps.wat"), &[], TRAP, "");
    assert_eq!(text.status, "✗ Execution trapped: unreachable");
    assert_eq!(text.modules_executed, 1);
    // The error line comes last, after the profile.
    let last = report.lines().last().unwrap();
    assert!(
        last.starts_with("error: ") && last.contains("unreachable"),
        "{report}"
    );
    assert_eq!(report.matches("error: ").count(), 1, "{report}");

    assert_eq!(json["outcome"], "trapped");
    assert_eq!(json["message"], "unreachable");
    assert_same_numbers(&text, &json);
}

#[test]
fn unwritable_profile_path_fails_before_running() {
    let out = wrtd(&[
        &data("spin.wat"),
        "--profile-json",
        "/nonexistent-wrtd-dir/profile.json",
    ]);
    // Without the early check this would spin forever (no fuel given).
    assert_eq!(out.status.code(), Some(FAILURE));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: cannot create `/nonexistent-wrtd-dir/profile.json`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

// ---- fuel ----

#[test]
fn infinite_loop_runs_out_of_fuel_after_exactly_the_same_work() {
    // `loop` is free and `br` costs 1, so 1000 fuel is 1000 iterations.
    let mut lines = Vec::new();
    for _ in 0..2 {
        let out = wrtd(&[&data("spin.wat"), "--fuel", "1000"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(TRAP), "{err}");
        assert_eq!(stdout(&out), "");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(
            err,
            "error: calling `main`: trap: out of fuel (consumed 1000 fuel)\n"
        );
        lines.push(err);
    }
    assert_eq!(lines[0], lines[1]);
    let (consumed, out_of_fuel) = library_fuel(&wat_bytes(&data("spin.wat")), "main", &[], 1000);
    assert!(out_of_fuel);
    assert_eq!(consumed, 1000);
}

#[test]
fn out_of_fuel_reports_the_stores_count_not_the_limit() {
    // fib(30) needs far more than 100000 fuel; the last straight-line run
    // does not fit, so less than the limit is consumed. The exact number is
    // whatever the library counted.
    let shipped = std::fs::read(example("fib.wasm")).unwrap();
    let (consumed, out_of_fuel) = library_fuel(&shipped, "fib", &[wrt::Val::I32(30)], 100_000);
    assert!(out_of_fuel);
    let mut reports = Vec::new();
    for _ in 0..2 {
        let out = wrtd(&[
            &example("fib.wasm"),
            "--fuel",
            "100000",
            "--memory-profile",
            "--function",
            "fib",
            "30",
        ]);
        let report = stderr(&out);
        assert_eq!(out.status.code(), Some(TRAP), "{report}");
        let last = report.lines().last().unwrap();
        assert_eq!(
            last,
            format!("error: calling `fib`: trap: out of fuel (consumed {consumed} fuel)")
        );
        let text = check_report(&report);
        assert_eq!(text.status, "✗ Execution trapped: out of fuel");
        assert_eq!(text.fuel_consumed, Some(consumed));
        assert_eq!(text.fuel_remaining, Some((100_000 - consumed, 100_000)));
        // The recursion used the stacks before it stopped.
        assert!(text.categories["stacks"].1 > 0, "{report}");
        reports.push(report);
    }
    assert_eq!(reports[0], reports[1], "two runs differ");
}

#[test]
fn enough_fuel_runs_to_completion() {
    let shipped = std::fs::read(example("fib.wasm")).unwrap();
    let (consumed, out_of_fuel) = library_fuel(&shipped, "fib", &[wrt::Val::I32(10)], 1_000_000);
    assert!(!out_of_fuel);
    let args = ["--function", "fib", "10"];
    let enough = consumed.to_string();
    let out = wrtd(&[
        &example("fib.wasm"),
        "--fuel",
        &enough,
        args[0],
        args[1],
        args[2],
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "55\n");
    // One unit less is not enough.
    let short = (consumed - 1).to_string();
    let out = wrtd(&[
        &example("fib.wasm"),
        "--fuel",
        &short,
        args[0],
        args[1],
        args[2],
    ]);
    assert_eq!(out.status.code(), Some(TRAP), "{}", stderr(&out));
    assert!(stderr(&out).contains("out of fuel"));
}

#[test]
fn bad_numbers_are_command_line_errors() {
    for (flag, value) in [
        ("--fuel", "-1"),
        ("--fuel", "lots"),
        ("--fuel", "1e6"),
        ("--fuel", "18446744073709551616"),
        ("--memory", "1.5"),
        ("--memory", "-4096"),
        ("--memory", ""),
        ("--memory", "16MiB"),
    ] {
        let out = wrtd(&[&data("grow.wat"), flag, value]);
        assert_eq!(out.status.code(), Some(USAGE), "{flag} {value:?}");
        assert_eq!(stdout(&out), "");
        let err = stderr(&out);
        assert!(err.starts_with("error: "), "{flag} {value:?}: {err}");
        assert!(err.contains(flag), "{flag} {value:?}: {err}");
    }
}

#[test]
fn help_lists_the_resource_options() {
    assert_contains_all(
        "--help",
        &help(),
        &[
            "Resource limits and profiling:",
            "--fuel <N>",
            "--memory <BYTES>",
            "--memory-profile",
            "--profile-json <FILE>",
            "3   the WebAssembly code trapped (including \"out of fuel\")",
        ],
    );
}

// ---- memory budget ----

#[test]
fn four_gib_minimum_is_refused_by_the_budget() {
    // The budget check comes before any allocation: the error names the budget.
    let out = wrtd(&[&data("huge_memory.wat"), "--memory", "16777216"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(FAILURE), "{err}");
    assert_eq!(stdout(&out), "");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_contains_all(
        "the error",
        &err,
        &[
            "error: instantiating ",
            "huge_memory.wat",
            "memory budget of 16777216 bytes exceeded",
            "4294967296",
        ],
    );
}

/// With the address space capped at 256 MiB, allocating 4 GiB would fail
/// with a different error ("cannot allocate"): the budget's message proves
/// the refusal came first.
#[cfg(unix)]
#[test]
fn four_gib_minimum_is_refused_before_allocating() {
    let run = |extra: &[&str]| {
        Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 262144 && exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_wrtd"))
            .arg(data("huge_memory.wat"))
            .args(extra)
            .output()
            .expect("sh starts")
    };
    let out = run(&["--memory", "16777216", "--memory-profile"]);
    let report = stderr(&out);
    assert_eq!(out.status.code(), Some(FAILURE), "{report}");
    assert!(report.contains("memory budget"), "{report}");
    let text = check_report(&report);
    assert!(
        text.status
            .starts_with("✗ Execution failed: limit exceeded: memory budget"),
        "{report}"
    );
    assert_eq!(text.modules_executed, 0);
    assert_eq!(text.categories["linear_memory"], (0, 0));
    assert_eq!(text.budget, Some(16_777_216));
    assert_eq!(text.budget_refusals, 1);
    // The control: without a budget the allocation itself is attempted.
    let out = run(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(FAILURE), "{err}");
    assert!(!err.contains("memory budget"), "{err}");
}

#[test]
fn memory_grow_past_the_budget_returns_minus_one() {
    let grow = |pages: &str| {
        let out = wrtd(&[
            &example("grow.wasm"),
            "--memory",
            "1048576",
            "--memory-profile",
            "--function",
            "grow",
            pages,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        (stdout(&out), check_report(&stderr(&out)))
    };
    // 1 + 7 pages (512 KiB) fit in 1 MiB together with code and stacks.
    let (result, text) = grow("7");
    assert_eq!(result, "8\n");
    assert_eq!(text.memory_grows, (1, 0));
    assert_eq!(text.categories["linear_memory"], (8 * PAGE, 8 * PAGE));
    // 1 + 15 pages are exactly 1 MiB: no room left for anything else.
    let (result, text) = grow("15");
    assert_eq!(result, "-1\n");
    assert_eq!(text.memory_grows, (0, 1));
    assert_eq!(text.categories["linear_memory"], (PAGE, PAGE));
    assert!(text.budget_refusals >= 1, "{text:?}");
    assert!(text.peak_usage <= 1_048_576);
}

#[test]
fn budget_smaller_than_the_minimum_memory_is_refused() {
    // grow.wat needs 3 pages plus code and bookkeeping: exactly 3 pages is
    // not enough, 4 pages is.
    let out = wrtd(&[&data("grow.wat"), "--memory", &(3 * PAGE).to_string()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(FAILURE), "{err}");
    assert!(
        err.contains("memory budget of 196608 bytes exceeded"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = wrtd(&[&data("grow.wat"), "--memory", &(6 * PAGE).to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "3\n");
}

// ---- the command lines of the product description ----

#[test]
fn product_description_command_lines_work() {
    let m = data("grow.wat");
    for flags in [
        &["--fuel", "100000", "--memory", "1048576"][..],
        &["--fuel", "1000000"],
        &["--memory", "16777216"],
        &["--memory", "1048576"],
        &["--fuel", "2000000", "--memory", "33554432"],
        &[
            "--memory-profile",
            "--fuel",
            "1000000",
            "--memory",
            "16777216",
        ],
    ] {
        let mut args = vec![m.as_str()];
        args.extend_from_slice(flags);
        let out = wrtd(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "3\n", "{args:?}");
    }
    let out = wrtd(&[&m, "--memory-profile"]);
    assert_eq!(out.status.code(), Some(0));
    check_report(&stderr(&out));
}

// ---- the CLI manual shows real output ----

/// Runs every `$ wrtd ...` line of the console block in docs/cli.md's "Fuel,
/// memory budget and profiling" section and compares stdout followed by
/// stderr with the lines shown under it; then checks the JSON block.
#[test]
fn manual_profiling_examples_are_real_output() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let manual = std::fs::read_to_string(root.join("docs/cli.md")).unwrap();
    let section = manual
        .split("## Fuel, memory budget and profiling")
        .nth(1)
        .expect("docs/cli.md has the section");
    let block = |fence: &str| {
        section
            .split(fence)
            .nth(1)
            .and_then(|rest| rest.split("\n```").next())
            .unwrap_or_else(|| panic!("no {fence} block"))
            .to_string()
    };

    let console = block("```console\n");
    let mut examples: Vec<(String, String)> = Vec::new();
    for line in console.lines() {
        match line.strip_prefix("$ ") {
            Some(command) => examples.push((command.to_string(), String::new())),
            None => {
                let (_, expected) = examples.last_mut().expect("output after a command");
                expected.push_str(line);
                expected.push('\n');
            }
        }
    }
    assert_eq!(examples.len(), 4, "{console}");
    for (command, expected) in &examples {
        let mut words = command.split_whitespace();
        assert_eq!(words.next(), Some("wrtd"));
        let out = Command::new(env!("CARGO_BIN_EXE_wrtd"))
            .args(words)
            .current_dir(&root)
            .output()
            .unwrap();
        let shown = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(
            &shown, expected,
            "docs/cli.md output of `{command}` is stale"
        );
    }

    let (first, _) = &examples[0];
    let json = json_path("readme");
    let args: Vec<&str> = first.split_whitespace().skip(1).collect();
    let (options, call) = args.split_at(args.len() - 3);
    let out = Command::new(env!("CARGO_BIN_EXE_wrtd"))
        .args(options)
        .args(["--profile-json", json.to_str().unwrap()])
        .args(call)
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(&json).unwrap();
    assert_eq!(
        format!("{}\n", block("```json\n")),
        written,
        "docs/cli.md JSON is stale"
    );
}
