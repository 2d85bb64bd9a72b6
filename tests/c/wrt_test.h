/*
 * A tiny test harness for the C API tests: checks count and report, errors are checked by
 * code and released, and every test program ends with a "N passed, M failed" line.
 */
#ifndef WRT_TEST_H
#define WRT_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrt.h"

static int wrt_test_passed;
static int wrt_test_failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            wrt_test_passed++;                                                       \
        } else {                                                                     \
            wrt_test_failed++;                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

/* `expr` must succeed (return NULL). */
#define OK(expr)                                                                          \
    do {                                                                                  \
        wrt_error_t *ok_err_ = (expr);                                                    \
        if (ok_err_ == NULL) {                                                            \
            wrt_test_passed++;                                                            \
        } else {                                                                          \
            wrt_test_failed++;                                                            \
            fprintf(stderr, "%s:%d: %s failed: [%u] %s\n", __FILE__, __LINE__, #expr,     \
                    (unsigned)wrt_error_code(ok_err_), wrt_error_message(ok_err_));        \
            wrt_error_delete(ok_err_);                                                    \
        }                                                                                 \
    } while (0)

/* `expr` must fail with error code `code`; the error is released. */
#define FAILS(expr, code) wrt_test_fails(__FILE__, __LINE__, #expr, (expr), (code), 0, NULL)

/* `expr` must fail with a trap of trap code `trap`. */
#define TRAPS(expr, trap) \
    wrt_test_fails(__FILE__, __LINE__, #expr, (expr), WRT_ERROR_TRAP, (trap), NULL)

/* `expr` must fail with error code `code` and a message containing `text`. */
#define FAILS_WITH(expr, code, text) \
    wrt_test_fails(__FILE__, __LINE__, #expr, (expr), (code), 0, (text))

static inline void wrt_test_fails(const char *file, int line, const char *expr, wrt_error_t *err,
                           wrt_error_code_t code, wrt_trap_code_t trap, const char *text) {
    if (err == NULL) {
        wrt_test_failed++;
        fprintf(stderr, "%s:%d: %s succeeded, expected error %u\n", file, line, expr,
                (unsigned)code);
        return;
    }
    if (wrt_error_code(err) != code || (trap != 0 && wrt_error_trap_code(err) != trap) ||
        (text != NULL && strstr(wrt_error_message(err), text) == NULL)) {
        wrt_test_failed++;
        fprintf(stderr, "%s:%d: %s: got error %u (trap %u) \"%s\", expected %u (trap %u)%s%s\n",
                file, line, expr, (unsigned)wrt_error_code(err),
                (unsigned)wrt_error_trap_code(err), wrt_error_message(err), (unsigned)code,
                (unsigned)trap, text ? " containing " : "", text ? text : "");
    } else {
        wrt_test_passed++;
    }
    wrt_error_delete(err);
}

/* Compiles WebAssembly text into a module; aborts the test program on failure. */
static inline wrt_module_t *wrt_test_module(const wrt_engine_t *engine, const char *wat) {
    wrt_bytes_t wasm = {NULL, 0};
    wrt_module_t *module = NULL;
    wrt_error_t *err = wrt_wat2wasm((const uint8_t *)wat, strlen(wat), &wasm);
    if (err == NULL) {
        err = wrt_module_new(engine, wasm.data, wasm.len, &module);
    }
    wrt_bytes_delete(&wasm);
    if (err != NULL) {
        fprintf(stderr, "cannot compile test module: %s\n%s\n", wrt_error_message(err), wat);
        wrt_error_delete(err);
        exit(2);
    }
    return module;
}

/* A value of kind `kind`, zeroed; the caller sets the field of that kind. */
static inline wrt_val_t wrt_test_val(wrt_valkind_t kind) {
    wrt_val_t val;
    memset(&val, 0, sizeof val);
    val.kind = kind;
    return val;
}

static inline wrt_val_t wrt_i32(int32_t v) {
    wrt_val_t val = wrt_test_val(WRT_VAL_I32);
    val.of.i32 = v;
    return val;
}

static inline wrt_val_t wrt_i64(int64_t v) {
    wrt_val_t val = wrt_test_val(WRT_VAL_I64);
    val.of.i64 = v;
    return val;
}

/* An engine with `config`, which it deletes. */
static inline wrt_engine_t *wrt_test_engine(wrt_config_t *config) {
    wrt_engine_t *engine = NULL;
    OK(wrt_engine_new(config, &engine));
    wrt_config_delete(config);
    return engine;
}

/* A module of WebAssembly text with a linker and a store of its own, and once instantiated
 * its instance: what most tests run against. It owns everything in it, the engine too. */
typedef struct {
    wrt_engine_t *engine;
    wrt_module_t *module;
    wrt_linker_t *linker;
    wrt_store_t *store;
    wrt_context_t *cx; /* the store's context */
    wrt_instance_t instance;
} wrt_test_instance_t;

/* Compiles `wat` with `engine`, which `t` then owns, and makes an empty linker and a store:
 * define what the module imports on `t->linker`, then call wrt_test_instantiate. */
static inline void wrt_test_setup(wrt_test_instance_t *t, wrt_engine_t *engine, const char *wat) {
    memset(t, 0, sizeof *t);
    t->engine = engine;
    t->module = wrt_test_module(engine, wat);
    OK(wrt_linker_new(engine, &t->linker));
    OK(wrt_store_new(engine, NULL, NULL, &t->store));
    t->cx = wrt_store_context(t->store);
}

/* Instantiates t's module in its store with its linker. */
static inline void wrt_test_instantiate(wrt_test_instance_t *t) {
    OK(wrt_linker_instantiate(t->linker, t->cx, t->module, &t->instance));
}

/* wrt_test_setup and wrt_test_instantiate, for a module that imports nothing. */
static inline wrt_test_instance_t wrt_test_instance(wrt_engine_t *engine, const char *wat) {
    wrt_test_instance_t t;
    wrt_test_setup(&t, engine, wat);
    wrt_test_instantiate(&t);
    return t;
}

/* Deletes everything `t` holds. */
static inline void wrt_test_teardown(wrt_test_instance_t *t) {
    wrt_store_delete(t->store);
    wrt_linker_delete(t->linker);
    wrt_module_delete(t->module);
    wrt_engine_delete(t->engine);
}

/* The function `name` exported by t's instance. */
static inline wrt_func_t wrt_test_func(const wrt_test_instance_t *t, const char *name) {
    wrt_func_t func;
    memset(&func, 0, sizeof func);
    OK(wrt_instance_export_func(t->cx, t->instance, name, &func));
    return func;
}

static inline int wrt_test_report(const char *name) {
    printf("%s: %d passed, %d failed\n", name, wrt_test_passed, wrt_test_failed);
    return wrt_test_failed == 0 ? 0 : 1;
}

#endif /* WRT_TEST_H */
