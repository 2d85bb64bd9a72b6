//! wrt on a Cortex-M4 without std. Every allocation of the runtime comes from a fixed arena
//! (`wrt::arena::Arena`, the global allocator); the guest module is embedded as bytes; output and
//! the exit status go through semihosting. See README.md for how to build and run it under QEMU.
//!
//! Run 1 calls the guest's `run(20)` with ample fuel under a memory budget and prints the result,
//! the fuel consumed, the store's memory profile and the arena's peak. Run 2 calls it again with
//! too little fuel and prints the "out of fuel" trap. The program checks what it printed and exits
//! with success only if everything matched.
#![no_std]
#![no_main]

use core::fmt;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use wrt::arena::Arena;
use wrt::{Caller, Config, Engine, Error, Linker, Module, Store, TrapCode, Val};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/arena_size.rs"));
}
use generated::ARENA_SIZE;

/// The only heap: wrt's translation, validation, stores and linear memories all live here.
#[global_allocator]
static HEAP: Arena<ARENA_SIZE> = Arena::new();

/// guest.wat, compiled by build.rs.
static GUEST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/guest.wasm"));

/// The argument of `run`, and its result: the sum of fib(i) for i < 20 is fib(21) - 1.
const N: i32 = 20;
const EXPECTED: i32 = 10_945;
/// Fuel for the run that completes, and for the run that must run out.
const FUEL: u64 = 1_000_000;
const SHORT_FUEL: u64 = 10_000;
/// The store's memory budget: one 64 KiB page of linear memory plus stacks, code and bookkeeping.
const BUDGET: u64 = 80 * 1024;

/// Why the demonstration failed.
enum Failure {
    Wrt(Error),
    Check(&'static str),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Wrt(e)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Wrt(e) => write!(f, "{e}"),
            Failure::Check(what) => write!(f, "check failed: {what}"),
        }
    }
}

fn check(ok: bool, what: &'static str) -> Result<(), Failure> {
    if ok {
        Ok(())
    } else {
        Err(Failure::Check(what))
    }
}

/// The host function the guest imports as `env.print(ptr, len)`: writes that text of the guest's
/// memory as a line through semihosting, and counts the calls in the store's data.
fn print(mut caller: Caller<'_, u32>, ptr: i32, len: i32) -> wrt::Result<()> {
    let memory = caller
        .memory()
        .ok_or_else(|| Error::host("the guest exports no memory"))?;
    {
        let start = ptr as u32 as usize;
        let end = start.saturating_add(len as u32 as usize);
        let bytes = memory
            .data(&caller)?
            .get(start..end)
            .ok_or_else(|| Error::host("print: text outside the guest's memory"))?;
        let text = core::str::from_utf8(bytes).map_err(|_| Error::host("print: not UTF-8"))?;
        hprintln!("{}", text);
    }
    *caller.data_mut() += 1;
    Ok(())
}

/// Calls the guest's `run(N)` in a new store with `fuel`: the store, and the result or the trap.
fn run_with_fuel(
    engine: &Engine,
    linker: &Linker<u32>,
    module: &Module,
    fuel: u64,
) -> Result<(Store<u32>, Result<i32, Error>), Failure> {
    let mut store = Store::new(engine, 0u32);
    store.set_fuel(fuel)?;
    let instance = linker.instantiate(&mut store, module)?;
    let run = instance
        .get_func(&store, "run")
        .ok_or(Failure::Check("the guest exports `run`"))?;
    let mut out = [Val::I32(0)];
    let outcome = run.call(&mut store, &[Val::I32(N)], &mut out);
    Ok((store, outcome.map(|()| out[0].i32().unwrap_or(-1))))
}

fn demo() -> Result<(), Failure> {
    hprintln!(
        "wrt on a Cortex-M4 (QEMU mps2-an386): arena {} bytes, guest module {} bytes",
        HEAP.capacity(),
        GUEST.len()
    );

    let mut config = Config::new();
    // Eager translation: a real-time target pays for translation here, at load, never on a
    // function's first call.
    config
        .lazy_translation(false)
        .consume_fuel(true)
        .memory_budget(BUDGET)
        .max_call_depth(64)
        .max_value_stack(4096);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, GUEST)?;
    hprintln!(
        "module validated and translated: arena {} bytes in use, peak {} bytes",
        HEAP.current(),
        HEAP.peak()
    );

    let mut linker = Linker::<u32>::new(&engine);
    linker.func_wrap("env", "print", print)?;

    // Run 1: enough fuel.
    {
        hprintln!("run 1: run({N}) with fuel {FUEL} and a memory budget of {BUDGET} bytes");
        let (store, outcome) = run_with_fuel(&engine, &linker, &module, FUEL)?;
        let result = outcome?;
        let consumed = store.fuel_consumed();
        hprintln!("run 1: result {result} (expected {EXPECTED})");
        hprintln!(
            "run 1: fuel consumed {consumed}, host calls {}",
            store.data()
        );
        let profile = store.memory_profile();
        hprintln!(
            "run 1: store memory peak {} bytes of a {} byte budget, {} in use",
            profile.total.peak,
            BUDGET,
            profile.total.current
        );
        for (category, usage) in profile.categories {
            if usage.peak > 0 {
                hprintln!(
                    "run 1:   {category}: peak {} bytes, {} in use",
                    usage.peak,
                    usage.current
                );
            }
        }
        let arena = HEAP.stats();
        hprintln!(
            "run 1: arena peak {} bytes of {}, {} in use, high-water mark {}",
            arena.peak,
            arena.capacity,
            arena.current,
            arena.high_water
        );
        check(result == EXPECTED, "run 1 returns the expected sum")?;
        check(*store.data() == 2, "run 1 calls the host function twice")?;
        check(consumed > 0 && consumed < FUEL, "run 1 consumes some fuel")?;
        check(
            profile.total.peak <= BUDGET,
            "the store stays within its budget",
        )?;
        check(
            arena.peak as u64 >= profile.total.peak,
            "the arena holds at least what the store accounts for",
        )?;
    }

    // Run 2: the same call with too little fuel.
    {
        hprintln!("run 2: run({N}) with fuel {SHORT_FUEL}");
        let (store, outcome) = run_with_fuel(&engine, &linker, &module, SHORT_FUEL)?;
        match outcome {
            Ok(_) => return Err(Failure::Check("run 2 runs out of fuel")),
            Err(e) => {
                hprintln!("run 2: trapped: {e}");
                check(
                    e.trap_code() == Some(TrapCode::OutOfFuel),
                    "run 2 traps with out of fuel",
                )?;
            }
        }
        let consumed = store.fuel_consumed();
        hprintln!(
            "run 2: fuel consumed {consumed}, fuel left {}, host calls {}",
            store.get_fuel()?,
            store.data()
        );
        check(*store.data() == 1, "run 2 greets before it runs out")?;
        check(consumed <= SHORT_FUEL, "run 2 consumes at most its fuel")?;
    }

    drop(linker);
    drop(module);
    drop(engine);
    let stats = HEAP.stats();
    hprintln!(
        "arena: peak {} bytes of {}, high-water mark {}, {} in use after both runs, {} allocations, {} refused",
        stats.peak,
        stats.capacity,
        stats.high_water,
        stats.current,
        stats.allocations,
        stats.failures
    );
    check(stats.current == 0, "everything is freed at the end")?;
    Ok(())
}

#[entry]
fn main() -> ! {
    let ok = match demo() {
        Ok(()) => true,
        Err(e) => {
            hprintln!("error: {e}");
            false
        }
    };
    hprintln!("result: {}", if ok { "ok" } else { "FAILED" });
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Only reached if the debugger resumes after the exit request.
    cortex_m::asm::udf()
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    // An allocation the arena refuses ends up here too ("memory allocation of N bytes failed").
    hprintln!("panic: {info}");
    debug::exit(debug::EXIT_FAILURE);
    cortex_m::asm::udf()
}
