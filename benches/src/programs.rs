//! The benchmark programs: their compiled wasm (built by `programs/build.sh`, committed),
//! the `n` each is run with, and an independent Rust computation of each expected result.
//!
//! Every program exports `run(n: i32) -> i64` and resets its own state on entry, so the
//! same instance can be called repeatedly.

pub struct Program {
    pub name: &'static str,
    /// What the program exercises, for the report.
    pub what: &'static str,
    /// Source file under `benches/programs/`.
    pub source: &'static str,
    pub wasm: &'static [u8],
    /// `n` for timed runs: about 0.1-0.3 s per call on wasmi on the reference machine.
    pub bench_n: i32,
    /// `n` for `--instructions` (under valgrind): about a tenth of the benchmark's work.
    pub callgrind_n: i32,
    /// `n` for `--check`: quick even in a debug build.
    pub check_n: i32,
    pub expected: fn(i32) -> i64,
}

macro_rules! wasm {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/programs/",
            $name,
            ".wasm"
        ))
    };
}

pub const PROGRAMS: &[Program] = &[
    Program {
        name: "fib",
        what: "recursion and calls",
        source: "fib.wat",
        wasm: wasm!("fib"),
        bench_n: 30,
        callgrind_n: 25,
        check_n: 15,
        expected: fib,
    },
    Program {
        name: "hash",
        what: "integer hashing (FNV-1a, multiply-rotate)",
        source: "hash.c",
        wasm: wasm!("hash"),
        bench_n: 200,
        callgrind_n: 20,
        check_n: 2,
        expected: hash,
    },
    Program {
        name: "arith64",
        what: "64-bit arithmetic (div/rem, rotates, popcnt, modpow)",
        source: "arith64.c",
        wasm: wasm!("arith64"),
        bench_n: 200_000,
        callgrind_n: 20_000,
        check_n: 500,
        expected: arith64,
    },
    Program {
        name: "nbody",
        what: "f64 math (n-body simulation)",
        source: "nbody.c",
        wasm: wasm!("nbody"),
        bench_n: 60_000,
        callgrind_n: 6_000,
        check_n: 200,
        expected: nbody,
    },
    Program {
        name: "mandelbrot",
        what: "f64 math (escape-time loop)",
        source: "mandelbrot.c",
        wasm: wasm!("mandelbrot"),
        bench_n: 400,
        callgrind_n: 128,
        check_n: 24,
        expected: mandelbrot,
    },
    Program {
        name: "matmul",
        what: "memory-heavy loops (f64 matrix multiply)",
        source: "matmul.c",
        wasm: wasm!("matmul"),
        bench_n: 192,
        callgrind_n: 96,
        check_n: 12,
        expected: matmul,
    },
    Program {
        name: "sort",
        what: "sorting (quicksort + heapsort)",
        source: "sort.c",
        wasm: wasm!("sort"),
        bench_n: 60_000,
        callgrind_n: 6_000,
        check_n: 500,
        expected: sort,
    },
    Program {
        name: "vm",
        what: "br_table dispatch (bytecode VM)",
        source: "vm.c",
        wasm: wasm!("vm"),
        bench_n: 60_000,
        callgrind_n: 6_000,
        check_n: 300,
        expected: vm,
    },
    Program {
        name: "bulk",
        what: "bulk memory (memory.fill/copy)",
        source: "bulk.wat",
        wasm: wasm!("bulk"),
        bench_n: 150_000,
        callgrind_n: 15_000,
        check_n: 200,
        expected: bulk,
    },
    Program {
        name: "globals",
        what: "mutable globals",
        source: "globals.wat",
        wasm: wasm!("globals"),
        bench_n: 1_500_000,
        callgrind_n: 150_000,
        check_n: 1000,
        expected: globals,
    },
    Program {
        name: "indirect",
        what: "indirect calls (call_indirect)",
        source: "indirect.c",
        wasm: wasm!("indirect"),
        bench_n: 1_200_000,
        callgrind_n: 120_000,
        check_n: 1000,
        expected: indirect,
    },
    Program {
        name: "sieve",
        what: "byte-array loops (sieve of Eratosthenes)",
        source: "sieve.c",
        wasm: wasm!("sieve"),
        bench_n: 2_000_000,
        callgrind_n: 200_000,
        check_n: 10_000,
        expected: sieve,
    },
];

pub fn find(name: &str) -> Option<&'static Program> {
    PROGRAMS.iter().find(|p| p.name == name)
}

// The expected results, computed directly in Rust. These are written from the programs'
// descriptions, not translated from their wasm, so an engine bug and a reference bug would
// have to coincide to go unnoticed.

fn fib(n: i32) -> i64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n.max(0) {
        (a, b) = (b, a.wrapping_add(b));
    }
    a as i64
}

fn lcg_bytes(len: usize) -> Vec<u8> {
    let mut s = 12345u32;
    (0..len)
        .map(|_| {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (s >> 16) as u8
        })
        .collect()
}

fn hash(n: i32) -> i64 {
    let buf = lcg_bytes(16384);
    let fnv1a = |seed: u32| {
        buf.iter().fold(2_166_136_261u32 ^ seed, |h, &b| {
            (h ^ u32::from(b)).wrapping_mul(16_777_619)
        })
    };
    let word_hash = |seed: u32| {
        let mut h = seed ^ 0x9747_b28c;
        for chunk in buf.chunks_exact(4) {
            let k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])
                .wrapping_mul(0xcc9e_2d51)
                .rotate_left(15)
                .wrapping_mul(0x1b87_3593);
            h = (h ^ k)
                .rotate_left(13)
                .wrapping_mul(5)
                .wrapping_add(0xe654_6b64);
        }
        h ^= buf.len() as u32;
        h ^= h >> 16;
        h = h.wrapping_mul(0x85eb_ca6b);
        h ^= h >> 13;
        h = h.wrapping_mul(0xc2b2_ae35);
        h ^ (h >> 16)
    };
    let mut acc = 0u64;
    for r in 0..n as u32 {
        let word =
            (u64::from(fnv1a(r)) << 32) | u64::from(word_hash(r.wrapping_mul(2_654_435_761)));
        acc = acc.wrapping_mul(31).wrapping_add(word);
    }
    acc as i64
}

fn arith64(n: i32) -> i64 {
    let mut state = 42u64;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let modulus = 2_147_483_647u64;
    let powmod = |base: u64, exp: u64| {
        let (mut result, mut base, mut exp) = (1u64, base % modulus, exp);
        while exp != 0 {
            if exp & 1 == 1 {
                result = result * base % modulus;
            }
            base = base * base % modulus;
            exp >>= 1;
        }
        result
    };
    let mut acc = 0u64;
    for i in 0..u64::from(n as u32) {
        let x = next();
        let y = (next() >> 40) | 1;
        acc = acc.wrapping_add(x / y);
        acc ^= x.rotate_left((i & 63) as u32);
        acc = acc.wrapping_add(u64::from(x.count_ones()) * u64::from(y.leading_zeros()));
        acc = acc.wrapping_mul(0x2545_f491_4f6c_dd1d).wrapping_add(x % y);
        acc = acc.wrapping_add(powmod(x, i | 1));
    }
    acc as i64
}

fn nbody(n: i32) -> i64 {
    #[derive(Clone, Copy)]
    struct Body {
        pos: [f64; 3],
        vel: [f64; 3],
        mass: f64,
    }
    let mut bodies: Vec<Body> = (0..5)
        .map(|i| {
            let k = f64::from(i);
            Body {
                pos: [k * 1.5 - 2.0, k * k * 0.25 - 1.0, (k - 2.0) * 0.125],
                vel: [0.01 * (2.0 - k), 0.02 * (k - 1.0), 0.005 * k],
                mass: if i == 0 { 10.0 } else { 0.1 * (k + 1.0) },
            }
        })
        .collect();
    let dt = 0.001;
    for _ in 0..n.max(0) {
        for i in 0..bodies.len() {
            for j in i + 1..bodies.len() {
                let d: [f64; 3] = std::array::from_fn(|c| bodies[i].pos[c] - bodies[j].pos[c]);
                let d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + 0.01;
                let mag = dt / (d2 * d2.sqrt());
                let mi = bodies[i].mass * mag;
                let mj = bodies[j].mass * mag;
                for (c, dc) in d.iter().enumerate() {
                    bodies[i].vel[c] -= dc * mj;
                    bodies[j].vel[c] += dc * mi;
                }
            }
        }
        for b in &mut bodies {
            for (p, v) in b.pos.iter_mut().zip(b.vel) {
                *p += dt * v;
            }
        }
    }
    let mut e = 0.0;
    for (i, b) in bodies.iter().enumerate() {
        let v = b.vel;
        e += 0.5 * b.mass * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        for other in &bodies[i + 1..] {
            let d: [f64; 3] = std::array::from_fn(|c| b.pos[c] - other.pos[c]);
            e -= b.mass * other.mass / (d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + 0.01).sqrt();
        }
    }
    e.to_bits() as i64
}

fn mandelbrot(n: i32) -> i64 {
    let size = f64::from(n);
    let mut total = 0i64;
    for py in 0..n {
        let ci = -1.25 + 2.5 * f64::from(py) / size;
        for px in 0..n {
            let cr = -2.0 + 2.5 * f64::from(px) / size;
            let (mut zr, mut zi) = (0.0f64, 0.0f64);
            let mut iterations = 0;
            while iterations < 64 {
                let (zr2, zi2) = (zr * zr, zi * zi);
                if zr2 + zi2 > 4.0 {
                    break;
                }
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                iterations += 1;
            }
            total += iterations;
        }
    }
    total
}

fn matmul(n: i32) -> i64 {
    let n = n.clamp(0, 192) as usize;
    // Entries are small integers, so the f64 products and sums in the program are exact
    // and integer arithmetic gives the same numbers.
    let a = |i: usize, j: usize| ((i * 7 + j * 3) % 11) as i64 - 5;
    let b = |i: usize, j: usize| ((i * 5 + j * 13) % 9) as i64 - 4;
    let mut check = 0u64;
    for i in 0..n {
        for j in 0..n {
            let c: i64 = (0..n).map(|k| a(i, k) * b(k, j)).sum();
            check = check.wrapping_mul(31).wrapping_add(c as u64);
        }
    }
    check as i64
}

fn xorshift32_values(n: usize) -> Vec<u32> {
    let mut s = 2_463_534_242u32;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s
        })
        .collect()
}

fn sort(n: i32) -> i64 {
    let n = n.clamp(0, 131_072) as usize;
    let mut values = xorshift32_values(n);
    values.sort_unstable();
    let sum = values.iter().enumerate().fold(0u64, |sum, (i, &v)| {
        // Both sorts' results are weighted: one by i + 1, the other by n - i.
        sum.wrapping_add(u64::from(v) * (i as u64 + 1))
            .wrapping_add(u64::from(v) * (n - i) as u64)
    });
    sum as i64
}

fn vm(n: i32) -> i64 {
    let (mut counter, mut x, mut sum) = (if n > 0 { n as u32 } else { 1 }, 1u32, 0u32);
    loop {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        sum = sum.wrapping_add((x >> 16) & 32767);
        if x & 1024 != 0 {
            sum ^= counter;
        }
        counter = counter.wrapping_sub(1);
        if counter == 0 {
            break;
        }
    }
    ((u64::from(sum) << 32) | u64::from(x)) as i64
}

fn bulk(n: i32) -> i64 {
    let lcg = |s: u32| s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
    let mut memory = vec![0u8; 131_072];
    let mut s = 1u32;
    let mut sum = 0u64;
    for i in 0..n as u32 {
        s = lcg(s);
        let len = ((s >> 20) & 4095) as usize;
        s = lcg(s);
        let first = ((s >> 16) & 65535) as usize;
        memory[first..first + len].fill(i as u8);
        s = lcg(s);
        let second = ((s >> 16) & 65535) as usize;
        memory.copy_within(first..first + len, second);
        s = lcg(s);
        let from = ((s >> 16) & 65535) as usize;
        memory.copy_within(from..from + len, second);
        let mut word = [0u8; 8];
        word.copy_from_slice(&memory[second..second + 8]);
        sum = sum.wrapping_mul(31).wrapping_add(u64::from_le_bytes(word));
    }
    sum as i64
}

fn globals(n: i32) -> i64 {
    let (mut x, mut y, mut z, mut w) = (
        123_456_789u32,
        362_436_069u32,
        521_288_629u32,
        88_675_123u32,
    );
    let (mut acc, mut max, mut count) = (0u64, 0u32, 0u32);
    for _ in 0..n as u32 {
        let t = x ^ (x << 11);
        (x, y, z) = (y, z, w);
        w = w ^ (w >> 19) ^ t ^ (t >> 8);
        acc = acc.wrapping_add(u64::from(w));
        if w > max {
            max = w;
            count += 1;
        }
    }
    (acc ^ (u64::from(count) << 48)).wrapping_add(u64::from(max)) as i64
}

fn indirect(n: i32) -> i64 {
    let ops: [fn(u32, u32) -> u32; 8] = [
        |a, b| a.wrapping_add(b.wrapping_mul(3)).wrapping_add(1),
        |a, b| a ^ b.wrapping_mul(2_654_435_761),
        |a, b| a.rotate_left(7).wrapping_add(b),
        |a, b| a.wrapping_mul(747_796_405).wrapping_add(b),
        |a, b| b.wrapping_sub(a) ^ 0x5bd1_e995,
        |a, b| (a ^ (a >> 15)).wrapping_add(b << 4),
        |a, b| (a ^ b).wrapping_mul(0x27d4_eb2d),
        |a, b| (!a).wrapping_add(b ^ 0x9e37_79b9),
    ];
    let (mut x, mut acc) = (1u32, 0u64);
    for i in 0..n as u32 {
        let y = ops[((x >> 5) & 7) as usize](x, i);
        x = y.wrapping_add(i);
        acc = acc.wrapping_add(u64::from(y));
    }
    (acc ^ (u64::from(x) << 32)) as i64
}

fn sieve(n: i32) -> i64 {
    let n = n.clamp(0, 4_194_304) as usize;
    let mut composite = vec![false; n];
    let (mut count, mut sum) = (0u64, 0u64);
    for i in 2..n {
        if composite[i] {
            continue;
        }
        count += 1;
        sum += i as u64;
        for j in (i * i..n).step_by(i) {
            composite[j] = true;
        }
    }
    ((count << 40) ^ sum) as i64
}
