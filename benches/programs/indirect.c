// Indirect calls: a pseudo-random walk through a table of eight functions,
// each call going through `call_indirect`.
typedef unsigned int u32;
typedef unsigned long long u64;

typedef u32 (*step_fn)(u32, u32);

static u32 op_add(u32 a, u32 b) { return a + b * 3u + 1u; }
static u32 op_xor(u32 a, u32 b) { return a ^ (b * 2654435761u); }
static u32 op_rot(u32 a, u32 b) { return ((a << 7) | (a >> 25)) + b; }
static u32 op_mul(u32 a, u32 b) { return a * 747796405u + b; }
static u32 op_sub(u32 a, u32 b) { return (b - a) ^ 0x5bd1e995u; }
static u32 op_shr(u32 a, u32 b) { return (a ^ (a >> 15)) + (b << 4); }
static u32 op_mix(u32 a, u32 b) { return (a ^ b) * 0x27d4eb2du; }
static u32 op_neg(u32 a, u32 b) { return ~a + (b ^ 0x9e3779b9u); }

static step_fn table[8] = {op_add, op_xor, op_rot, op_mul, op_sub, op_shr, op_mix, op_neg};

long long run(int n) {
    u32 x = 1;
    u64 acc = 0;
    for (u32 i = 0; i < (u32)n; i++) {
        u32 y = table[(x >> 5) & 7](x, i);
        x = y + i;
        acc += y;
    }
    return (long long)(acc ^ ((u64)x << 32));
}
