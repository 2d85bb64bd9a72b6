//! The official WASI preview 1 conformance tests (WebAssembly/wasi-testsuite), run the way the
//! suite's README says: for each test, a fresh copy of its root directory preopened as `/`,
//! exactly the arguments and environment of its `.json` file, a time bound, and the exit code and
//! standard output compared with the expected ones.
//!
//! Every test runs three times, each in a process of its own that is killed when it exceeds
//! [`TIME_BOUND`]:
//!
//! - through `wrtd --wasi` (`$WRTD`, else the wrtd of this build's profile, which the test
//!   brings up to date with `cargo build -p wrtd` first);
//! - through the library directly (this test binary started again in [`LIBRARY_CHILD`] mode,
//!   which builds a `WasiCtx` itself);
//! - through `wrtd --no-std --wasi --wasi-trace`, without the root directory (a no_std build has
//!   no filesystem): the tests that need only arguments, environment, clocks, random and the
//!   standard streams must pass, the others fail, and the table records the WASI error the
//!   trace shows.
//!
//! Every test must pass through wrtd and the library. The results go to
//! `tests/wasi-testsuite-results.md`, rewritten by each full run (no timings in it, so it only
//! changes when results change).
//!
//! The suite is looked for in `$WRT_WASI_TESTSUITE`, else in `shared/wasi-testsuite` beside the
//! repository. When it is missing the test says where it comes from and passes, except under CI
//! (`CI=true`), where a missing suite is a failure. `cargo test ... -- NAME` runs only the tests
//! whose name (`rust/path_link`) contains NAME and leaves the results file alone.

#[cfg(unix)]
fn main() {
    unix::main();
}

#[cfg(not(unix))]
fn main() {
    println!("wasi_testsuite: skipped: the WASI filesystem of wrt needs a Unix host");
}

#[cfg(unix)]
mod unix {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    use std::io::Read;
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::thread;
    use std::time::{Duration, Instant};

    use wrt::{Engine, Error, Linker, Module, Store};
    use wrt_wasi::{self as wasi, WasiCtx};

    /// The longest one run of one test may take before it is killed. Release builds need well
    /// under a second per test; the bound only stops a test that hangs.
    const TIME_BOUND: Duration = Duration::from_secs(60);

    /// The first argument that makes this binary run one test through the library.
    const LIBRARY_CHILD: &str = "--run-through-library";

    /// The memory budget of the `--no-std` runs: Rust programs reserve 1 MiB of stack in linear
    /// memory, more than the 1 MiB default budget of `--no-std`.
    const NO_STD_MEMORY: u64 = 4 * 1024 * 1024;

    /// The fuel of the `--no-std` runs, as a bare-metal embedder bounds a program. The tests
    /// that pass use at most 76 000; one that looks for its root directory among all 2^31
    /// descriptors (rust/path_open_preopen) ends here instead of at the time bound.
    const NO_STD_FUEL: u64 = 1_000_000;

    /// Where the suite comes from, for the message when it is missing.
    const SUITE_ORIGIN: &str = "https://github.com/WebAssembly/wasi-testsuite, branch \
        prod/testsuite-base (prebuilt tests in tests/{c,rust,assemblyscript}/testsuite/wasm32-wasip1)";

    /// The languages of the suite, in the order of the table.
    const LANGUAGES: [&str; 3] = ["assemblyscript", "c", "rust"];

    /// Exit code of the library runner when the guest traps (as wrtd), and for other errors.
    const TRAP: i32 = 3;
    const FAILURE: i32 = 1;

    /// One test of the suite: `NAME.wasm` and what its `NAME.json` says.
    #[derive(Debug, Clone)]
    struct TestCase {
        /// `lang/NAME`.
        name: String,
        wasm: PathBuf,
        args: Vec<String>,
        env: Vec<(String, String)>,
        /// The directory to give the program as `/` (copied afresh for each run).
        root: Option<PathBuf>,
        exit_code: i32,
        stdout: Option<String>,
        stderr: Option<String>,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Runner {
        Wrtd,
        Library,
        NoStd,
    }

    impl Runner {
        const ALL: [Runner; 3] = [Runner::Wrtd, Runner::Library, Runner::NoStd];

        fn title(self) -> &'static str {
            match self {
                Runner::Wrtd => "wrtd",
                Runner::Library => "library",
                Runner::NoStd => "wrtd --no-std",
            }
        }
    }

    /// What one run did.
    #[derive(Debug)]
    struct Run {
        /// `None` when the process was killed (time bound) or ended by a signal.
        code: Option<i32>,
        stdout: String,
        /// Standard error without `--wasi-trace` lines.
        stderr: String,
        /// The first traced WASI call that returned an error (`--no-std` runs).
        first_error: Option<String>,
    }

    /// The verdict of one run.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Verdict {
        Passed,
        Failed(String),
    }

    impl Verdict {
        fn passed(&self) -> bool {
            *self == Verdict::Passed
        }

        fn cell(&self) -> String {
            match self {
                Verdict::Passed => "passed".to_string(),
                Verdict::Failed(why) => format!("failed: {why}"),
            }
        }
    }

    struct Outcome {
        verdicts: [Verdict; 3],
        /// For a `--no-std` failure: the first WASI error the trace showed.
        no_std_error: Option<String>,
    }

    pub fn main() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if args.first().map(String::as_str) == Some(LIBRARY_CHILD) {
            let code = match run_library_child(&args[1..]) {
                Ok(code) => code,
                Err(message) => {
                    eprintln!("error: {message}");
                    FAILURE
                }
            };
            std::process::exit(code);
        }
        std::process::exit(match run_suite(&args) {
            Ok(()) => 0,
            Err(message) => {
                eprintln!("wasi_testsuite: {message}");
                1
            }
        });
    }

    fn run_suite(args: &[String]) -> Result<(), String> {
        // Options cargo's test harness would understand mean nothing here; a plain word filters.
        let filter = args.iter().find(|a| !a.starts_with('-')).cloned();
        let Some(suite) = suite_dir() else {
            let message = format!(
                "the WASI testsuite is not in {} (set WRT_WASI_TESTSUITE to use another \
                 folder): it comes from {SUITE_ORIGIN}",
                suite_base().display()
            );
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                return Err(format!("{message} (a missing suite fails under CI)"));
            }
            println!("wasi_testsuite: skipped: {message}");
            return Ok(());
        };
        let wrtd = wrtd_path()?;
        let mut tests = load_tests(&suite)?;
        if let Some(f) = &filter {
            tests.retain(|t| t.name.contains(f.as_str()));
        }
        if tests.is_empty() {
            return Err(format!("no tests found in {}", suite.display()));
        }

        let start = Instant::now();
        let outcomes = run_all(&tests, &wrtd);
        eprintln!(
            "wasi_testsuite: {} tests, 3 runs each, in {:.1?}",
            tests.len(),
            start.elapsed()
        );

        let mut problems = String::new();
        for (test, outcome) in tests.iter().zip(&outcomes) {
            for (runner, verdict) in Runner::ALL.iter().zip(&outcome.verdicts) {
                if let Verdict::Failed(why) = verdict {
                    if *runner != Runner::NoStd {
                        let _ =
                            writeln!(problems, "{} through {}: {why}", test.name, runner.title());
                    }
                }
            }
            if let Some(why) = no_std_problem(test, outcome) {
                let _ = writeln!(problems, "{} through wrtd --no-std: {why}", test.name);
            }
        }
        for runner in Runner::ALL {
            let i = runner as usize;
            let passed = outcomes.iter().filter(|o| o.verdicts[i].passed()).count();
            eprintln!(
                "wasi_testsuite: {}: {passed}/{} passed",
                runner.title(),
                tests.len()
            );
        }
        if filter.is_none() {
            let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("wasi-testsuite-results.md");
            let text = markdown(&tests, &outcomes);
            let unchanged = std::fs::read_to_string(&file).is_ok_and(|old| old == text);
            if !unchanged {
                std::fs::write(&file, text)
                    .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("failures:\n{problems}"))
        }
    }

    // ------------------------------------------------------------------------- finding things

    /// Where the suite is looked for: `$WRT_WASI_TESTSUITE`, else `shared/wasi-testsuite`
    /// beside the repository.
    fn suite_base() -> PathBuf {
        if let Some(dir) = std::env::var_os("WRT_WASI_TESTSUITE") {
            return PathBuf::from(dir);
        }
        let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
        let beside_repository = tests.parent().and_then(Path::parent).unwrap_or(tests);
        beside_repository.join("shared").join("wasi-testsuite")
    }

    /// The folder holding `LANG/testsuite/wasm32-wasip1` (this setup's copy) or
    /// `tests/LANG/testsuite/wasm32-wasip1` (a clone of the suite's repository).
    fn suite_dir() -> Option<PathBuf> {
        let base = suite_base();
        [base.clone(), base.join("tests")]
            .into_iter()
            .find(|dir| LANGUAGES.iter().any(|l| lang_dir(dir, l).is_dir()))
    }

    fn lang_dir(suite: &Path, lang: &str) -> PathBuf {
        suite.join(lang).join("testsuite").join("wasm32-wasip1")
    }

    /// `$WRTD`, else the wrtd of this build's profile (beside the `deps` folder of this binary),
    /// brought up to date first with the cargo that runs this test, so that a change to the
    /// library or to wrtd is never tested against an older wrtd.
    fn wrtd_path() -> Result<PathBuf, String> {
        if let Some(path) = std::env::var_os("WRTD") {
            return Ok(PathBuf::from(path));
        }
        let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .ok_or_else(|| format!("unexpected location of this binary: {}", exe.display()))?;
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => "dev",
            Some(name) => name,
            None => return Err(format!("no profile folder above {}", exe.display())),
        };
        if let Some(cargo) = std::env::var_os("CARGO") {
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let built = Command::new(cargo)
                .args(["build", "--quiet", "-p", "wrtd", "--profile", profile])
                .current_dir(workspace)
                .status()
                .map_err(|e| format!("cannot run cargo to build wrtd: {e}"))?;
            if !built.success() {
                return Err(format!("`cargo build -p wrtd --profile {profile}` failed"));
            }
        }
        let wrtd = profile_dir.join("wrtd");
        if wrtd.is_file() {
            Ok(wrtd)
        } else {
            Err(format!(
                "{} does not exist: build it with `cargo build -p wrtd --profile {profile}`, \
                 or set WRTD",
                wrtd.display()
            ))
        }
    }

    fn load_tests(suite: &Path) -> Result<Vec<TestCase>, String> {
        let mut tests = Vec::new();
        for lang in LANGUAGES {
            let dir = lang_dir(suite, lang);
            if !dir.is_dir() {
                return Err(format!("{} is missing", dir.display()));
            }
            let mut names: Vec<String> = std::fs::read_dir(&dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?
                .filter_map(|entry| {
                    let name = entry.ok()?.file_name().into_string().ok()?;
                    name.strip_suffix(".wasm").map(str::to_string)
                })
                .collect();
            names.sort();
            for name in names {
                tests.push(load_test(&dir, lang, &name)?);
            }
        }
        Ok(tests)
    }

    fn load_test(dir: &Path, lang: &str, name: &str) -> Result<TestCase, String> {
        let mut test = TestCase {
            name: format!("{lang}/{name}"),
            wasm: dir.join(format!("{name}.wasm")),
            args: Vec::new(),
            env: Vec::new(),
            root: None,
            exit_code: 0,
            stdout: None,
            stderr: None,
        };
        let json_path = dir.join(format!("{name}.json"));
        if !json_path.exists() {
            return Ok(test);
        }
        let bad = |what: &str| format!("{}: {what}", json_path.display());
        let text = std::fs::read_to_string(&json_path).map_err(|e| bad(&e.to_string()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| bad(&e.to_string()))?;
        let object = json.as_object().ok_or_else(|| bad("not a JSON object"))?;
        for (key, value) in object {
            match key.as_str() {
                "args" => {
                    let list = value
                        .as_array()
                        .ok_or_else(|| bad("`args` is not a list"))?;
                    for arg in list {
                        let arg = arg
                            .as_str()
                            .ok_or_else(|| bad("an argument is not a string"))?;
                        test.args.push(arg.to_string());
                    }
                }
                "env" => {
                    let vars = value
                        .as_object()
                        .ok_or_else(|| bad("`env` is not an object"))?;
                    for (name, value) in vars {
                        let value = value
                            .as_str()
                            .ok_or_else(|| bad("an environment value is not a string"))?;
                        test.env.push((name.clone(), value.to_string()));
                    }
                }
                "root" => {
                    let root = value
                        .as_str()
                        .ok_or_else(|| bad("`root` is not a string"))?;
                    let root = dir.join(root);
                    if !root.is_dir() {
                        return Err(bad(&format!("root {} is not a directory", root.display())));
                    }
                    test.root = Some(root);
                }
                "exit_code" => {
                    let code = value
                        .as_i64()
                        .and_then(|c| i32::try_from(c).ok())
                        .ok_or_else(|| bad("`exit_code` is not an integer"))?;
                    test.exit_code = code;
                }
                "stdout" | "stderr" => {
                    let text = value
                        .as_str()
                        .ok_or_else(|| bad(&format!("`{key}` is not a string")))?
                        .to_string();
                    if key == "stdout" {
                        test.stdout = Some(text);
                    } else {
                        test.stderr = Some(text);
                    }
                }
                // A key this runner does not know could be an expectation it would not check.
                other => return Err(bad(&format!("unknown key `{other}`"))),
            }
        }
        Ok(test)
    }

    // ------------------------------------------------------------------------- running

    fn run_all(tests: &[TestCase], wrtd: &Path) -> Vec<Outcome> {
        let workers = thread::available_parallelism().map_or(2, |n| n.get().min(4));
        let next = AtomicUsize::new(0);
        let results: Mutex<BTreeMap<usize, Outcome>> = Mutex::new(BTreeMap::new());
        thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(test) = tests.get(i) else { break };
                    let outcome = run_test(test, wrtd);
                    if let Ok(mut map) = results.lock() {
                        map.insert(i, outcome);
                    }
                });
            }
        });
        let mut map = results.into_inner().unwrap_or_else(|e| e.into_inner());
        (0..tests.len())
            .map(|i| {
                map.remove(&i).unwrap_or_else(|| Outcome {
                    verdicts: std::array::from_fn(|_| {
                        Verdict::Failed("the runner did not finish".to_string())
                    }),
                    no_std_error: None,
                })
            })
            .collect()
    }

    fn run_test(test: &TestCase, wrtd: &Path) -> Outcome {
        let mut no_std_error = None;
        let verdicts = Runner::ALL.map(|runner| match run_once(test, runner, wrtd) {
            Ok(run) => {
                let verdict = judge(test, &run);
                if runner == Runner::NoStd && !verdict.passed() {
                    no_std_error = run.first_error;
                }
                verdict
            }
            Err(e) => Verdict::Failed(format!("could not run: {e}")),
        });
        Outcome {
            verdicts,
            no_std_error,
        }
    }

    /// Runs `test` once through `runner`, in a fresh copy of its root directory.
    fn run_once(test: &TestCase, runner: Runner, wrtd: &Path) -> Result<Run, String> {
        let scratch = Scratch::new()?;
        let root = match (&test.root, runner) {
            (Some(root), Runner::Wrtd | Runner::Library) => {
                let copy = scratch.0.join("root");
                copy_tree(root, &copy).map_err(|e| format!("copying {}: {e}", root.display()))?;
                Some(copy)
            }
            // A no_std build has no filesystem: the program runs without its root.
            _ => None,
        };
        let mut cmd = match runner {
            Runner::Wrtd | Runner::NoStd => {
                let mut cmd = Command::new(wrtd);
                cmd.arg(&test.wasm).arg("--wasi");
                if runner == Runner::NoStd {
                    cmd.args(["--no-std", "--wasi-trace", "--memory"])
                        .arg(NO_STD_MEMORY.to_string())
                        .arg("--fuel")
                        .arg(NO_STD_FUEL.to_string());
                }
                if let Some(root) = &root {
                    cmd.arg("--wasi-fs").arg(format!("{}::/", root.display()));
                }
                for (name, value) in &test.env {
                    cmd.arg("--wasi-env").arg(format!("{name}={value}"));
                }
                cmd.arg("--").args(&test.args);
                cmd
            }
            Runner::Library => {
                let exe = std::env::current_exe().map_err(|e| e.to_string())?;
                let mut cmd = Command::new(exe);
                cmd.arg(LIBRARY_CHILD).arg(&test.wasm);
                if let Some(root) = &root {
                    cmd.arg("--root").arg(root);
                }
                for (name, value) in &test.env {
                    cmd.arg("--env").arg(format!("{name}={value}"));
                }
                cmd.arg("--").args(&test.args);
                cmd
            }
        };
        // The program gets exactly the test's environment through the options above; the
        // process itself gets none, and runs in the scratch directory.
        cmd.env_clear()
            .current_dir(&scratch.0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = cmd.spawn().map_err(|e| format!("cannot start: {e}"))?;
        let (status, stdout, stderr) = wait_bounded(child)?;
        let stderr = String::from_utf8_lossy(&stderr).into_owned();
        let (trace, program_stderr): (Vec<&str>, Vec<&str>) = stderr
            .split_inclusive('\n')
            .partition(|l| l.starts_with(TRACE_PREFIX));
        let first_error = trace
            .iter()
            .map(|l| l.trim_end().trim_start_matches(TRACE_PREFIX))
            .find(|l| failed_call(l))
            .map(str::to_string);
        Ok(Run {
            code: status,
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: program_stderr.concat(),
            first_error,
        })
    }

    /// How `--wasi-trace` lines start.
    const TRACE_PREFIX: &str = "wasi: ";

    /// Whether a trace line (`name(args) = errno ...`) shows a call that returned an error.
    fn failed_call(line: &str) -> bool {
        // Results come last and hold no " = ": the last one separates the call from its errno.
        match line.rfind(") = ") {
            Some(at) => {
                let result = &line[at + 4..];
                !(result == "0" || result.starts_with("0 "))
            }
            None => false,
        }
    }

    /// Waits for `child` at most [`TIME_BOUND`], killing it (and only it) when the bound passes.
    /// Returns its exit code (`None` when killed or ended by a signal) and its output.
    #[allow(clippy::type_complexity)]
    fn wait_bounded(mut child: Child) -> Result<(Option<i32>, Vec<u8>, Vec<u8>), String> {
        let mut out = child.stdout.take().ok_or("no stdout pipe")?;
        let mut err = child.stderr.take().ok_or("no stderr pipe")?;
        let out_reader = thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = out.read_to_end(&mut buf);
            buf
        });
        let err_reader = thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = err.read_to_end(&mut buf);
            buf
        });
        let deadline = Instant::now() + TIME_BOUND;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
                Ok(None) => thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(format!("waiting: {e}")),
            }
        };
        let stdout = out_reader.join().map_err(|_| "stdout reader panicked")?;
        let mut stderr = err_reader.join().map_err(|_| "stderr reader panicked")?;
        if status.is_none() {
            stderr.extend_from_slice(
                format!("killed after the time bound of {TIME_BOUND:?}\n").as_bytes(),
            );
        }
        Ok((status.and_then(|s| s.code()), stdout, stderr))
    }

    fn judge(test: &TestCase, run: &Run) -> Verdict {
        let first_line = run
            .stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(|l| format!(", stderr: `{}`", shorten(l)))
            .unwrap_or_default();
        let code = match run.code {
            Some(code) => code.to_string(),
            None => "none (killed or signalled)".to_string(),
        };
        if run.code != Some(test.exit_code) {
            return Verdict::Failed(format!(
                "exit code {code}, expected {}{first_line}",
                test.exit_code
            ));
        }
        if let Some(expected) = &test.stdout {
            if run.stdout != *expected {
                return Verdict::Failed(format!(
                    "stdout `{}`, expected `{}`",
                    shorten(&run.stdout),
                    shorten(expected)
                ));
            }
        }
        if let Some(expected) = &test.stderr {
            if run.stderr != *expected {
                return Verdict::Failed(format!(
                    "stderr `{}`, expected `{}`",
                    shorten(&run.stderr),
                    shorten(expected)
                ));
            }
        }
        Verdict::Passed
    }

    /// One line of at most 120 characters, safe inside a Markdown table cell.
    fn shorten(text: &str) -> String {
        let one_line: String = text
            .chars()
            .map(|c| if c == '\n' { '⏎' } else { c })
            .filter(|c| *c != '`' && *c != '|')
            .collect();
        if one_line.chars().count() > 120 {
            let cut: String = one_line.chars().take(117).collect();
            format!("{cut}...")
        } else {
            one_line
        }
    }

    // ------------------------------------------------------------------------- --no-std

    /// Why `test` cannot pass under `--no-std`, when it needs something a no_std build lacks.
    fn no_std_needs(test: &TestCase) -> Option<String> {
        test.root.as_ref().map(|root| {
            let name = root.file_name().map_or_else(
                || root.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            format!("a filesystem (its root directory `{name}`)")
        })
    }

    /// A `--no-std` result that breaks the rule: tests needing only arguments, environment,
    /// clocks, random and the standard streams pass; the others fail, on a WASI error.
    fn no_std_problem(test: &TestCase, outcome: &Outcome) -> Option<String> {
        let verdict = &outcome.verdicts[Runner::NoStd as usize];
        match (no_std_needs(test), verdict) {
            (None, Verdict::Failed(why)) => Some(format!(
                "needs nothing a no_std build lacks, yet failed: {why}"
            )),
            (Some(_), Verdict::Failed(_)) if outcome.no_std_error.is_none() => {
                Some("failed without a traced WASI error".to_string())
            }
            _ => None,
        }
    }

    // ------------------------------------------------------------------------- the table

    fn markdown(tests: &[TestCase], outcomes: &[Outcome]) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# WASI testsuite results\n");
        let _ = writeln!(
            md,
            "Written by `cargo test --release -p wrt-tests --test wasi_testsuite` \
             (`tests/wasi_testsuite.rs`) from the WebAssembly/wasi-testsuite tests for \
             wasm32-wasip1 ({SUITE_ORIGIN}); do not edit by hand. Each test runs with a fresh \
             copy of its root directory as `/`, exactly the arguments and environment of its \
             `.json` file, and a time bound of {} s; a failure shows the exit code and the first \
             line the program wrote on stderr.",
            TIME_BOUND.as_secs()
        );
        let _ = writeln!(
            md,
            "\n`wrtd --no-std` runs `wrtd --no-std --wasi --wasi-trace --memory {NO_STD_MEMORY} \
             --fuel {NO_STD_FUEL}` without the root directory (a no_std build of wrt has no \
             filesystem): the tests that need only arguments, environment, clocks, random and \
             the standard streams must pass; the others fail, and the last table gives what they \
             need and the first WASI call the trace showed failing. Without a preopened \
             directory `fd_prestat_get(fd=3)` answers `EBADF`, which ends the preopen scan: C \
             programs (wasi-libc) then fail every path with `ENOTCAPABLE` before calling WASI, \
             and the Rust tests, which look for the preopen `/` themselves, exit with \
             \"failed to find scratch dir\". Path calls on the standard streams answer \
             `ENOTCAPABLE`, as in a no_std build."
        );
        let _ = writeln!(md, "\n## Summary\n");
        let _ = writeln!(md, "| runner | passed | failed |");
        let _ = writeln!(md, "|---|---:|---:|");
        for runner in Runner::ALL {
            let i = runner as usize;
            let passed = outcomes.iter().filter(|o| o.verdicts[i].passed()).count();
            let _ = writeln!(
                md,
                "| {} | {passed} | {} |",
                runner.title(),
                tests.len() - passed
            );
        }
        let _ = writeln!(md, "\n## Per test\n");
        let _ = writeln!(md, "| test | wrtd | library | wrtd --no-std |");
        let _ = writeln!(md, "|---|---|---|---|");
        for (test, outcome) in tests.iter().zip(outcomes) {
            let [a, b, c] = &outcome.verdicts;
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                test.name,
                a.cell(),
                b.cell(),
                c.cell()
            );
        }
        let _ = writeln!(md, "\n## Failing under --no-std, and why\n");
        let _ = writeln!(
            md,
            "A no_std build has no preopened directories (`wrtd --no-std` refuses `--wasi-fs`).\n"
        );
        let _ = writeln!(md, "| test | needs | first failing WASI call |");
        let _ = writeln!(md, "|---|---|---|");
        for (test, outcome) in tests.iter().zip(outcomes) {
            if outcome.verdicts[Runner::NoStd as usize].passed() {
                continue;
            }
            let needs = no_std_needs(test).unwrap_or_else(|| "(nothing: a bug)".to_string());
            let call = outcome.no_std_error.as_deref().map_or_else(
                || "(none traced)".to_string(),
                |c| format!("`{}`", shorten(c)),
            );
            let _ = writeln!(md, "| {} | {needs} | {call} |", test.name);
        }
        md
    }

    // ------------------------------------------------------------------------- files

    /// A fresh directory under the target folder, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new() -> Result<Self, String> {
            static N: AtomicU32 = AtomicU32::new(0);
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
                "wasi-testsuite-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            Ok(Scratch(dir))
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Copies the tree at `from` to `to`, each file and directory writable by its owner (the
    /// suite's copy may be read-only; tests create and delete files), symbolic links as links.
    fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let source = entry.path();
            let target = to.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_symlink() {
                std::os::unix::fs::symlink(std::fs::read_link(&source)?, &target)?;
                continue;
            }
            if kind.is_dir() {
                copy_tree(&source, &target)?;
            } else {
                std::fs::copy(&source, &target)?;
            }
            let mut permissions = std::fs::metadata(&target)?.permissions();
            permissions.set_mode(permissions.mode() | 0o200);
            std::fs::set_permissions(&target, permissions)?;
        }
        let mut permissions = std::fs::metadata(to)?.permissions();
        permissions.set_mode(permissions.mode() | 0o700);
        std::fs::set_permissions(to, permissions)
    }

    // ------------------------------------------------------------------------- the library

    /// `--run-through-library MODULE [--root DIR] [--env NAME=VALUE]... -- ARGS...`: runs the
    /// module's `_start` with the library's WASI, standard streams of this process, and exits
    /// with the program's exit code (0 when `_start` returns, 3 for a trap).
    fn run_library_child(args: &[String]) -> Result<i32, String> {
        let mut it = args.iter();
        let module_path = PathBuf::from(it.next().ok_or("no module given")?);
        let mut root = None;
        let mut env = Vec::new();
        let mut program_args = Vec::new();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--root" => root = Some(it.next().ok_or("--root needs a directory")?.clone()),
                "--env" => {
                    let spec = it.next().ok_or("--env needs NAME=VALUE")?;
                    let (name, value) = spec.split_once('=').ok_or("--env needs NAME=VALUE")?;
                    env.push((name.to_string(), value.to_string()));
                }
                "--" => {
                    program_args.extend(it.by_ref().cloned());
                }
                other => return Err(format!("unknown option {other}")),
            }
        }
        let program_name = module_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();

        let mut builder = WasiCtx::builder();
        let caps = builder.capabilities_mut();
        caps.environment.args_access = true;
        caps.environment.environ_access = true;
        caps.process.exit_allowed = true;
        if let Some(root) = &root {
            caps.filesystem.add_allowed_path_as(root.as_str(), "/");
        }
        for (name, value) in &env {
            caps.environment.set_var(name.as_str(), value.as_str());
        }
        builder.arg(program_name).args(program_args).inherit_stdio();
        let ctx = builder.build().map_err(|e| e.to_string())?;

        let bytes =
            std::fs::read(&module_path).map_err(|e| format!("{}: {e}", module_path.display()))?;
        let engine = Engine::default();
        let module = Module::new(&engine, &bytes).map_err(|e| e.to_string())?;
        let mut linker = Linker::new(&engine);
        wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).map_err(|e| e.to_string())?;
        let mut store = Store::new(&engine, ctx);
        let result = linker
            .instantiate(&mut store, &module)
            .and_then(|instance| {
                let start = instance
                    .get_func(&store, "_start")
                    .ok_or_else(|| Error::host("no `_start` export"))?;
                start.call(&mut store, &[], &mut [])
            });
        store.data_mut().flush();
        Ok(match result {
            Ok(()) => 0,
            Err(e) => match e.kind() {
                wrt::ErrorKind::Exit(code) => *code,
                wrt::ErrorKind::Trap(_) => {
                    eprintln!("error: {e}");
                    TRAP
                }
                _ => {
                    eprintln!("error: {e}");
                    FAILURE
                }
            },
        })
    }
}
