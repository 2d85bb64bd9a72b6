//! The report of `--memory-profile` (text on stderr) and `--profile-json FILE`.
//!
//! Every number comes from the store: `Store::memory_profile` for bytes and
//! grow counts, `Store::fuel_consumed` and `Store::get_fuel` for fuel. Nothing
//! is estimated. Byte counts are exact integers; the text form adds a
//! human-readable size in parentheses.

use std::fmt::Write as _;

use wrt::{MemoryProfile, Usage};

/// How the run ended, as far as the profile is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The called function returned (or the guest exited with status 0).
    Completed,
    /// The WebAssembly code trapped; the trap's message.
    Trapped(String),
    /// The guest asked to exit with a non-zero status.
    Exited(i32),
    /// Instantiation or the call failed without a trap (link error, budget
    /// refused, ...); the error message.
    Failed(String),
}

impl Outcome {
    /// Classifies an error from the runtime.
    pub fn from_error(error: &wrt::Error) -> Self {
        match error.kind() {
            wrt::ErrorKind::Exit(0) => Outcome::Completed,
            wrt::ErrorKind::Exit(status) => Outcome::Exited(*status),
            wrt::ErrorKind::Trap(trap) => Outcome::Trapped(trap.to_string()),
            _ => Outcome::Failed(error.to_string()),
        }
    }

    fn status_line(&self) -> String {
        match self {
            Outcome::Completed => "✓ Execution completed successfully".to_string(),
            Outcome::Trapped(message) => format!("✗ Execution trapped: {message}"),
            Outcome::Exited(status) => format!("✗ Execution exited with status {status}"),
            Outcome::Failed(message) => format!("✗ Execution failed: {message}"),
        }
    }

    fn json_name(&self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Trapped(_) => "trapped",
            Outcome::Exited(_) => "exited",
            Outcome::Failed(_) => "failed",
        }
    }

    fn message(&self) -> Option<String> {
        match self {
            Outcome::Completed => None,
            Outcome::Trapped(message) | Outcome::Failed(message) => Some(message.clone()),
            Outcome::Exited(status) => Some(format!("exited with status {status}")),
        }
    }
}

/// Fuel accounting of a run with `--fuel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fuel {
    /// What `--fuel` gave.
    pub limit: u64,
    /// `Store::fuel_consumed`.
    pub consumed: u64,
    /// `Store::get_fuel`.
    pub remaining: u64,
}

/// Everything the profile reports about one run.
#[derive(Debug, Clone)]
pub struct RunProfile {
    pub outcome: Outcome,
    /// Modules that were instantiated and reached execution (their start
    /// function ran or trapped).
    pub modules_executed: u32,
    pub memory: MemoryProfile,
    /// `None` without `--fuel`.
    pub fuel: Option<Fuel>,
}

impl RunProfile {
    /// The text report, in the shape of the product description:
    ///
    /// ```text
    /// ✓ Execution completed successfully
    ///   Modules executed: 1
    ///   Peak memory: N bytes
    ///   Memory Profiling:
    ///     Peak usage: N bytes
    ///     Current usage: N bytes
    ///     ...
    /// ```
    ///
    /// "Peak memory" and "Peak usage" are both the highest number of bytes
    /// the store held at once over all categories.
    pub fn text(&self) -> String {
        let m = &self.memory;
        let mut out = String::new();
        let mut line = |text: String| {
            out.push_str(&text);
            out.push('\n');
        };
        line(self.outcome.status_line());
        line(format!("  Modules executed: {}", self.modules_executed));
        line(format!("  Peak memory: {}", bytes(m.total.peak)));
        line("  Memory Profiling:".to_string());
        line(format!("    Peak usage: {}", bytes(m.total.peak)));
        line(format!("    Current usage: {}", bytes(m.total.current)));
        line(format!(
            "    Budget: {}",
            m.budget.map_or_else(|| "none".to_string(), bytes)
        ));
        line("    By category:".to_string());
        for (category, usage) in &m.categories {
            line(format!(
                "      {:<14} current {} bytes, peak {} bytes",
                format!("{}:", category.name()),
                usage.current,
                usage.peak
            ));
        }
        line(format!(
            "    memory.grow: {} succeeded, {} failed",
            m.memory_grows, m.memory_grow_failures
        ));
        line(format!("    table.grow: {} succeeded", m.table_grows));
        line(format!("    Budget refusals: {}", m.budget_refusals));
        if let Some(fuel) = &self.fuel {
            line(format!("  Fuel consumed: {}", fuel.consumed));
            line(format!(
                "  Fuel remaining: {} of {}",
                fuel.remaining, fuel.limit
            ));
        }
        out
    }

    /// The same data as JSON, keys always present and in a fixed order
    /// (absent values are `null`).
    pub fn json(&self) -> String {
        let m = &self.memory;
        let mut out = String::from("{\n");
        let mut field = |key: &str, value: String, last: bool| {
            let comma = if last { "" } else { "," };
            let _ = writeln!(out, "  {}: {value}{comma}", string(key));
        };
        field("outcome", string(self.outcome.json_name()), false);
        field(
            "message",
            self.outcome
                .message()
                .map_or_else(|| "null".to_string(), |s| string(&s)),
            false,
        );
        field("modules_executed", self.modules_executed.to_string(), false);
        field(
            "budget_bytes",
            m.budget
                .map_or_else(|| "null".to_string(), |b| b.to_string()),
            false,
        );
        field("total", usage(&m.total), false);
        let categories: Vec<String> = m
            .categories
            .iter()
            .map(|(category, u)| format!("    {}: {}", string(category.name()), usage(u)))
            .collect();
        field(
            "categories",
            format!("{{\n{}\n  }}", categories.join(",\n")),
            false,
        );
        field("memory_grows", m.memory_grows.to_string(), false);
        field(
            "memory_grow_failures",
            m.memory_grow_failures.to_string(),
            false,
        );
        field("table_grows", m.table_grows.to_string(), false);
        field("budget_refusals", m.budget_refusals.to_string(), false);
        field(
            "fuel",
            self.fuel.map_or_else(
                || "null".to_string(),
                |f| {
                    format!(
                        "{{\"limit\": {}, \"consumed\": {}, \"remaining\": {}}}",
                        f.limit, f.consumed, f.remaining
                    )
                },
            ),
            true,
        );
        out.push_str("}\n");
        out
    }
}

/// `{"current_bytes": N, "peak_bytes": N}`
fn usage(u: &Usage) -> String {
    format!(
        "{{\"current_bytes\": {}, \"peak_bytes\": {}}}",
        u.current, u.peak
    )
}

/// A JSON string literal.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `N bytes`, followed by a binary-prefixed size from 1 KiB on:
/// `327680 bytes (320.0 KiB)`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    // Exact integers come first; the float is only a reading aid.
    let mut size = n as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    format!("{n} bytes ({size:.1} {})", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_exact_with_a_readable_suffix() {
        assert_eq!(bytes(0), "0 bytes");
        assert_eq!(bytes(1023), "1023 bytes");
        assert_eq!(bytes(1024), "1024 bytes (1.0 KiB)");
        assert_eq!(bytes(327_680), "327680 bytes (320.0 KiB)");
        assert_eq!(bytes(16 << 20), "16777216 bytes (16.0 MiB)");
        assert_eq!(bytes(4 << 30), "4294967296 bytes (4.0 GiB)");
        assert_eq!(
            bytes(u64::MAX),
            "18446744073709551615 bytes (16777216.0 TiB)"
        );
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(string("x\ny\u{1}"), r#""x\ny\u0001""#);
        assert_eq!(string("✓"), "\"✓\"");
    }
}
