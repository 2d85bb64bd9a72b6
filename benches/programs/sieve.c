// Byte-array loops: a sieve of Eratosthenes below n (n <= 4,194,304), returning the
// number of primes and their sum.
typedef unsigned long long u64;

#define MAXN 4194304

static unsigned char composite[MAXN];

long long run(int n) {
    if (n > MAXN) n = MAXN;
    for (int i = 0; i < n; i++) composite[i] = 0;
    u64 count = 0, sum = 0;
    for (int i = 2; i < n; i++) {
        if (composite[i]) continue;
        count++;
        sum += (u64)i;
        for (long long j = (long long)i * i; j < n; j += i) composite[j] = 1;
    }
    return (long long)((count << 40) ^ sum);
}
