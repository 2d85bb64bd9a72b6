//! xorshift64*: a small deterministic generator, so a failure reproduces from its seed on every
//! machine and every run. Shared by the arena's randomised tests and by the mutation test of
//! hostile modules (tests/mutation.rs includes this file).

/// The generator; seed it with any non-zero value.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
