/* Clocks, sleeping, poll on stdin, randomness, sched_yield and proc_raise. */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
uint16_t raw_proc_raise(uint32_t sig);

static int failures = 0;

static void check(int cond, const char *what) {
    if (cond) {
        printf("ok   %s\n", what);
    } else {
        printf("FAIL %s (errno %d)\n", what, errno);
        failures++;
    }
}

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

int main(void) {
    struct timespec t0, t1, res;
    check(clock_gettime(CLOCK_REALTIME, &t0) == 0 && t0.tv_sec > 1577836800, "realtime is after 2020");
    check(time(NULL) > 1577836800, "time()");
    check(clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(res) > 0, "monotonic resolution");
    check(clock_gettime(CLOCK_MONOTONIC, &t0) == 0, "monotonic");
    struct timespec nap = {0, 20 * 1000 * 1000};
    check(nanosleep(&nap, NULL) == 0, "nanosleep 20ms");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    check(ns(t1) - ns(t0) >= 20 * 1000 * 1000, "at least 20ms passed");
    check(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0) == 0, "process cpu time");
    check(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0) == 0, "thread cpu time");

    /* poll: stdin has data (the host feeds "ping\n"), a timeout alone expires. */
    struct pollfd p = {.fd = 0, .events = POLLIN};
    check(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "poll sees stdin readable");
    char buf[64] = {0};
    check(read(0, buf, sizeof buf - 1) == 5 && strcmp(buf, "ping\n") == 0, "read stdin");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check(poll(NULL, 0, 15) == 0, "poll with only a timeout");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    check(ns(t1) - ns(t0) >= 15 * 1000 * 1000, "the timeout took 15ms");
    struct pollfd w = {.fd = 1, .events = POLLOUT};
    check(poll(&w, 1, 0) == 1 && (w.revents & POLLOUT), "stdout is writable");

    unsigned char r1[32], r2[32], zero[32] = {0};
    arc4random_buf(r1, sizeof r1);
    check(getentropy(r2, sizeof r2) == 0, "getentropy");
    check(memcmp(r1, r2, 32) != 0 && memcmp(r1, zero, 32) != 0, "random bytes differ");
    check(sched_yield() == 0, "sched_yield");
    check(raw_proc_raise(16 /* SIGCHLD: ignored by default */) == 0, "proc_raise(SIGCHLD)");
    check(raw_proc_raise(200) == __WASI_ERRNO_INVAL, "proc_raise(200) is EINVAL");
    printf("failures: %d\n", failures);
    return failures;
}
