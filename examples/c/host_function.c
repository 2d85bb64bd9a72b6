/*
 * A host function: wasm imports env.print(ptr, len), the host reads the string from the
 * caller's memory, and counts calls in its own state.
 *
 *   cmake -S . -B build && cmake --build build && ./build/examples/c/host_function
 */
#include <stdio.h>
#include <string.h>

#include "wrt.h"

static const char *WAT =
    "(module\n"
    "  (import \"env\" \"print\" (func $print (param i32 i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (data (i32.const 8) \"Hello from wasm!\")\n"
    "  (func (export \"run\") (param i32) (result i32)\n"
    "    (call $print (i32.const 8) (i32.const 16))\n"
    "    (i32.mul (local.get 0) (local.get 0))))\n";

typedef struct {
    int prints;
} app_state;

/* env.print(ptr, len): copies the bytes out of the calling instance's memory. */
static wrt_error_t *print(void *env, wrt_caller_t *caller, const wrt_val_t *args, size_t nargs,
                          wrt_val_t *results, size_t nresults) {
    app_state *app = env;
    wrt_memory_t memory;
    char text[256];
    uint32_t ptr = (uint32_t)args[0].of.i32;
    uint32_t len = (uint32_t)args[1].of.i32;
    wrt_error_t *err;
    (void)nargs, (void)results, (void)nresults;
    if (len >= sizeof text) {
        return wrt_error_new("print: string too long"); /* traps the wasm caller */
    }
    err = wrt_caller_memory(caller, &memory);
    if (err == NULL) {
        /* Bounds-checked: a bad pointer becomes an out-of-bounds trap, not a crash. */
        err = wrt_memory_read(wrt_caller_context(caller), memory, ptr, (uint8_t *)text, len);
    }
    if (err != NULL) {
        return err;
    }
    text[len] = '\0';
    printf("guest says: %s\n", text);
    app->prints++;
    return NULL;
}

static int fail(const char *what, wrt_error_t *err) {
    fprintf(stderr, "%s: %s (code %u)\n", what, wrt_error_message(err),
            (unsigned)wrt_error_code(err));
    wrt_error_delete(err);
    return 1;
}

int main(void) {
    const wrt_valkind_t params[] = {WRT_VAL_I32, WRT_VAL_I32};
    app_state app = {0};
    wrt_engine_t *engine = NULL;
    wrt_module_t *module = NULL;
    wrt_linker_t *linker = NULL;
    wrt_store_t *store = NULL;
    wrt_bytes_t wasm = {NULL, 0};
    wrt_instance_t instance;
    wrt_func_t run;
    wrt_val_t arg, result;
    wrt_error_t *err;
    int status = 0;

    if ((err = wrt_engine_new(NULL, &engine))) return fail("engine", err);
    if ((err = wrt_wat2wasm((const uint8_t *)WAT, strlen(WAT), &wasm))) return fail("wat", err);
    err = wrt_module_new(engine, wasm.data, wasm.len, &module);
    wrt_bytes_delete(&wasm);
    if (err) return fail("module", err);

    if ((err = wrt_linker_new(engine, &linker))) return fail("linker", err);
    err = wrt_linker_define_func(linker, "env", "print", params, 2, NULL, 0, print, &app, NULL);
    if (err) return fail("define", err);
    if ((err = wrt_store_new(engine, NULL, NULL, &store))) return fail("store", err);

    err = wrt_linker_instantiate(linker, wrt_store_context(store), module, &instance);
    if (err == NULL) {
        err = wrt_instance_export_func(wrt_store_context(store), instance, "run", &run);
    }
    if (err == NULL) {
        arg.kind = WRT_VAL_I32;
        arg.of.i32 = 12;
        err = wrt_func_call(wrt_store_context(store), run, &arg, 1, &result, 1);
    }
    if (err != NULL) {
        status = fail("run", err);
    } else {
        printf("run(12) = %d after %d print call(s)\n", result.of.i32, app.prints);
        status = (result.of.i32 == 144 && app.prints == 1) ? 0 : 1;
    }

    wrt_store_delete(store);
    wrt_linker_delete(linker);
    wrt_module_delete(module);
    wrt_engine_delete(engine);
    return status;
}
