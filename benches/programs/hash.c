// Integer hashing: FNV-1a over bytes and a multiply-rotate hash over 32-bit words,
// both over a 16 KiB buffer of pseudo-random bytes, `n` rounds with different seeds.
typedef unsigned int u32;
typedef unsigned long long u64;

#define LEN 16384

static unsigned char buf[LEN];

static u32 rotl32(u32 x, u32 r) { return (x << r) | (x >> (32 - r)); }

static u32 fnv1a(const unsigned char *p, u32 len, u32 seed) {
    u32 h = 2166136261u ^ seed;
    for (u32 i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static u32 word_hash(const unsigned char *p, u32 len, u32 seed) {
    u32 h = seed ^ 0x9747b28cu;
    for (u32 i = 0; i + 4 <= len; i += 4) {
        u32 k = (u32)p[i] | ((u32)p[i + 1] << 8) | ((u32)p[i + 2] << 16) | ((u32)p[i + 3] << 24);
        k *= 0xcc9e2d51u;
        k = rotl32(k, 15);
        k *= 0x1b873593u;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5u + 0xe6546b64u;
    }
    h ^= len;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

long long run(int n) {
    u32 s = 12345u;
    for (u32 i = 0; i < LEN; i++) {
        s = s * 1103515245u + 12345u;
        buf[i] = (unsigned char)(s >> 16);
    }
    u64 acc = 0;
    for (u32 r = 0; r < (u32)n; r++) {
        u32 a = fnv1a(buf, LEN, r);
        u32 b = word_hash(buf, LEN, r * 2654435761u);
        acc = acc * 31u + ((u64)a << 32 | b);
    }
    return (long long)acc;
}
