/* Errors, version, configuration, engines, modules and the text-format helper. */
#include "wrt_test.h"

static void test_version(void) {
    CHECK(wrt_version() != NULL);
    CHECK(strcmp(wrt_version(), WRT_VERSION) == 0);
}

static void test_errors(void) {
    wrt_error_t *err = wrt_error_new("disk on fire");
    int32_t status = 7;
    CHECK(err != NULL);
    CHECK(wrt_error_code(err) == WRT_ERROR_HOST);
    CHECK(strcmp(wrt_error_message(err), "disk on fire") == 0);
    CHECK(wrt_error_trap_code(err) == WRT_TRAP_NONE);
    CHECK(!wrt_error_exit_status(err, &status));
    CHECK(status == 7);
    wrt_error_delete(err);

    err = wrt_error_new(NULL);
    CHECK(err != NULL && strcmp(wrt_error_message(err), "") == 0);
    wrt_error_delete(err);

    /* Accessors tolerate NULL. */
    CHECK(wrt_error_code(NULL) == WRT_ERROR_NULL_ARGUMENT);
    CHECK(wrt_error_message(NULL) != NULL && wrt_error_message(NULL)[0] == '\0');
    CHECK(wrt_error_trap_code(NULL) == WRT_TRAP_NONE);
    CHECK(!wrt_error_exit_status(NULL, &status));
    wrt_error_delete(NULL);
}

static void test_config(void) {
    wrt_config_t *config = NULL;
    wrt_engine_t *engine = NULL;
    OK(wrt_config_new(&config));
    CHECK(config != NULL);
    OK(wrt_config_max_call_depth(config, 100));
    OK(wrt_config_max_value_stack(config, 4096));
    OK(wrt_config_memory_budget(config, 1 << 20));
    OK(wrt_config_unlimited_memory(config));
    OK(wrt_config_consume_fuel(config, true));
    OK(wrt_config_deterministic(config, true));
    OK(wrt_config_lazy_translation(config, false));
    OK(wrt_config_parallel_compilation(config, false));
    OK(wrt_config_max_instances(config, 4));
    OK(wrt_config_max_memories(config, 4));
    OK(wrt_config_max_tables(config, 4));
    OK(wrt_config_max_table_elements(config, 1000));
    OK(wrt_config_platform_optimizations(config, false));
    OK(wrt_engine_new(config, &engine));
    CHECK(engine != NULL);
    /* The engine copied the configuration. */
    wrt_config_delete(config);
    wrt_engine_delete(engine);

    FAILS(wrt_config_new(NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_max_call_depth(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_max_value_stack(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_memory_budget(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_unlimited_memory(NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_consume_fuel(NULL, true), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_deterministic(NULL, true), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_lazy_translation(NULL, true), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_parallel_compilation(NULL, true), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_max_instances(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_max_memories(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_max_tables(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_max_table_elements(NULL, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_config_platform_optimizations(NULL, true), WRT_ERROR_NULL_ARGUMENT);
    wrt_config_delete(NULL);

    /* A NULL configuration means the defaults. */
    engine = NULL;
    OK(wrt_engine_new(NULL, &engine));
    CHECK(engine != NULL);
    wrt_engine_delete(engine);
    FAILS(wrt_engine_new(NULL, NULL), WRT_ERROR_NULL_ARGUMENT);
    wrt_engine_delete(NULL);
}

/* (module (func (export "f") (result i32) i32.const 42)) */
static const uint8_t FORTY_TWO[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05,
                                    0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07,
                                    0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04,
                                    0x00, 0x41, 0x2a, 0x0b};

static void test_modules(void) {
    wrt_engine_t *engine = NULL;
    wrt_module_t *module = NULL;
    wrt_module_t *untouched = (wrt_module_t *)&module; /* any non-NULL marker */
    const uint8_t garbage[] = {1, 2, 3, 4};
    /* Well formed, but the function returns nothing while declaring an i32 result. */
    const uint8_t invalid[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01,
                               0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x04, 0x01,
                               0x02, 0x00, 0x0b};
    OK(wrt_engine_new(NULL, &engine));

    OK(wrt_module_validate(engine, FORTY_TWO, sizeof FORTY_TWO));
    OK(wrt_module_new(engine, FORTY_TWO, sizeof FORTY_TWO, &module));
    CHECK(module != NULL);
    wrt_module_delete(module);

    module = untouched;
    FAILS(wrt_module_new(engine, garbage, sizeof garbage, &module), WRT_ERROR_MALFORMED);
    CHECK(module == untouched); /* out-parameters are written only on success */
    FAILS(wrt_module_new(engine, invalid, sizeof invalid, &module), WRT_ERROR_INVALID_MODULE);
    FAILS(wrt_module_validate(engine, garbage, sizeof garbage), WRT_ERROR_MALFORMED);
    FAILS(wrt_module_validate(engine, invalid, sizeof invalid), WRT_ERROR_INVALID_MODULE);
    FAILS(wrt_module_new(engine, NULL, 0, &module), WRT_ERROR_MALFORMED); /* empty */
    FAILS(wrt_module_new(engine, NULL, 8, &module), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_module_new(NULL, FORTY_TWO, sizeof FORTY_TWO, &module), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_module_new(engine, FORTY_TWO, sizeof FORTY_TWO, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_module_validate(NULL, FORTY_TWO, sizeof FORTY_TWO), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_module_validate(engine, NULL, 3), WRT_ERROR_NULL_ARGUMENT);
    wrt_module_delete(NULL);

    /* A module outlives the engine it was compiled with. */
    module = NULL;
    OK(wrt_module_new(engine, FORTY_TWO, sizeof FORTY_TWO, &module));
    wrt_engine_delete(engine);
    wrt_module_delete(module);
}

static int name_is(const char *name, size_t len, const char *expected) {
    return len == strlen(expected) && (len == 0 || memcmp(name, expected, len) == 0);
}

static void test_module_types(void) {
    const char *text =
        "(module"
        "  (import \"env\" \"log\" (func (param i32 i64) (result f32)))"
        "  (import \"env\" \"mem\" (memory 1 3))"
        "  (import \"spectest\" \"g\" (global (mut f64)))"
        "  (table (export \"tab\") 2 externref)"
        "  (global (export \"answer\") i32 (i32.const 42))"
        "  (func (export \"f\") (result i32) i32.const 7)"
        "  (export \"log2\" (func 0))"
        "  (export \"memory\" (memory 0)))";
    wrt_bytes_t wasm = {NULL, 0};
    wrt_engine_t *engine = NULL;
    wrt_module_t *module = NULL;
    const wrt_extern_type_t *types = NULL;
    size_t count = 99;
    OK(wrt_wat2wasm((const uint8_t *)text, strlen(text), &wasm));
    OK(wrt_engine_new(NULL, &engine));
    OK(wrt_module_new(engine, wasm.data, wasm.len, &module));
    wrt_bytes_delete(&wasm);

    OK(wrt_module_imports(module, &types, &count));
    CHECK(count == 3);
    CHECK(name_is(types[0].module, types[0].module_len, "env"));
    CHECK(name_is(types[0].name, types[0].name_len, "log"));
    CHECK(types[0].kind == WRT_EXTERN_FUNC);
    CHECK(types[0].nparams == 2 && types[0].params[0] == WRT_VAL_I32 && types[0].params[1] == WRT_VAL_I64);
    CHECK(types[0].nresults == 1 && types[0].results[0] == WRT_VAL_F32);
    CHECK(name_is(types[1].name, types[1].name_len, "mem"));
    CHECK(types[1].kind == WRT_EXTERN_MEMORY);
    CHECK(types[1].min == 1 && types[1].has_max && types[1].max == 3);
    CHECK(name_is(types[2].module, types[2].module_len, "spectest"));
    CHECK(types[2].kind == WRT_EXTERN_GLOBAL);
    CHECK(types[2].valkind == WRT_VAL_F64 && types[2].is_mutable);

    OK(wrt_module_exports(module, &types, &count));
    CHECK(count == 5);
    CHECK(name_is(types[0].name, types[0].name_len, "tab"));
    CHECK(types[0].module_len == 0);
    CHECK(types[0].kind == WRT_EXTERN_TABLE);
    CHECK(types[0].valkind == WRT_VAL_EXTERNREF && types[0].min == 2 && !types[0].has_max);
    CHECK(name_is(types[1].name, types[1].name_len, "answer"));
    CHECK(types[1].kind == WRT_EXTERN_GLOBAL);
    CHECK(types[1].valkind == WRT_VAL_I32 && !types[1].is_mutable);
    CHECK(name_is(types[2].name, types[2].name_len, "f"));
    CHECK(types[2].kind == WRT_EXTERN_FUNC && types[2].nparams == 0);
    CHECK(types[2].nresults == 1 && types[2].results[0] == WRT_VAL_I32);
    CHECK(name_is(types[3].name, types[3].name_len, "log2"));
    CHECK(types[3].nparams == 2 && types[3].results[0] == WRT_VAL_F32);
    CHECK(types[4].kind == WRT_EXTERN_MEMORY && types[4].min == 1);

    /* The descriptions belong to the module and outlive the engine. */
    wrt_engine_delete(engine);
    CHECK(name_is(types[2].name, types[2].name_len, "f"));

    types = NULL;
    count = 99;
    FAILS(wrt_module_imports(NULL, &types, &count), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_module_exports(module, NULL, &count), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_module_exports(module, &types, NULL), WRT_ERROR_NULL_ARGUMENT);
    CHECK(types == NULL && count == 99);
    wrt_module_delete(module);
}

static void test_wat(void) {
    const char *text = "(module (func (export \"f\") (result i32) i32.const 42))";
    const char *bad = "(module (func (export \"f\") (result i32) i32.const))";
    const uint8_t not_utf8[] = {0x28, 0xff, 0x29};
    wrt_bytes_t wasm = {NULL, 0};
    OK(wrt_wat2wasm((const uint8_t *)text, strlen(text), &wasm));
    CHECK(wasm.len == sizeof FORTY_TWO);
    CHECK(wasm.data != NULL && memcmp(wasm.data, FORTY_TWO, sizeof FORTY_TWO) == 0);
    wrt_bytes_delete(&wasm);
    CHECK(wasm.data == NULL && wasm.len == 0);
    wrt_bytes_delete(&wasm); /* a second delete is harmless */
    wrt_bytes_delete(NULL);

    FAILS(wrt_wat2wasm((const uint8_t *)bad, strlen(bad), &wasm), WRT_ERROR_MALFORMED);
    FAILS(wrt_wat2wasm(not_utf8, sizeof not_utf8, &wasm), WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_wat2wasm(NULL, 4, &wasm), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wat2wasm((const uint8_t *)text, strlen(text), NULL), WRT_ERROR_NULL_ARGUMENT);
    CHECK(wasm.data == NULL);
}

int main(void) {
    test_version();
    test_errors();
    test_config();
    test_modules();
    test_module_types();
    test_wat();
    return wrt_test_report("test_basics");
}
