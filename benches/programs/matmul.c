// Memory-heavy loops: n-by-n f64 matrix multiply (naive i-j-k order), n <= 192.
#define MAXN 192

static double a[MAXN * MAXN];
static double b[MAXN * MAXN];
static double c[MAXN * MAXN];

long long run(int n) {
    if (n > MAXN) n = MAXN;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * 7 + j * 3) % 11) - 5.0;
            b[i * n + j] = (double)((i * 5 + j * 13) % 9) - 4.0;
        }
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            double sum = 0.0;
            for (int k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
            c[i * n + j] = sum;
        }
    }
    unsigned long long check = 0;
    for (int i = 0; i < n * n; i++) check = check * 31u + (unsigned long long)(long long)c[i];
    return (long long)check;
}
