/* Stores, contexts, linkers, host functions, instantiation, exports and calls. */

#include "wrt_test.h"

static int finalized;

static void count_finalize(void *data) {
    finalized++;
    (void)data;
}

static void test_store(wrt_engine_t *engine) {
    int marker = 0;
    wrt_store_t *store = NULL;
    void *data = NULL;
    finalized = 0;
    OK(wrt_store_new(engine, &marker, count_finalize, &store));
    CHECK(store != NULL);
    CHECK(wrt_store_context(store) != NULL);
    OK(wrt_context_user_data(wrt_store_context(store), &data));
    CHECK(data == &marker);
    FAILS(wrt_context_user_data(wrt_store_context(store), NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_user_data(NULL, &data), WRT_ERROR_NULL_ARGUMENT);
    CHECK(finalized == 0);
    wrt_store_delete(store);
    CHECK(finalized == 1);

    /* On failure the finalizer still runs: ownership always passes to wrt. */
    FAILS(wrt_store_new(NULL, &marker, count_finalize, &store), WRT_ERROR_NULL_ARGUMENT);
    CHECK(finalized == 2);
    FAILS(wrt_store_new(engine, &marker, count_finalize, NULL), WRT_ERROR_NULL_ARGUMENT);
    CHECK(finalized == 3);

    /* No finalizer is fine. */
    store = NULL;
    OK(wrt_store_new(engine, NULL, NULL, &store));
    wrt_store_delete(store);
    wrt_store_delete(NULL);
    CHECK(wrt_store_context(NULL) == NULL);
    CHECK(wrt_caller_context(NULL) == NULL);
}

/* ---- host functions ---- */

typedef struct {
    int calls;
    int32_t last_sum;
    wrt_func_t callback_target; /* a wasm function the host calls back */
    wrt_store_t *store;         /* for testing misuse from inside a callback */
} host_state;

/* env.add(i32, i32) -> i32, counting calls in the state it was given. */
static wrt_error_t *host_add(void *env, wrt_caller_t *caller, const wrt_val_t *args,
                             size_t nargs, wrt_val_t *results, size_t nresults) {
    host_state *state = env;
    (void)caller;
    if (nargs != 2 || nresults != 1 || args[0].kind != WRT_VAL_I32 ||
        results[0].kind != WRT_VAL_I32) {
        return wrt_error_new("bad signature");
    }
    state->calls++;
    results[0].of.i32 = args[0].of.i32 + args[1].of.i32;
    state->last_sum = results[0].of.i32;
    return NULL;
}

/* env.fail() : always fails. */
static wrt_error_t *host_fail(void *env, wrt_caller_t *caller, const wrt_val_t *args,
                              size_t nargs, wrt_val_t *results, size_t nresults) {
    (void)env, (void)caller, (void)args, (void)nargs, (void)results, (void)nresults;
    return wrt_error_new("the host says no");
}

/* env.log(ptr, len) -> i32: reads a string from the caller's memory and returns its checksum,
 * writes "ok" back at ptr + len. Exercises caller memory access. */
static wrt_error_t *host_log(void *env, wrt_caller_t *caller, const wrt_val_t *args,
                             size_t nargs, wrt_val_t *results, size_t nresults) {
    wrt_context_t *cx = wrt_caller_context(caller);
    wrt_memory_t memory;
    wrt_extern_t ext;
    char buf[64];
    int32_t sum = 0;
    size_t i;
    uint32_t ptr = (uint32_t)args[0].of.i32, len = (uint32_t)args[1].of.i32;
    wrt_error_t *err;
    void *user = NULL;
    (void)env, (void)nargs, (void)nresults;
    if (len > sizeof buf) {
        return wrt_error_new("string too long");
    }
    err = wrt_caller_memory(caller, &memory);
    if (err) return err;
    err = wrt_caller_export(caller, "memory", &ext);
    if (err) return err;
    if (ext.kind != WRT_EXTERN_MEMORY || ext.of.memory.store_id != memory.store_id) {
        return wrt_error_new("caller export mismatch");
    }
    err = wrt_memory_read(cx, memory, ptr, (uint8_t *)buf, len);
    if (err) return err; /* an out-of-bounds read propagates as a trap */
    for (i = 0; i < len; i++) sum += (unsigned char)buf[i];
    err = wrt_memory_write(cx, memory, ptr + len, (const uint8_t *)"ok", 2);
    if (err) return err;
    err = wrt_context_user_data(cx, &user);
    if (err) return err;
    if (user == NULL) return wrt_error_new("no user data");
    results[0].of.i32 = sum;
    return NULL;
}

/* env.reenter(x) -> i32: calls back into wasm (`double`) through the caller's context, and
 * checks that the store's own context is refused while the call runs. */
static wrt_error_t *host_reenter(void *env, wrt_caller_t *caller, const wrt_val_t *args,
                                 size_t nargs, wrt_val_t *results, size_t nresults) {
    host_state *state = env;
    wrt_val_t out[1];
    wrt_error_t *err;
    void *user = NULL;
    (void)nargs, (void)nresults;
    /* Using the store's context while it runs this call is refused, not undefined. */
    err = wrt_context_user_data(wrt_store_context(state->store), &user);
    if (err == NULL || wrt_error_code(err) != WRT_ERROR_BUSY) {
        wrt_error_delete(err);
        return wrt_error_new("store context was not reported busy");
    }
    wrt_error_delete(err);
    /* Deleting the store from inside its own call is refused (the store stays). */
    wrt_store_delete(state->store);
    /* A wasm trap inside the nested call is handed back unchanged. */
    err = wrt_func_call(wrt_caller_context(caller), state->callback_target, args, 1, out, 1);
    if (err) return err;
    results[0] = out[0];
    return NULL;
}

/* env.bad_result() -> i32, but writes an i64. */
static wrt_error_t *host_bad_result(void *env, wrt_caller_t *caller, const wrt_val_t *args,
                                    size_t nargs, wrt_val_t *results, size_t nresults) {
    (void)env, (void)caller, (void)args, (void)nargs, (void)nresults;
    results[0].kind = WRT_VAL_I64;
    results[0].of.i64 = 1;
    return NULL;
}

static const char *HOST_WAT =
    "(module\n"
    "  (import \"env\" \"add\" (func $add (param i32 i32) (result i32)))\n"
    "  (import \"env\" \"fail\" (func $fail))\n"
    "  (import \"env\" \"log\" (func $log (param i32 i32) (result i32)))\n"
    "  (import \"env\" \"reenter\" (func $reenter (param i32) (result i32)))\n"
    "  (import \"env\" \"bad_result\" (func $bad (result i32)))\n"
    "  (memory (export \"memory\") 1 2)\n"
    "  (data (i32.const 16) \"hello\")\n"
    "  (func (export \"add3\") (param i32 i32 i32) (result i32)\n"
    "    (call $add (call $add (local.get 0) (local.get 1)) (local.get 2)))\n"
    "  (func (export \"call_fail\") (call $fail))\n"
    "  (func (export \"log\") (param i32 i32) (result i32)\n"
    "    (call $log (local.get 0) (local.get 1)))\n"
    "  (func (export \"reenter\") (param i32) (result i32) (call $reenter (local.get 0)))\n"
    "  (func (export \"double\") (param i32) (result i32)\n"
    "    (if (i32.eqz (local.get 0)) (then unreachable))\n"
    "    (i32.mul (local.get 0) (i32.const 2)))\n"
    "  (func (export \"bad\") (result i32) (call $bad)))\n";

static void test_host_functions(wrt_engine_t *engine) {
    const wrt_valkind_t ii_i[] = {WRT_VAL_I32, WRT_VAL_I32};
    const wrt_valkind_t i32[] = {WRT_VAL_I32};
    const wrt_valkind_t bogus[] = {42};
    host_state state;
    wrt_linker_t *linker = NULL;
    wrt_store_t *store = NULL;
    wrt_module_t *module = wrt_test_module(engine, HOST_WAT);
    wrt_instance_t instance;
    wrt_func_t add3, call_fail, log_fn, reenter, dbl, bad;
    wrt_memory_t memory;
    wrt_val_t args[3], results[1];
    char text[8];
    int marker = 0;
    memset(&state, 0, sizeof state);

    OK(wrt_linker_new(engine, &linker));
    finalized = 0;
    OK(wrt_linker_define_func(linker, "env", "add", ii_i, 2, i32, 1, host_add, &state,
                              count_finalize));
    OK(wrt_linker_define_func(linker, "env", "fail", NULL, 0, NULL, 0, host_fail, NULL, NULL));
    OK(wrt_linker_define_func(linker, "env", "log", ii_i, 2, i32, 1, host_log, NULL, NULL));
    OK(wrt_linker_define_func(linker, "env", "reenter", i32, 1, i32, 1, host_reenter, &state,
                              NULL));
    OK(wrt_linker_define_func(linker, "env", "bad_result", NULL, 0, i32, 1, host_bad_result,
                              NULL, NULL));

    /* Errors of wrt_linker_define_func: the finalizer runs every time. */
    FAILS(wrt_linker_define_func(linker, "env", "add", ii_i, 2, i32, 1, host_add, &state,
                                 count_finalize),
          WRT_ERROR_LINK); /* already defined */
    FAILS(wrt_linker_define_func(linker, "env", "x", bogus, 1, NULL, 0, host_add, NULL,
                                 count_finalize),
          WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_linker_define_func(linker, "env", "x", NULL, 1, NULL, 0, host_add, NULL,
                                 count_finalize),
          WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define_func(linker, "env", "x", NULL, 0, NULL, 0, NULL, NULL,
                                 count_finalize),
          WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define_func(linker, NULL, "x", NULL, 0, NULL, 0, host_add, NULL,
                                 count_finalize),
          WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define_func(linker, "env", NULL, NULL, 0, NULL, 0, host_add, NULL,
                                 count_finalize),
          WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define_func(linker, "env", "\xff", NULL, 0, NULL, 0, host_add, NULL,
                                 count_finalize),
          WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_linker_define_func(NULL, "env", "x", NULL, 0, NULL, 0, host_add, NULL,
                                 count_finalize),
          WRT_ERROR_NULL_ARGUMENT);
    CHECK(finalized == 8);
    finalized = 0;

    OK(wrt_linker_allow_shadowing(linker, true));
    OK(wrt_linker_define_func(linker, "env", "fail", NULL, 0, NULL, 0, host_fail, NULL, NULL));
    OK(wrt_linker_allow_shadowing(linker, false));
    FAILS(wrt_linker_allow_shadowing(NULL, true), WRT_ERROR_NULL_ARGUMENT);

    OK(wrt_store_new(engine, &marker, NULL, &store));
    state.store = store;
    OK(wrt_linker_instantiate(linker, wrt_store_context(store), module, &instance));
    FAILS(wrt_linker_instantiate(NULL, wrt_store_context(store), module, &instance),
          WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_instantiate(linker, NULL, module, &instance), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_instantiate(linker, wrt_store_context(store), NULL, &instance),
          WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_instantiate(linker, wrt_store_context(store), module, NULL),
          WRT_ERROR_NULL_ARGUMENT);

    OK(wrt_instance_export_func(wrt_store_context(store), instance, "add3", &add3));
    OK(wrt_instance_export_func(wrt_store_context(store), instance, "call_fail", &call_fail));
    OK(wrt_instance_export_func(wrt_store_context(store), instance, "log", &log_fn));
    OK(wrt_instance_export_func(wrt_store_context(store), instance, "reenter", &reenter));
    OK(wrt_instance_export_func(wrt_store_context(store), instance, "double", &dbl));
    OK(wrt_instance_export_func(wrt_store_context(store), instance, "bad", &bad));
    OK(wrt_instance_export_memory(wrt_store_context(store), instance, "memory", &memory));
    state.callback_target = dbl;

    /* Host function called twice per call, with the state pointer it was given. */
    args[0] = wrt_i32(1), args[1] = wrt_i32(2), args[2] = wrt_i32(39);
    OK(wrt_func_call(wrt_store_context(store), add3, args, 3, results, 1));
    CHECK(results[0].kind == WRT_VAL_I32 && results[0].of.i32 == 42);
    CHECK(state.calls == 2 && state.last_sum == 42);

    /* A host error stops wasm; the embedder gets it with the host's code and message. */
    FAILS_WITH(wrt_func_call(wrt_store_context(store), call_fail, NULL, 0, NULL, 0),
               WRT_ERROR_HOST, "the host says no");

    /* Caller memory access: "hello" at 16 sums to 532; "ok" is written after it. */
    args[0] = wrt_i32(16), args[1] = wrt_i32(5);
    OK(wrt_func_call(wrt_store_context(store), log_fn, args, 2, results, 1));
    CHECK(results[0].of.i32 == 'h' + 'e' + 'l' + 'l' + 'o');
    OK(wrt_memory_read(wrt_store_context(store), memory, 16, (uint8_t *)text, 7));
    CHECK(memcmp(text, "hellook", 7) == 0);
    /* An out-of-bounds read inside the host function becomes the call's trap. */
    args[0] = wrt_i32(65530), args[1] = wrt_i32(10);
    TRAPS(wrt_func_call(wrt_store_context(store), log_fn, args, 2, results, 1),
          WRT_TRAP_MEMORY_OUT_OF_BOUNDS);

    /* Re-entry through the caller context works; the store context is busy meanwhile. */
    args[0] = wrt_i32(21);
    OK(wrt_func_call(wrt_store_context(store), reenter, args, 1, results, 1));
    CHECK(results[0].of.i32 == 42);
    /* A trap in the nested call propagates through the host function as a trap. */
    args[0] = wrt_i32(0);
    TRAPS(wrt_func_call(wrt_store_context(store), reenter, args, 1, results, 1),
          WRT_TRAP_UNREACHABLE);

    /* A host result of the wrong kind is a type error. */
    FAILS(wrt_func_call(wrt_store_context(store), bad, NULL, 0, results, 1), WRT_ERROR_TYPE);

    /* Caller functions reject NULL. */
    FAILS(wrt_caller_memory(NULL, &memory), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_caller_export(NULL, "memory", NULL), WRT_ERROR_NULL_ARGUMENT);

    /* The linker can go first: the store keeps the host functions it uses. */
    wrt_linker_delete(linker);
    CHECK(finalized == 0);
    args[0] = wrt_i32(1), args[1] = wrt_i32(2), args[2] = wrt_i32(3);
    OK(wrt_func_call(wrt_store_context(store), add3, args, 3, results, 1));
    CHECK(results[0].of.i32 == 6);
    wrt_store_delete(store);
    CHECK(finalized == 1); /* add's env, once nothing uses it */
    wrt_module_delete(module);
    wrt_linker_delete(NULL);
}

static const char *CALC_WAT =
    "(module\n"
    "  (func $id_i64 (export \"id_i64\") (param i64) (result i64) local.get 0)\n"
    "  (func (export \"id_f32\") (param f32) (result f32) local.get 0)\n"
    "  (func (export \"id_f64\") (param f64) (result f64) local.get 0)\n"
    "  (func (export \"div\") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))\n"
    "  (func (export \"trunc\") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))\n"
    "  (func $rec (export \"rec\") (param i32) (result i32) (call $rec (local.get 0)))\n"
    "  (func (export \"pair\") (param i32) (result i32 i64)\n"
    "    (local.get 0) (i64.extend_i32_s (local.get 0)))\n"
    "  (func (export \"self\") (result funcref) (ref.func $id_i64))\n"
    "  (func (export \"is_null\") (param externref) (result i32) (ref.is_null (local.get 0)))\n"
    "  (func (export \"id_ext\") (param externref) (result externref) (local.get 0))\n"
    "  (global (export \"g\") i32 (i32.const 1))\n"
    "  (start $start) (func $start))\n";

static void test_calls(void) {
    wrt_test_instance_t t = wrt_test_instance(wrt_test_engine(NULL), CALC_WAT);
    wrt_store_t *other = NULL;
    wrt_context_t *cx = t.cx;
    wrt_instance_t instance = t.instance, other_instance;
    wrt_func_t id_i64, id_f32, id_f64, div, trunc, rec, pair, self, is_null, id_ext, other_f;
    wrt_func_t null_func;
    wrt_memory_t memory;
    wrt_global_t global;
    wrt_table_t table;
    wrt_extern_t ext;
    wrt_externref_t ref;
    wrt_val_t args[2], results[2];
    wrt_valkind_t params_k[1], results_k[2];
    size_t np = 99, nr = 99;
    void *data = NULL;
    int marker = 0;
    uint32_t nan_bits = 0x7fa00001u, got_bits;
    float nan_f;

    /* Export lookup: by kind, missing names, wrong kinds, NULLs. */
    OK(wrt_instance_export(cx, instance, "id_i64", &ext));
    CHECK(ext.kind == WRT_EXTERN_FUNC);
    OK(wrt_instance_export(cx, instance, "g", &ext));
    CHECK(ext.kind == WRT_EXTERN_GLOBAL);
    FAILS(wrt_instance_export(cx, instance, "nope", &ext), WRT_ERROR_NOT_FOUND);
    FAILS(wrt_instance_export(cx, instance, NULL, &ext), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_instance_export(cx, instance, "g", NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_instance_export(NULL, instance, "g", &ext), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_instance_export_func(cx, instance, "g", &id_i64), WRT_ERROR_TYPE);
    FAILS(wrt_instance_export_func(cx, instance, "nope", &id_i64), WRT_ERROR_NOT_FOUND);
    FAILS(wrt_instance_export_memory(cx, instance, "g", &memory), WRT_ERROR_TYPE);
    FAILS(wrt_instance_export_memory(cx, instance, "g", NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_instance_export_global(cx, instance, "id_i64", &global), WRT_ERROR_TYPE);
    FAILS(wrt_instance_export_table(cx, instance, "g", &table), WRT_ERROR_TYPE);
    FAILS(wrt_instance_export_table(cx, instance, "nope", &table), WRT_ERROR_NOT_FOUND);
    OK(wrt_instance_export_global(cx, instance, "g", &global));

    id_i64 = wrt_test_func(&t, "id_i64");
    id_f32 = wrt_test_func(&t, "id_f32");
    id_f64 = wrt_test_func(&t, "id_f64");
    div = wrt_test_func(&t, "div");
    trunc = wrt_test_func(&t, "trunc");
    rec = wrt_test_func(&t, "rec");
    pair = wrt_test_func(&t, "pair");
    self = wrt_test_func(&t, "self");
    is_null = wrt_test_func(&t, "is_null");
    id_ext = wrt_test_func(&t, "id_ext");

    /* Typed values. */
    args[0] = wrt_i64(-1234567890123LL);
    OK(wrt_func_call(cx, id_i64, args, 1, results, 1));
    CHECK(results[0].kind == WRT_VAL_I64 && results[0].of.i64 == -1234567890123LL);
    memcpy(&nan_f, &nan_bits, sizeof nan_f);
    args[0].kind = WRT_VAL_F32;
    args[0].of.f32 = nan_f;
    OK(wrt_func_call(cx, id_f32, args, 1, results, 1));
    memcpy(&got_bits, &results[0].of.f32, sizeof got_bits);
    CHECK(results[0].kind == WRT_VAL_F32 && got_bits == nan_bits); /* payload kept */
    args[0].kind = WRT_VAL_F64;
    args[0].of.f64 = -2.5;
    OK(wrt_func_call(cx, id_f64, args, 1, results, 1));
    CHECK(results[0].kind == WRT_VAL_F64 && results[0].of.f64 == -2.5);
    args[0] = wrt_i32(7);
    OK(wrt_func_call(cx, pair, args, 1, results, 2));
    CHECK(results[0].kind == WRT_VAL_I32 && results[0].of.i32 == 7);
    CHECK(results[1].kind == WRT_VAL_I64 && results[1].of.i64 == 7);

    /* Type and count mismatches. */
    args[0] = wrt_i32(1);
    FAILS(wrt_func_call(cx, id_i64, args, 1, results, 1), WRT_ERROR_TYPE);
    FAILS(wrt_func_call(cx, id_i64, args, 0, results, 1), WRT_ERROR_TYPE);
    args[0] = wrt_i64(1);
    FAILS(wrt_func_call(cx, id_i64, args, 1, results, 0), WRT_ERROR_TYPE);
    FAILS(wrt_func_call(cx, id_i64, args, 1, results, 2), WRT_ERROR_TYPE);
    args[0].kind = 200;
    FAILS(wrt_func_call(cx, id_i64, args, 1, results, 1), WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_func_call(cx, id_i64, NULL, 1, results, 1), WRT_ERROR_NULL_ARGUMENT);
    args[0] = wrt_i64(1);
    FAILS(wrt_func_call(cx, id_i64, args, 1, NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_func_call(NULL, id_i64, args, 1, results, 1), WRT_ERROR_NULL_ARGUMENT);

    /* Traps. */
    args[0] = wrt_i32(1), args[1] = wrt_i32(0);
    TRAPS(wrt_func_call(cx, div, args, 2, results, 1), WRT_TRAP_INTEGER_DIVIDE_BY_ZERO);
    args[0] = wrt_i32(INT32_MIN), args[1] = wrt_i32(-1);
    TRAPS(wrt_func_call(cx, div, args, 2, results, 1), WRT_TRAP_INTEGER_OVERFLOW);
    args[0].kind = WRT_VAL_F32;
    args[0].of.f32 = nan_f;
    TRAPS(wrt_func_call(cx, trunc, args, 1, results, 1), WRT_TRAP_INVALID_CONVERSION_TO_INTEGER);
    args[0] = wrt_i32(0);
    TRAPS(wrt_func_call(cx, rec, args, 1, results, 1), WRT_TRAP_CALL_STACK_EXHAUSTED);
    /* The store is still usable after a trap. */
    args[0] = wrt_i32(9), args[1] = wrt_i32(3);
    OK(wrt_func_call(cx, div, args, 2, results, 1));
    CHECK(results[0].of.i32 == 3);

    /* Function types. */
    OK(wrt_func_arity(cx, pair, &np, &nr));
    CHECK(np == 1 && nr == 2);
    OK(wrt_func_arity(cx, pair, NULL, NULL));
    OK(wrt_func_type(cx, pair, params_k, 1, results_k, 2));
    CHECK(params_k[0] == WRT_VAL_I32 && results_k[0] == WRT_VAL_I32 &&
          results_k[1] == WRT_VAL_I64);
    FAILS(wrt_func_type(cx, pair, params_k, 1, results_k, 1), WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_func_type(cx, pair, NULL, 1, results_k, 2), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_func_arity(NULL, pair, &np, &nr), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_func_type(NULL, pair, params_k, 1, results_k, 2), WRT_ERROR_NULL_ARGUMENT);

    /* Function references: returned, called, compared. */
    OK(wrt_func_call(cx, self, NULL, 0, results, 1));
    CHECK(results[0].kind == WRT_VAL_FUNCREF && results[0].of.funcref.store_id != 0);
    CHECK(results[0].of.funcref.store_id == id_i64.store_id &&
          results[0].of.funcref.index == id_i64.index); /* one handle per object */
    args[0] = wrt_i64(5);
    OK(wrt_func_call(cx, results[0].of.funcref, args, 1, results, 1));
    CHECK(results[0].of.i64 == 5);

    /* Null and foreign handles. */
    memset(&null_func, 0, sizeof null_func);
    FAILS(wrt_func_call(cx, null_func, NULL, 0, NULL, 0), WRT_ERROR_HANDLE);
    other_f = id_i64;
    other_f.index = 100000;
    FAILS(wrt_func_call(cx, other_f, args, 1, results, 1), WRT_ERROR_HANDLE);
    OK(wrt_store_new(t.engine, NULL, NULL, &other));
    OK(wrt_linker_instantiate(t.linker, wrt_store_context(other), t.module, &other_instance));
    FAILS(wrt_func_call(wrt_store_context(other), id_i64, args, 1, results, 1),
          WRT_ERROR_HANDLE);
    FAILS(wrt_instance_export(wrt_store_context(other), instance, "g", &ext), WRT_ERROR_HANDLE);

    /* External references. */
    OK(wrt_externref_create(cx, &marker, NULL, &ref));
    CHECK(ref.store_id != 0);
    OK(wrt_externref_data(cx, ref, &data));
    CHECK(data == &marker);
    args[0].kind = WRT_VAL_EXTERNREF;
    args[0].of.externref = ref;
    OK(wrt_func_call(cx, id_ext, args, 1, results, 1));
    CHECK(results[0].kind == WRT_VAL_EXTERNREF && results[0].of.externref.index == ref.index);
    OK(wrt_func_call(cx, is_null, args, 1, results, 1));
    CHECK(results[0].of.i32 == 0);
    memset(&args[0].of, 0, sizeof args[0].of); /* null externref */
    OK(wrt_func_call(cx, is_null, args, 1, results, 1));
    CHECK(results[0].of.i32 == 1);
    FAILS(wrt_externref_data(cx, args[0].of.externref, &data), WRT_ERROR_HANDLE);
    FAILS(wrt_externref_data(cx, ref, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_externref_data(wrt_store_context(other), ref, &data), WRT_ERROR_HANDLE);
    finalized = 0;
    FAILS(wrt_externref_create(NULL, &marker, count_finalize, &ref), WRT_ERROR_NULL_ARGUMENT);
    CHECK(finalized == 1);
    FAILS(wrt_externref_create(cx, &marker, count_finalize, NULL), WRT_ERROR_NULL_ARGUMENT);
    CHECK(finalized == 2);
    OK(wrt_externref_create(cx, &marker, count_finalize, &ref));
    CHECK(finalized == 2);

    wrt_store_delete(other);
    wrt_store_delete(t.store);
    t.store = NULL;
    CHECK(finalized == 3); /* the store released its external reference */
    wrt_test_teardown(&t);
}

static void test_linking(wrt_engine_t *engine) {
    const char *provider_wat =
        "(module (memory (export \"mem\") 1) (global (export \"g\") (mut i32) (i32.const 5))\n"
        "  (table (export \"t\") 2 funcref)\n"
        "  (func (export \"seven\") (result i32) i32.const 7))";
    const char *user_wat =
        "(module (import \"p\" \"seven\" (func $seven (result i32)))\n"
        "  (import \"q\" \"mem\" (memory 1)) (import \"p\" \"g\" (global (mut i32)))\n"
        "  (func (export \"run\") (result i32) (i32.add (call $seven) (global.get 0))))";
    const char *wrong_wat = "(module (import \"p\" \"seven\" (func (param i32))))";
    const char *trap_start_wat = "(module (func $s unreachable) (start $s))";
    wrt_module_t *provider = wrt_test_module(engine, provider_wat);
    wrt_module_t *user = wrt_test_module(engine, user_wat);
    wrt_module_t *wrong = wrt_test_module(engine, wrong_wat);
    wrt_module_t *trap_start = wrt_test_module(engine, trap_start_wat);
    wrt_linker_t *linker = NULL;
    wrt_store_t *store = NULL, *other = NULL;
    wrt_context_t *cx;
    wrt_instance_t p, u;
    wrt_extern_t mem;
    wrt_func_t run;
    wrt_val_t result;

    OK(wrt_linker_new(engine, &linker));
    OK(wrt_store_new(engine, NULL, NULL, &store));
    cx = wrt_store_context(store);
    FAILS(wrt_linker_instantiate(linker, cx, user, &u), WRT_ERROR_LINK); /* unknown import */
    OK(wrt_linker_instantiate(linker, cx, provider, &p));
    OK(wrt_linker_define_instance(linker, cx, "p", p));
    OK(wrt_instance_export(cx, p, "mem", &mem));
    OK(wrt_linker_define(linker, cx, "q", "mem", &mem));
    OK(wrt_linker_instantiate(linker, cx, user, &u));
    OK(wrt_instance_export_func(cx, u, "run", &run));
    OK(wrt_func_call(cx, run, NULL, 0, &result, 1));
    CHECK(result.of.i32 == 12);
    FAILS(wrt_linker_instantiate(linker, cx, wrong, &u), WRT_ERROR_LINK); /* wrong type */
    TRAPS(wrt_linker_instantiate(linker, cx, trap_start, &u), WRT_TRAP_UNREACHABLE);

    /* Definitions from one store cannot be imported into another. */
    OK(wrt_store_new(engine, NULL, NULL, &other));
    FAILS(wrt_linker_instantiate(linker, wrt_store_context(other), user, &u), WRT_ERROR_LINK);
    FAILS(wrt_linker_define(linker, wrt_store_context(other), "r", "mem", &mem),
          WRT_ERROR_HANDLE);
    FAILS(wrt_linker_define_instance(linker, wrt_store_context(other), "r", p),
          WRT_ERROR_HANDLE);

    /* NULLs and bad kinds. */
    FAILS(wrt_linker_define(NULL, cx, "q", "m", &mem), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define(linker, NULL, "q", "m", &mem), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define(linker, cx, NULL, "m", &mem), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define(linker, cx, "q", NULL, &mem), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define(linker, cx, "q", "m", NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define(linker, cx, "q", "mem", &mem), WRT_ERROR_LINK); /* duplicate */
    mem.kind = 9;
    FAILS(wrt_linker_define(linker, cx, "q", "m", &mem), WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_linker_define_instance(NULL, cx, "p2", p), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define_instance(linker, NULL, "p2", p), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_define_instance(linker, cx, NULL, p), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_new(NULL, &linker), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_linker_new(engine, NULL), WRT_ERROR_NULL_ARGUMENT);

    wrt_store_delete(other);
    wrt_store_delete(store);
    wrt_linker_delete(linker);
    wrt_module_delete(provider);
    wrt_module_delete(user);
    wrt_module_delete(wrong);
    wrt_module_delete(trap_start);
}

typedef struct {
    wrt_linker_t *linker;
    wrt_module_t *module;
    int define_busy;
} start_state;

/* Called by a start function, i.e. while wrt_linker_instantiate runs with the linker. */
static wrt_error_t *during_start(void *env, wrt_caller_t *caller, const wrt_val_t *args,
                                 size_t nargs, wrt_val_t *results, size_t nresults) {
    start_state *state = env;
    wrt_error_t *err;
    (void)caller, (void)args, (void)nargs, (void)results, (void)nresults;
    /* Changing the linker in use is refused... */
    err = wrt_linker_define_func(state->linker, "env", "late", NULL, 0, NULL, 0, host_fail,
                                 NULL, NULL);
    state->define_busy = err != NULL && wrt_error_code(err) == WRT_ERROR_BUSY;
    wrt_error_delete(err);
    /* ...deleting it is refused (it stays usable)... */
    wrt_linker_delete(state->linker);
    /* ...and the module may be deleted: the instantiation keeps what it needs. */
    wrt_module_delete(state->module);
    state->module = NULL;
    return NULL;
}

static void test_reentrant_instantiation(wrt_engine_t *engine) {
    start_state state = {NULL, NULL, 0};
    wrt_store_t *store = NULL;
    wrt_instance_t instance;
    wrt_func_t seven;
    wrt_val_t result;
    wrt_module_t *again;
    const char *wat = "(module (import \"env\" \"during_start\" (func $d))\n"
                      "  (func $s (call $d)) (start $s)\n"
                      "  (func (export \"seven\") (result i32) i32.const 7))";
    OK(wrt_linker_new(engine, &state.linker));
    OK(wrt_linker_define_func(state.linker, "env", "during_start", NULL, 0, NULL, 0,
                              during_start, &state, NULL));
    state.module = wrt_test_module(engine, wat);
    OK(wrt_store_new(engine, NULL, NULL, &store));
    OK(wrt_linker_instantiate(state.linker, wrt_store_context(store), state.module, &instance));
    CHECK(state.define_busy);
    CHECK(state.module == NULL);
    OK(wrt_instance_export_func(wrt_store_context(store), instance, "seven", &seven));
    OK(wrt_func_call(wrt_store_context(store), seven, NULL, 0, &result, 1));
    CHECK(result.of.i32 == 7);
    /* The linker survived and works again once the instantiation is over. */
    OK(wrt_linker_define_func(state.linker, "env", "late", NULL, 0, NULL, 0, host_fail, NULL,
                              NULL));
    again = wrt_test_module(engine, wat);
    state.module = again;
    OK(wrt_linker_instantiate(state.linker, wrt_store_context(store), again, &instance));
    wrt_store_delete(store);
    wrt_linker_delete(state.linker);
}

static void test_call_depth_limit(void) {
    wrt_config_t *config = NULL;
    wrt_test_instance_t t;
    wrt_func_t down;
    wrt_val_t arg, result;
    OK(wrt_config_new(&config));
    OK(wrt_config_max_call_depth(config, 50));
    t = wrt_test_instance(wrt_test_engine(config),
                          "(module (func $d (export \"down\") (param i32) (result i32)\n"
                          "  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
                          "    (else (call $d (i32.sub (local.get 0) (i32.const 1)))))))");
    down = wrt_test_func(&t, "down");
    arg = wrt_i32(40);
    OK(wrt_func_call(t.cx, down, &arg, 1, &result, 1));
    arg = wrt_i32(60);
    TRAPS(wrt_func_call(t.cx, down, &arg, 1, &result, 1), WRT_TRAP_CALL_STACK_EXHAUSTED);
    wrt_test_teardown(&t);
}

int main(void) {
    wrt_engine_t *engine = NULL;
    OK(wrt_engine_new(NULL, &engine));
    test_store(engine);
    test_host_functions(engine);
    test_calls();
    test_linking(engine);
    test_reentrant_instantiation(engine);
    test_call_depth_limit();
    wrt_engine_delete(engine);
    return wrt_test_report("test_runtime");
}
