//! `wrtd wast FILE...`: run spec scripts and report their assertions.

use std::collections::BTreeMap;
use std::io::{self, Write};

use wrt_wast::{run_file, WastReport};

use crate::cli::WastArgs;
use crate::error::{one_line, CliError};

/// Totals over all scripts.
#[derive(Default)]
struct Totals {
    passed: usize,
    failed: usize,
    not_run: usize,
}

impl Totals {
    fn summary(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed, self.failed);
        if self.not_run > 0 {
            line.push_str(&format!(", {} not run", self.not_run));
        }
        line
    }
}

pub fn main(opts: &WastArgs) -> Result<(), CliError> {
    let config = crate::base_config();
    let mut out = io::stdout().lock();
    let mut totals = Totals::default();
    for path in &opts.files {
        let report = run_file(&config, path);
        print_report(&mut out, &report)
            .map_err(|e| CliError::failure(format!("cannot write the report: {e}")))?;
        totals.passed += report.passed;
        totals.failed += report.failed();
        totals.not_run += report.not_run_count();
    }
    writeln!(out, "total: {}", totals.summary())
        .map_err(|e| CliError::failure(format!("cannot write the report: {e}")))?;

    if totals.failed > 0 {
        let ran = totals.passed + totals.failed;
        let plural = if ran == 1 { "" } else { "s" };
        return Err(CliError::failure(format!(
            "{} of {ran} script directive{plural} failed",
            totals.failed
        )));
    }
    Ok(())
}

/// `FILE: N passed, M failed`, then one line per failure and one line per
/// distinct reason for directives that could not be run.
fn print_report(out: &mut impl Write, report: &WastReport) -> io::Result<()> {
    let file = &report.file_name;
    let totals = Totals {
        passed: report.passed,
        failed: report.failed(),
        not_run: report.not_run_count(),
    };
    writeln!(out, "{file}: {}", totals.summary())?;
    for issue in &report.failures {
        writeln!(out, "  FAILED {file}:{}", one_line(&issue.to_string()))?;
    }
    // Unsupported features can skip hundreds of directives for one reason:
    // group them so the report stays readable.
    let mut reasons: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for issue in &report.not_run {
        reasons
            .entry(issue.message.as_str())
            .or_insert((0, issue.line, issue.column))
            .0 += 1;
    }
    for (reason, (count, line, column)) in reasons {
        let more = match count {
            1 => String::new(),
            n => format!(" (and {} more like it)", n - 1),
        };
        writeln!(
            out,
            "  not run {file}:{line}:{column}: {}{more}",
            one_line(reason)
        )?;
    }
    Ok(())
}
