// Sorting: quicksort and heapsort of the same n pseudo-random u32 values (n <= 131072),
// returning a position-weighted checksum of both results.
typedef unsigned int u32;
typedef unsigned long long u64;

#define MAXN 131072

static u32 q[MAXN];
static u32 h[MAXN];

static void quicksort(u32 *v, int lo, int hi) {
    while (hi - lo > 16) {
        u32 pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                u32 t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(v, lo, j);
            lo = i;
        } else {
            quicksort(v, i, hi);
            hi = j;
        }
    }
    for (int k = lo + 1; k <= hi; k++) {
        u32 x = v[k];
        int m = k - 1;
        while (m >= lo && v[m] > x) {
            v[m + 1] = v[m];
            m--;
        }
        v[m + 1] = x;
    }
}

static void sift_down(u32 *v, int root, int end) {
    for (;;) {
        int child = 2 * root + 1;
        if (child >= end) return;
        if (child + 1 < end && v[child + 1] > v[child]) child++;
        if (v[root] >= v[child]) return;
        u32 t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void heapsort(u32 *v, int n) {
    for (int i = n / 2 - 1; i >= 0; i--) sift_down(v, i, n);
    for (int end = n - 1; end > 0; end--) {
        u32 t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

long long run(int n) {
    if (n > MAXN) n = MAXN;
    u32 s = 2463534242u;
    for (int i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        q[i] = s;
        h[i] = s;
    }
    quicksort(q, 0, n - 1);
    heapsort(h, n);
    u64 sum = 0;
    for (int i = 0; i < n; i++) sum += (u64)q[i] * (u64)(i + 1) + (u64)h[i] * (u64)(n - i);
    return (long long)sum;
}
