/* Fuel, the memory budget, memory-profile statistics and host allocations. */
#include "wrt_test.h"

static const char *LOOP_WAT =
    "(module\n"
    "  (import \"env\" \"probe\" (func $probe))\n"
    "  (memory (export \"mem\") 1)\n"
    "  (func (export \"spin\") (param i32)\n"
    "    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))\n"
    "  (func (export \"probe\") (call $probe))\n"
    "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))\n";

typedef struct {
    int ok;
} probe_state;

/* Inside a host function: fuel can be read through the caller, not set; host bytes can be
 * charged and released. */
static wrt_error_t *probe(void *env, wrt_caller_t *caller, const wrt_val_t *args, size_t nargs,
                          wrt_val_t *results, size_t nresults) {
    probe_state *state = env;
    wrt_context_t *cx = wrt_caller_context(caller);
    uint64_t fuel = 0;
    wrt_error_t *err;
    (void)args, (void)nargs, (void)results, (void)nresults;
    err = wrt_context_fuel_get(cx, &fuel);
    if (err) return err;
    if (fuel == 0) return wrt_error_new("no fuel seen from the caller");
    err = wrt_context_fuel_add(cx, 1);
    if (err == NULL || wrt_error_code(err) != WRT_ERROR_UNSUPPORTED) {
        wrt_error_delete(err);
        return wrt_error_new("fuel_add in a caller context should be unsupported");
    }
    wrt_error_delete(err);
    err = wrt_context_charge_host(cx, 100);
    if (err) return err;
    err = wrt_context_release_host(cx, 100);
    if (err) return err;
    state->ok = 1;
    return NULL;
}

static wrt_engine_t *engine_with(bool fuel, uint64_t budget) {
    wrt_config_t *config = NULL;
    OK(wrt_config_new(&config));
    OK(wrt_config_consume_fuel(config, fuel));
    if (budget) OK(wrt_config_memory_budget(config, budget));
    return wrt_test_engine(config);
}

/* LOOP_WAT compiled with `engine`, its import defined with `state`, not instantiated yet. */
static wrt_test_instance_t setup_no_instance(wrt_engine_t *engine, probe_state *state) {
    wrt_test_instance_t t;
    wrt_test_setup(&t, engine, LOOP_WAT);
    OK(wrt_linker_define_func(t.linker, "env", "probe", NULL, 0, NULL, 0, probe, state, NULL));
    return t;
}

static wrt_test_instance_t setup(wrt_engine_t *engine, probe_state *state) {
    wrt_test_instance_t t = setup_no_instance(engine, state);
    wrt_test_instantiate(&t);
    return t;
}

static void test_fuel(void) {
    probe_state state = {0};
    wrt_test_instance_t t = setup(engine_with(true, 0), &state);
    wrt_context_t *cx = t.cx;
    wrt_func_t spin = wrt_test_func(&t, "spin"), probe_fn = wrt_test_func(&t, "probe");
    wrt_val_t arg;
    uint64_t fuel = 99, consumed = 0, consumed_once;

    /* Stores start with no fuel. */
    OK(wrt_context_fuel_get(cx, &fuel));
    CHECK(fuel == 0);
    arg = wrt_i32(10);
    TRAPS(wrt_func_call(cx, spin, &arg, 1, NULL, 0), WRT_TRAP_OUT_OF_FUEL);

    OK(wrt_context_fuel_set(cx, 1000000));
    OK(wrt_func_call(cx, spin, &arg, 1, NULL, 0));
    OK(wrt_context_fuel_get(cx, &fuel));
    CHECK(fuel < 1000000);
    OK(wrt_context_fuel_consumed(cx, &consumed));
    CHECK(consumed > 0);
    consumed_once = 1000000 - fuel;

    /* The same work costs the same fuel every time. */
    OK(wrt_context_fuel_set(cx, 1000000));
    OK(wrt_func_call(cx, spin, &arg, 1, NULL, 0));
    OK(wrt_context_fuel_get(cx, &fuel));
    CHECK(1000000 - fuel == consumed_once);

    /* Out of fuel, then resume after adding some. */
    OK(wrt_context_fuel_set(cx, consumed_once / 2));
    TRAPS(wrt_func_call(cx, spin, &arg, 1, NULL, 0), WRT_TRAP_OUT_OF_FUEL);
    OK(wrt_context_fuel_add(cx, 1000000));
    OK(wrt_func_call(cx, spin, &arg, 1, NULL, 0));

    /* Inside a host function. */
    OK(wrt_func_call(cx, probe_fn, NULL, 0, NULL, 0));
    CHECK(state.ok);

    FAILS(wrt_context_fuel_set(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_fuel_add(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_fuel_get(NULL, &fuel), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_fuel_get(cx, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_fuel_consumed(NULL, &consumed), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_fuel_consumed(cx, NULL), WRT_ERROR_NULL_ARGUMENT);
    wrt_test_teardown(&t);

    /* Without fuel enabled, fuel functions say so; consumption stays 0. */
    t = setup(engine_with(false, 0), &state);
    cx = t.cx;
    FAILS(wrt_context_fuel_set(cx, 1), WRT_ERROR_TYPE);
    FAILS(wrt_context_fuel_add(cx, 1), WRT_ERROR_TYPE);
    FAILS(wrt_context_fuel_get(cx, &fuel), WRT_ERROR_TYPE);
    OK(wrt_context_fuel_consumed(cx, &consumed));
    CHECK(consumed == 0);
    wrt_test_teardown(&t);
}

static void test_budget(void) {
    probe_state state = {0};
    /* Room for one page of linear memory and the runtime's own data, not for four pages. */
    wrt_test_instance_t t = setup(engine_with(false, 3 * 65536), &state);
    wrt_context_t *cx = t.cx;
    wrt_func_t grow = wrt_test_func(&t, "grow");
    wrt_engine_t *engine;
    wrt_memory_t mem;
    wrt_val_t arg, result;
    wrt_memory_profile_t profile;
    wrt_usage_t usage, sum = {0, 0};
    uint32_t c;

    OK(wrt_instance_export_memory(cx, t.instance, "mem", &mem));

    OK(wrt_context_memory_profile(cx, &profile));
    CHECK(profile.has_budget && profile.budget == 3 * 65536);
    CHECK(profile.total.current > 65536 && profile.total.current <= profile.budget);
    CHECK(profile.total.peak >= profile.total.current);
    OK(wrt_context_memory_category(cx, WRT_MEMORY_LINEAR_MEMORY, &usage));
    CHECK(usage.current == 65536);

    /* memory.grow in wasm returns -1 at the budget; the embedder gets WRT_ERROR_LIMIT. */
    arg = wrt_i32(4);
    OK(wrt_func_call(cx, grow, &arg, 1, &result, 1));
    CHECK(result.of.i32 == -1);
    FAILS(wrt_memory_grow(cx, mem, 4, NULL), WRT_ERROR_LIMIT);
    OK(wrt_context_memory_profile(cx, &profile));
    CHECK(profile.memory_grow_failures >= 1);
    CHECK(profile.budget_refusals >= 1);
    CHECK(profile.memory_grows == 0 && profile.table_grows == 0);

    /* Host allocations count against the same budget. */
    OK(wrt_context_charge_host(cx, 1000));
    OK(wrt_context_memory_category(cx, WRT_MEMORY_HOST, &usage));
    CHECK(usage.current == 1000 && usage.peak == 1000);
    FAILS(wrt_context_charge_host(cx, 1000000), WRT_ERROR_LIMIT);
    OK(wrt_context_release_host(cx, 1000));
    OK(wrt_context_memory_category(cx, WRT_MEMORY_HOST, &usage));
    CHECK(usage.current == 0 && usage.peak == 1000);

    /* The categories add up to the total. */
    OK(wrt_context_memory_profile(cx, &profile));
    for (c = 0; c < WRT_MEMORY_CATEGORY_COUNT; c++) {
        OK(wrt_context_memory_category(cx, c, &usage));
        sum.current += usage.current;
        CHECK(wrt_memory_category_name(c) != NULL);
    }
    CHECK(sum.current == profile.total.current);
    CHECK(strcmp(wrt_memory_category_name(WRT_MEMORY_LINEAR_MEMORY), "linear_memory") == 0);
    CHECK(wrt_memory_category_name(WRT_MEMORY_CATEGORY_COUNT) == NULL);

    FAILS(wrt_context_memory_category(cx, WRT_MEMORY_CATEGORY_COUNT, &usage),
          WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_context_memory_category(cx, 0, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_memory_category(NULL, 0, &usage), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_memory_profile(NULL, &profile), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_memory_profile(cx, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_charge_host(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_release_host(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    wrt_test_teardown(&t);

    /* Without a budget the profile still counts. */
    t = setup(engine_with(false, 0), &state);
    cx = t.cx;
    grow = wrt_test_func(&t, "grow");
    arg = wrt_i32(1);
    OK(wrt_func_call(cx, grow, &arg, 1, &result, 1));
    CHECK(result.of.i32 == 1);
    OK(wrt_context_memory_profile(cx, &profile));
    CHECK(!profile.has_budget && profile.budget == 0);
    CHECK(profile.memory_grows == 1);
    OK(wrt_context_memory_category(cx, WRT_MEMORY_LINEAR_MEMORY, &usage));
    CHECK(usage.current == 2 * 65536);
    wrt_test_teardown(&t);

    /* A budget smaller than the module's memory makes instantiation fail... */
    t = setup_no_instance(engine_with(false, 32768), &state);
    FAILS(wrt_linker_instantiate(t.linker, t.cx, t.module, &t.instance), WRT_ERROR_LIMIT);
    wrt_test_teardown(&t);

    /* ...and one smaller than the module's code and metadata refuses to compile it. */
    engine = engine_with(false, 1000);
    {
        wrt_bytes_t wasm = {NULL, 0};
        wrt_module_t *small = NULL;
        OK(wrt_wat2wasm((const uint8_t *)LOOP_WAT, strlen(LOOP_WAT), &wasm));
        FAILS(wrt_module_new(engine, wasm.data, wasm.len, &small), WRT_ERROR_LIMIT);
        CHECK(small == NULL);
        wrt_bytes_delete(&wasm);
    }
    wrt_engine_delete(engine);
}

/* Lazily translated code is charged to a store when a function is first called there; eagerly
 * translated code at instantiation. */
static void test_lazy_translation(void) {
    int lazy;
    for (lazy = 0; lazy <= 1; lazy++) {
        probe_state state = {0};
        wrt_config_t *config = NULL;
        wrt_test_instance_t t;
        wrt_func_t grow;
        wrt_val_t arg = wrt_i32(0), result;
        wrt_usage_t before, first, second;
        OK(wrt_config_new(&config));
        OK(wrt_config_lazy_translation(config, lazy != 0));
        t = setup(wrt_test_engine(config), &state);
        grow = wrt_test_func(&t, "grow");
        OK(wrt_context_memory_category(t.cx, WRT_MEMORY_CODE, &before));
        OK(wrt_func_call(t.cx, grow, &arg, 1, &result, 1));
        CHECK(result.of.i32 == 1);
        OK(wrt_context_memory_category(t.cx, WRT_MEMORY_CODE, &first));
        OK(wrt_func_call(t.cx, grow, &arg, 1, &result, 1));
        OK(wrt_context_memory_category(t.cx, WRT_MEMORY_CODE, &second));
        CHECK(before.current > 0);
        CHECK(lazy ? first.current > before.current : first.current == before.current);
        CHECK(second.current == first.current);
        wrt_test_teardown(&t);
    }
}

static void test_limits(void) {
    wrt_config_t *config = NULL;
    wrt_test_instance_t t;
    OK(wrt_config_new(&config));
    OK(wrt_config_max_instances(config, 1));
    t = wrt_test_instance(wrt_test_engine(config), "(module)");
    FAILS(wrt_linker_instantiate(t.linker, t.cx, t.module, &t.instance), WRT_ERROR_LIMIT);
    wrt_test_teardown(&t);
}

static void test_deterministic(void) {
    /* 0/0 gives a NaN whose sign and payload vary by host; deterministic mode makes it the
     * canonical positive quiet NaN. */
    wrt_config_t *config = NULL;
    wrt_test_instance_t t;
    wrt_val_t result;
    uint32_t bits = 0;
    OK(wrt_config_new(&config));
    OK(wrt_config_deterministic(config, true));
    t = wrt_test_instance(wrt_test_engine(config),
                          "(module (func (export \"nan\") (result f32)\n"
                          "  (f32.div (f32.const 0) (f32.const 0))))");
    OK(wrt_func_call(t.cx, wrt_test_func(&t, "nan"), NULL, 0, &result, 1));
    memcpy(&bits, &result.of.f32, sizeof bits);
    CHECK(bits == 0x7fc00000u);
    wrt_test_teardown(&t);
}

typedef struct {
    int32_t grown, refused;
    uint64_t fuel;
    wrt_memory_profile_t profile;
    wrt_usage_t linear;
    int new_pages_zero;
} platform_run;

/* A memory with a maximum: the mmap backend reserves 16 pages, not 4 GiB (valgrind with
 * --track-origins spends seconds on every 4 GiB reservation). */
static const char *GROW_WAT =
    "(module\n"
    "  (memory (export \"mem\") 1 16)\n"
    "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))\n";

/* Grows within and then past a budget, with platform optimizations on or off. */
static platform_run run_with_platform(bool platform) {
    wrt_config_t *config = NULL;
    wrt_test_instance_t t;
    wrt_context_t *cx;
    wrt_func_t grow;
    wrt_memory_t mem;
    wrt_val_t arg, result;
    uint8_t *data = NULL;
    size_t len = 0, i;
    platform_run run;
    memset(&run, 0, sizeof run);

    OK(wrt_config_new(&config));
    OK(wrt_config_consume_fuel(config, true));
    OK(wrt_config_memory_budget(config, 6 * 65536));
    OK(wrt_config_platform_optimizations(config, platform));
    t = wrt_test_instance(wrt_test_engine(config), GROW_WAT);
    cx = t.cx;
    OK(wrt_context_fuel_set(cx, 1000000));
    grow = wrt_test_func(&t, "grow");
    OK(wrt_instance_export_memory(cx, t.instance, "mem", &mem));
    OK(wrt_memory_write(cx, mem, 0, (const uint8_t *)"wrt", 3));
    arg = wrt_i32(3);
    OK(wrt_func_call(cx, grow, &arg, 1, &result, 1));
    run.grown = result.of.i32;
    arg = wrt_i32(4);
    OK(wrt_func_call(cx, grow, &arg, 1, &result, 1));
    run.refused = result.of.i32;
    OK(wrt_memory_data(cx, mem, &data, &len));
    CHECK(len == 4 * 65536 && data != NULL && memcmp(data, "wrt", 3) == 0);
    run.new_pages_zero = 1;
    for (i = 65536; data != NULL && i < len; i++) {
        if (data[i] != 0) run.new_pages_zero = 0;
    }
    OK(wrt_context_fuel_consumed(cx, &run.fuel));
    OK(wrt_context_memory_profile(cx, &run.profile));
    OK(wrt_context_memory_category(cx, WRT_MEMORY_LINEAR_MEMORY, &run.linear));
    wrt_test_teardown(&t);
    return run;
}

static void test_platform_optimizations(void) {
    platform_run on = run_with_platform(true), off = run_with_platform(false);
    CHECK(on.grown == 1 && on.refused == -1 && on.new_pages_zero);
    CHECK(on.linear.current == 4 * 65536 && on.linear.peak == 4 * 65536);
    CHECK(on.profile.memory_grows == 1 && on.profile.memory_grow_failures == 1);
    /* The portable backend gives exactly the same results, fuel and profile. */
    CHECK(off.grown == on.grown && off.refused == on.refused && off.new_pages_zero);
    CHECK(off.fuel == on.fuel);
    CHECK(off.linear.current == on.linear.current && off.linear.peak == on.linear.peak);
    CHECK(off.profile.total.current == on.profile.total.current);
    CHECK(off.profile.total.peak == on.profile.total.peak);
    CHECK(off.profile.memory_grows == on.profile.memory_grows);
    CHECK(off.profile.memory_grow_failures == on.profile.memory_grow_failures);
    CHECK(off.profile.budget_refusals == on.profile.budget_refusals);
}

int main(void) {
    test_fuel();
    test_budget();
    test_lazy_translation();
    test_limits();
    test_deterministic();
    test_platform_optimizations();
    return wrt_test_report("test_resources");
}
