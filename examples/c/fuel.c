/*
 * Fuel: bound how much work a guest may do. An endless loop stops with WRT_TRAP_OUT_OF_FUEL
 * at the same point on every run; the store stays usable and can be refuelled.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "wrt.h"

static const char *WAT =
    "(module\n"
    "  (func (export \"forever\") (loop $l (br $l)))\n"
    "  (func (export \"count\") (param i32) (result i32) (local i32)\n"
    "    (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 1)))\n"
    "      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))\n"
    "    (local.get 1)))\n";

static int check(const char *what, wrt_error_t *err) {
    if (err == NULL) return 0;
    fprintf(stderr, "%s: %s\n", what, wrt_error_message(err));
    wrt_error_delete(err);
    return 1;
}

int main(void) {
    wrt_config_t *config = NULL;
    wrt_engine_t *engine = NULL;
    wrt_module_t *module = NULL;
    wrt_linker_t *linker = NULL;
    wrt_store_t *store = NULL;
    wrt_context_t *cx;
    wrt_bytes_t wasm = {NULL, 0};
    wrt_instance_t instance;
    wrt_func_t forever, count;
    wrt_val_t arg, result;
    wrt_error_t *err;
    uint64_t left = 0, consumed = 0;
    int ok = 1;

    if (check("config", wrt_config_new(&config))) return 1;
    if (check("fuel", wrt_config_consume_fuel(config, true))) return 1;
    if (check("engine", wrt_engine_new(config, &engine))) return 1;
    wrt_config_delete(config);
    if (check("wat", wrt_wat2wasm((const uint8_t *)WAT, strlen(WAT), &wasm))) return 1;
    err = wrt_module_new(engine, wasm.data, wasm.len, &module);
    wrt_bytes_delete(&wasm);
    if (check("module", err)) return 1;
    if (check("linker", wrt_linker_new(engine, &linker))) return 1;
    if (check("store", wrt_store_new(engine, NULL, NULL, &store))) return 1;
    cx = wrt_store_context(store);
    if (check("instantiate", wrt_linker_instantiate(linker, cx, module, &instance))) return 1;
    if (check("export", wrt_instance_export_func(cx, instance, "forever", &forever))) return 1;
    if (check("export", wrt_instance_export_func(cx, instance, "count", &count))) return 1;

    /* An endless loop with 100000 units of fuel. */
    if (check("set fuel", wrt_context_fuel_set(cx, 100000))) return 1;
    err = wrt_func_call(cx, forever, NULL, 0, NULL, 0);
    if (err != NULL && wrt_error_trap_code(err) == WRT_TRAP_OUT_OF_FUEL) {
        printf("forever: stopped: %s\n", wrt_error_message(err));
    } else {
        printf("forever: expected an out-of-fuel trap\n");
        ok = 0;
    }
    wrt_error_delete(err);

    /* Refuel and do bounded work; report what it cost. */
    if (check("add fuel", wrt_context_fuel_add(cx, 1000000))) return 1;
    arg.kind = WRT_VAL_I32;
    arg.of.i32 = 1000;
    if (check("count", wrt_func_call(cx, count, &arg, 1, &result, 1))) return 1;
    if (check("fuel", wrt_context_fuel_get(cx, &left))) return 1;
    if (check("consumed", wrt_context_fuel_consumed(cx, &consumed))) return 1;
    printf("count(1000) = %d; fuel left %" PRIu64 ", consumed in total %" PRIu64 "\n",
           result.of.i32, left, consumed);
    ok = ok && result.of.i32 == 1000 && left < 1000000;

    wrt_store_delete(store);
    wrt_linker_delete(linker);
    wrt_module_delete(module);
    wrt_engine_delete(engine);
    return ok ? 0 : 1;
}
