/*
 * A memory budget: one limit for everything a store allocates. A guest that keeps growing its
 * memory gets -1 from memory.grow at the budget, and the profile shows where the bytes went.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "wrt.h"

static const char *WAT =
    "(module\n"
    "  (memory (export \"memory\") 1)\n"
    "  (func (export \"grow_until_refused\") (result i32) (local i32)\n"
    "    (block $done (loop $l\n"
    "      (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))\n"
    "      (local.set 0 (i32.add (local.get 0) (i32.const 1)))\n"
    "      (br $l)))\n"
    "    (local.get 0)))\n";

static int check(const char *what, wrt_error_t *err) {
    if (err == NULL) return 0;
    fprintf(stderr, "%s: %s\n", what, wrt_error_message(err));
    wrt_error_delete(err);
    return 1;
}

int main(void) {
    const uint64_t budget = 1024 * 1024; /* 1 MiB */
    wrt_config_t *config = NULL;
    wrt_engine_t *engine = NULL;
    wrt_module_t *module = NULL;
    wrt_linker_t *linker = NULL;
    wrt_store_t *store = NULL;
    wrt_context_t *cx;
    wrt_bytes_t wasm = {NULL, 0};
    wrt_instance_t instance;
    wrt_func_t grow;
    wrt_val_t result;
    wrt_error_t *err;
    wrt_memory_profile_t profile;
    wrt_usage_t usage;
    uint32_t c;

    if (check("config", wrt_config_new(&config))) return 1;
    if (check("budget", wrt_config_memory_budget(config, budget))) return 1;
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
    if (check("export", wrt_instance_export_func(cx, instance, "grow_until_refused", &grow)))
        return 1;
    if (check("call", wrt_func_call(cx, grow, NULL, 0, &result, 1))) return 1;
    if (check("profile", wrt_context_memory_profile(cx, &profile))) return 1;

    printf("grew %d pages before the budget of %" PRIu64 " bytes refused\n", result.of.i32,
           profile.budget);
    printf("peak %" PRIu64 " bytes, now %" PRIu64 " bytes, %" PRIu64 " refusal(s)\n",
           profile.total.peak, profile.total.current, profile.budget_refusals);
    for (c = 0; c < WRT_MEMORY_CATEGORY_COUNT; c++) {
        if (check("category", wrt_context_memory_category(cx, c, &usage))) return 1;
        printf("  %-14s current %8" PRIu64 "  peak %8" PRIu64 "\n", wrt_memory_category_name(c),
               usage.current, usage.peak);
    }

    wrt_store_delete(store);
    wrt_linker_delete(linker);
    wrt_module_delete(module);
    wrt_engine_delete(engine);
    return (profile.total.peak <= budget && profile.budget_refusals > 0) ? 0 : 1;
}
