// 64-bit integer arithmetic: a splitmix64 generator, division and remainder, rotations,
// popcount/clz, and modular exponentiation with 64-bit intermediate products.
typedef unsigned long long u64;

static u64 next(u64 *state) {
    u64 z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static u64 rotl64(u64 x, u64 r) { return (x << r) | (x >> ((64 - r) & 63)); }

static u64 powmod(u64 base, u64 exp, u64 m) {
    u64 result = 1;
    base %= m;
    while (exp != 0) {
        if (exp & 1) result = result * base % m;
        base = base * base % m;
        exp >>= 1;
    }
    return result;
}

long long run(int n) {
    u64 state = 42;
    u64 acc = 0;
    for (u64 i = 0; i < (u64)(unsigned)n; i++) {
        u64 x = next(&state);
        u64 y = (next(&state) >> 40) | 1;
        acc += x / y;
        acc ^= rotl64(x, i & 63);
        acc += (u64)__builtin_popcountll(x) * (u64)__builtin_clzll(y);
        acc = acc * 0x2545f4914f6cdd1dull + x % y;
        acc += powmod(x, i | 1, 2147483647ull);
    }
    return (long long)acc;
}
