// Float math: a gravitational n-body simulation of five bodies (made-up initial
// conditions), `n` leapfrog steps, then the total energy as the bits of an f64.
typedef unsigned long long u64;

#define BODIES 5

struct body {
    double x, y, z, vx, vy, vz, m;
};

static struct body bodies[BODIES];

static double sqrt_(double x) { return __builtin_sqrt(x); }

static void init(void) {
    for (int i = 0; i < BODIES; i++) {
        double k = (double)i;
        bodies[i].x = k * 1.5 - 2.0;
        bodies[i].y = k * k * 0.25 - 1.0;
        bodies[i].z = (k - 2.0) * 0.125;
        bodies[i].vx = 0.01 * (2.0 - k);
        bodies[i].vy = 0.02 * (k - 1.0);
        bodies[i].vz = 0.005 * k;
        bodies[i].m = i == 0 ? 10.0 : 0.1 * (k + 1.0);
    }
}

static void advance(double dt) {
    for (int i = 0; i < BODIES; i++) {
        for (int j = i + 1; j < BODIES; j++) {
            double dx = bodies[i].x - bodies[j].x;
            double dy = bodies[i].y - bodies[j].y;
            double dz = bodies[i].z - bodies[j].z;
            double d2 = dx * dx + dy * dy + dz * dz + 0.01;
            double mag = dt / (d2 * sqrt_(d2));
            double mi = bodies[i].m * mag;
            double mj = bodies[j].m * mag;
            bodies[i].vx -= dx * mj;
            bodies[i].vy -= dy * mj;
            bodies[i].vz -= dz * mj;
            bodies[j].vx += dx * mi;
            bodies[j].vy += dy * mi;
            bodies[j].vz += dz * mi;
        }
    }
    for (int i = 0; i < BODIES; i++) {
        bodies[i].x += dt * bodies[i].vx;
        bodies[i].y += dt * bodies[i].vy;
        bodies[i].z += dt * bodies[i].vz;
    }
}

static double energy(void) {
    double e = 0.0;
    for (int i = 0; i < BODIES; i++) {
        struct body *b = &bodies[i];
        e += 0.5 * b->m * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
        for (int j = i + 1; j < BODIES; j++) {
            double dx = b->x - bodies[j].x;
            double dy = b->y - bodies[j].y;
            double dz = b->z - bodies[j].z;
            e -= b->m * bodies[j].m / sqrt_(dx * dx + dy * dy + dz * dz + 0.01);
        }
    }
    return e;
}

long long run(int n) {
    init();
    for (int s = 0; s < n; s++) advance(0.001);
    double e = energy();
    u64 bits;
    __builtin_memcpy(&bits, &e, sizeof bits);
    return (long long)bits;
}
