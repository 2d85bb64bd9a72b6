// Float math: escape-time iteration counts of an n-by-n grid over the Mandelbrot set.
#define MAX_ITER 64

long long run(int n) {
    long long total = 0;
    for (int py = 0; py < n; py++) {
        double ci = -1.25 + 2.5 * (double)py / (double)n;
        for (int px = 0; px < n; px++) {
            double cr = -2.0 + 2.5 * (double)px / (double)n;
            double zr = 0.0, zi = 0.0;
            int it = 0;
            while (it < MAX_ITER) {
                double zr2 = zr * zr;
                double zi2 = zi * zi;
                if (zr2 + zi2 > 4.0) break;
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                it++;
            }
            total += it;
        }
    }
    return total;
}
