//! The function bodies of a module, validated (and, when translating eagerly, translated) after
//! the module's sections are read, on several threads where there are several cores.
//!
//! Bodies are independent of each other once the sections before the code section are known,
//! and they are most of the work of `Module::new`, so this is where start-up time goes. The
//! result never depends on the number of threads: a module with several bad bodies reports the
//! first one in the binary, exactly as checking them one by one in order would.

use alloc::boxed::Box;
use alloc::vec::Vec;

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use wasmparser::{FuncToValidate, FuncValidatorAllocations, FunctionBody, ValidatorResources};

use super::ModuleInner;
use crate::engine::{translate_function, validate_again, validate_function, FuncTranslatorAllocs};
use crate::error::{Error, Result};

/// A body read from the code section, waiting to be checked.
pub(super) struct PendingBody<'a> {
    pub(super) to_validate: FuncToValidate<ValidatorResources>,
    pub(super) body: FunctionBody<'a>,
}

/// The buffers one thread reuses from body to body.
#[derive(Default)]
struct Scratch {
    validator: FuncValidatorAllocations,
    translator: FuncTranslatorAllocs,
}

/// What eagerly translated code may still take of the memory budget, shared by the threads
/// translating. A body whose code does not fit is translated no further, and from then on bodies
/// are only validated: every body is still checked, so a module with an invalid body gets that
/// body's error whatever the order the threads ran in, and only a valid module gets the budget's
/// error (whether the code fits depends only on its total size, not on the order). Each
/// translation may take what is left when it starts, so with several threads the code being
/// translated can exceed what is left by one function per extra thread until the translations
/// that do not fit stop; on one thread (`Config::parallel_compilation(false)`) it never does.
pub(super) struct CodeBudget {
    /// What the budget had left for code when the bodies were reached (`usize::MAX`: no budget).
    limit: usize,
    left: AtomicUsize,
    exceeded: AtomicBool,
}

impl CodeBudget {
    pub(super) fn new(left: Option<u64>) -> Self {
        let limit = left.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
        CodeBudget {
            limit,
            left: AtomicUsize::new(limit),
            exceeded: AtomicBool::new(false),
        }
    }

    /// Takes `bytes` if that much is left.
    fn take(&self, bytes: u64) -> bool {
        let Ok(bytes) = usize::try_from(bytes) else {
            return false;
        };
        self.left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(bytes)
            })
            .is_ok()
    }

    /// The budget's error, once the whole module is known to be well formed and valid.
    pub(super) fn outcome(&self) -> Result<()> {
        if self.exceeded.load(Ordering::Relaxed) {
            return Err(Error::limit(alloc::format!(
                "the module's translated code needs more than the {} bytes of the memory budget \
                 left after reading it",
                self.limit
            )));
        }
        Ok(())
    }
}

/// Validates every pending body (the i-th is `module.code[i]`) and, unless the module translates
/// lazily, stores its translation within `code`. Returns the error of the first bad body in
/// order; whether the code fitted is `code.outcome()`.
pub(super) fn compile_bodies(
    module: &ModuleInner,
    pending: Vec<PendingBody<'_>>,
    parallel: bool,
    code: &CodeBudget,
) -> Result<()> {
    #[cfg(feature = "std")]
    let threads = if parallel {
        parallel::threads_for(&pending)
    } else {
        1
    };
    #[cfg(not(feature = "std"))]
    let threads = {
        let _ = parallel;
        1
    };
    compile_on(module, pending, threads, code)
}

/// `compile_bodies` on `threads` threads (one without the `std` feature).
fn compile_on(
    module: &ModuleInner,
    pending: Vec<PendingBody<'_>>,
    threads: usize,
    code: &CodeBudget,
) -> Result<()> {
    #[cfg(feature = "std")]
    if threads > 1 {
        return parallel::compile(module, pending, threads, code);
    }
    let _ = threads;
    let mut scratch = Scratch::default();
    for (index, body) in pending.into_iter().enumerate() {
        compile_body(module, index, body, &mut scratch, code)?;
    }
    Ok(())
}

fn compile_body(
    module: &ModuleInner,
    index: usize,
    pending: PendingBody<'_>,
    scratch: &mut Scratch,
    budget: &CodeBudget,
) -> Result<()> {
    if module.lazy || budget.exceeded.load(Ordering::Relaxed) {
        return validate_function(pending.to_validate, &pending.body, &mut scratch.validator);
    }
    let (ty, features) = (pending.to_validate.ty, pending.to_validate.features);
    let mut validator = pending
        .to_validate
        .into_validator(core::mem::take(&mut scratch.validator));
    let func_index = validator.index();
    let left = budget.left.load(Ordering::Relaxed) as u64;
    let translated = translate_function(
        module,
        func_index,
        Some(&mut validator),
        &pending.body,
        &mut scratch.translator,
        left,
    );
    let outcome = match translated {
        Ok(Some(compiled)) if budget.take(compiled.heap_bytes()) => {
            if let Some(code) = module.code.get(index) {
                // Only this call sets this body's translation, so the cell is empty.
                let _ = code.compiled.set(Box::new(compiled));
            }
            Ok(())
        }
        // Translated, so valid, but its code does not fit what is left.
        Ok(Some(_)) => {
            budget.exceeded.store(true, Ordering::Relaxed);
            Ok(())
        }
        // The translation, and with it the validation, stopped part-way.
        Ok(None) => {
            budget.exceeded.store(true, Ordering::Relaxed);
            validate_again(&validator, ty, features, &pending.body)
        }
        Err(e) => Err(e),
    };
    scratch.validator = validator.into_allocations();
    outcome
}

#[cfg(feature = "std")]
mod parallel {
    use super::{compile_body, CodeBudget, PendingBody, Scratch};
    use crate::error::{Error, Result};
    use crate::module::ModuleInner;
    use alloc::vec::Vec;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// Body bytes that make one more thread worth starting: about a millisecond of validation,
    /// against tens of microseconds to start a thread.
    const BYTES_PER_THREAD: usize = 96 * 1024;
    /// More threads than this gain little: reading the sections is serial.
    const MAX_THREADS: usize = 8;
    /// Batches per thread: several, so a thread on a busy core does not hold up the others.
    const BATCHES_PER_THREAD: usize = 8;

    pub(super) fn threads_for(pending: &[PendingBody<'_>]) -> usize {
        let bytes: usize = pending.iter().map(|p| p.body.range().len()).sum();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        cores.min(MAX_THREADS).min(bytes / BYTES_PER_THREAD).max(1)
    }

    /// Runs `compile_body` for every pending body on `threads` threads (this one included).
    pub(super) fn compile(
        module: &ModuleInner,
        pending: Vec<PendingBody<'_>>,
        threads: usize,
        code: &CodeBudget,
    ) -> Result<()> {
        let total: usize = pending.iter().map(|p| p.body.range().len()).sum();
        let per_batch = (total / (threads * BATCHES_PER_THREAD)).max(1);
        // Consecutive bodies of about `per_batch` bytes each, with the index of the first.
        let mut batches = Vec::new();
        let mut batch = Vec::new();
        let mut batch_start = 0;
        let mut batch_bytes = 0;
        for (index, body) in pending.into_iter().enumerate() {
            batch_bytes += body.body.range().len();
            batch.push(body);
            if batch_bytes >= per_batch {
                batches.push((batch_start, core::mem::take(&mut batch)));
                batch_start = index + 1;
                batch_bytes = 0;
            }
        }
        if !batch.is_empty() {
            batches.push((batch_start, batch));
        }

        let queue = Mutex::new(batches.into_iter());
        // The lowest index of a body known to be bad: later bodies need not be checked, since
        // only the first error is reported.
        let first_bad = AtomicUsize::new(usize::MAX);
        let work = || -> Option<(usize, Error)> {
            let mut scratch = Scratch::default();
            let mut error: Option<(usize, Error)> = None;
            loop {
                let next = match queue.lock() {
                    Ok(mut queue) => queue.next(),
                    // Another thread panicked while holding the lock; it reports that.
                    Err(_) => None,
                };
                let Some((start, batch)) = next else { break };
                for (offset, body) in batch.into_iter().enumerate() {
                    let index = start + offset;
                    if index > first_bad.load(Ordering::Relaxed) {
                        break;
                    }
                    if let Err(e) = compile_body(module, index, body, &mut scratch, code) {
                        first_bad.fetch_min(index, Ordering::Relaxed);
                        if error.as_ref().is_none_or(|(i, _)| index < *i) {
                            error = Some((index, e));
                        }
                        break;
                    }
                }
            }
            error
        };

        let outcomes: Vec<Option<Option<(usize, Error)>>> = std::thread::scope(|scope| {
            // A thread the system refuses to start is no failure: the others take its share.
            let helpers: Vec<_> = (1..threads)
                .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
                .collect();
            let mut outcomes = Vec::with_capacity(threads);
            outcomes.push(Some(work()));
            outcomes.extend(helpers.into_iter().map(|h| h.join().ok()));
            outcomes
        });

        earliest(outcomes)
    }

    /// What each thread found (`None`: the thread panicked) → the error of the first bad body.
    pub(super) fn earliest(
        outcomes: impl IntoIterator<Item = Option<Option<(usize, Error)>>>,
    ) -> Result<()> {
        let mut first: Option<(usize, Error)> = None;
        for outcome in outcomes {
            match outcome {
                // A thread that panicked left its batches unchecked: the module is not known good.
                // (The panic is the bug, and was reported where it happened.)
                None => {
                    return Err(Error::internal(
                        "a thread checking function bodies panicked",
                    ))
                }
                Some(Some((index, e))) if first.as_ref().is_none_or(|(i, _)| index < *i) => {
                    first = Some((index, e));
                }
                Some(_) => {}
            }
        }
        match first {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::compile_on;
    use crate::module::{read_sections, ModuleInner};
    use alloc::string::{String, ToString};
    use alloc::vec;
    use alloc::vec::Vec;
    use core::fmt::Write;

    /// A module of `count` functions of a few hundred bytes each; the functions in `bad` use
    /// an operand that is not there.
    fn module(count: usize, bad: &[usize]) -> Vec<u8> {
        let mut text = String::from("(module (global $g (mut i32) (i32.const 0))\n");
        for i in 0..count {
            let _ = write!(
                text,
                "(func (export \"f{i}\") (param i32) (result i32) (local i32)"
            );
            for k in 0..40 {
                let _ = write!(text, " local.get 0 i32.const {k} i32.add local.set 1");
            }
            if bad.contains(&i) {
                text.push_str(" i32.mul");
            }
            text.push_str(" global.get $g local.get 1 i32.add)\n");
        }
        text.push(')');
        wat::parse_str(&text).unwrap()
    }

    /// Reads `bytes` and compiles the bodies on `threads` threads.
    fn compile(bytes: &[u8], lazy: bool, threads: usize) -> crate::Result<ModuleInner> {
        let mut m = ModuleInner {
            lazy,
            ..ModuleInner::default()
        };
        let mut pending = Vec::new();
        read_sections(
            bytes,
            &mut m,
            &mut pending,
            &mut crate::module::load_budget::LoadBudget::new(None),
        )
        .unwrap();
        compile_on(&m, pending, threads, &super::CodeBudget::new(None))?;
        Ok(m)
    }

    #[test]
    fn every_thread_count_reports_the_first_bad_body() {
        // Bad bodies in many batches, so threads find later ones before earlier ones.
        let bad: Vec<usize> = (77..300).step_by(5).collect();
        let bytes = module(300, &bad);
        for lazy in [true, false] {
            let one = compile(&bytes, lazy, 1).unwrap_err().to_string();
            // The 78th function's own offset, not a later one's.
            let offset = one.split("offset 0x").nth(1).unwrap().to_string();
            for threads in [2, 3, 4, 7, 16] {
                let many = compile(&bytes, lazy, threads).unwrap_err().to_string();
                assert_eq!(one, many, "lazy {lazy}, {threads} threads");
            }
            let first_only = module(300, &[77]);
            let alone = compile(&first_only, lazy, 1).unwrap_err().to_string();
            assert!(alone.contains(&offset), "{alone} vs {one}");
        }
    }

    #[test]
    fn the_lowest_index_wins_whatever_order_threads_finish_in() {
        use super::parallel::earliest;
        use crate::Error;
        let bad = |i: usize| Some(Some((i, Error::invalid(alloc::format!("{i}"), None, None))));
        let found = |outcomes: Vec<_>| earliest(outcomes).unwrap_err().to_string();
        assert_eq!(
            found(vec![bad(9), Some(None), bad(3), bad(5)]),
            "invalid module: 3"
        );
        assert_eq!(found(vec![bad(3), bad(9)]), "invalid module: 3");
        assert!(earliest(vec![Some(None), Some(None)]).is_ok());
        // A thread that died leaves bodies unchecked: never a valid module.
        assert!(earliest(vec![Some(None), None]).is_err());
    }

    #[test]
    fn eager_translation_on_threads_matches_one_thread() {
        let bytes = module(300, &[]);
        let ir = |threads| {
            let m = compile(&bytes, false, threads).unwrap();
            let module = crate::Module {
                inner: alloc::sync::Arc::new(m),
            };
            assert_eq!(module.debug_translated_funcs(), 300);
            module.debug_ir()
        };
        let one = ir(1);
        for threads in [2, 5] {
            assert_eq!(one, ir(threads));
        }
    }
}
