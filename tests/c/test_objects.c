/* Memories, globals and tables through their handles. */
#include "wrt_test.h"

static const char *WAT =
    "(module\n"
    "  (memory (export \"mem\") 1 3)\n"
    "  (data (i32.const 0) \"\\01\\02\\03\")\n"
    "  (global (export \"counter\") (mut i32) (i32.const 10))\n"
    "  (global (export \"big\") (mut i64) (i64.const 1))\n"
    "  (global (export \"pi\") f64 (f64.const 3.25))\n"
    "  (global (export \"fref\") (mut funcref) (ref.null func))\n"
    "  (table (export \"funcs\") 2 4 funcref)\n"
    "  (table (export \"things\") 1 externref)\n"
    "  (elem (i32.const 0) $answer)\n"
    "  (func $answer (export \"answer\") (result i32) i32.const 42)\n"
    "  (func (export \"load\") (param i32) (result i32) (i32.load8_u (local.get 0)))\n"
    "  (func (export \"size\") (result i32) memory.size)\n"
    "  (func (export \"call_at\") (param i32) (result i32)\n"
    "    (call_indirect (result i32) (local.get 0)))\n"
    "  (func (export \"get_counter\") (result i32) (global.get 0)))\n";

static void test_memory(wrt_context_t *cx, wrt_instance_t instance) {
    wrt_memory_t mem, bogus;
    wrt_func_t load, size;
    uint8_t *data = NULL;
    size_t len = 0;
    uint64_t pages = 0, previous = 0;
    uint8_t buf[4] = {0};
    wrt_val_t arg, result;

    OK(wrt_instance_export_memory(cx, instance, "mem", &mem));
    OK(wrt_instance_export_func(cx, instance, "load", &load));
    OK(wrt_instance_export_func(cx, instance, "size", &size));

    OK(wrt_memory_data(cx, mem, &data, &len));
    CHECK(data != NULL && len == 65536);
    CHECK(data[0] == 1 && data[1] == 2 && data[2] == 3);
    data[100] = 77; /* direct writes are visible to wasm */
    arg = wrt_i32(100);
    OK(wrt_func_call(cx, load, &arg, 1, &result, 1));
    CHECK(result.of.i32 == 77);
    OK(wrt_memory_data(cx, mem, NULL, NULL));

    OK(wrt_memory_size(cx, mem, &pages));
    CHECK(pages == 1);
    OK(wrt_memory_grow(cx, mem, 1, &previous));
    CHECK(previous == 1);
    OK(wrt_memory_size(cx, mem, &pages));
    CHECK(pages == 2);
    OK(wrt_func_call(cx, size, NULL, 0, &result, 1));
    CHECK(result.of.i32 == 2);
    OK(wrt_memory_grow(cx, mem, 0, NULL));
    FAILS(wrt_memory_grow(cx, mem, 2, &previous), WRT_ERROR_LIMIT); /* maximum is 3 */
    OK(wrt_memory_data(cx, mem, &data, &len));
    CHECK(len == 2 * 65536 && data[100] == 77);

    /* Bounds-checked reads and writes. */
    OK(wrt_memory_write(cx, mem, 2 * 65536 - 4, (const uint8_t *)"wxyz", 4));
    OK(wrt_memory_read(cx, mem, 2 * 65536 - 4, buf, 4));
    CHECK(memcmp(buf, "wxyz", 4) == 0);
    TRAPS(wrt_memory_read(cx, mem, 2 * 65536 - 3, buf, 4), WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
    TRAPS(wrt_memory_write(cx, mem, 2 * 65536 - 3, buf, 4), WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
    TRAPS(wrt_memory_read(cx, mem, (size_t)-1, buf, 2), WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
    TRAPS(wrt_memory_write(cx, mem, (size_t)-1, buf, 2), WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
    OK(wrt_memory_read(cx, mem, 2 * 65536, NULL, 0)); /* empty range at the end */
    OK(wrt_memory_write(cx, mem, 0, NULL, 0));
    FAILS(wrt_memory_read(cx, mem, 0, NULL, 4), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_memory_write(cx, mem, 0, NULL, 4), WRT_ERROR_NULL_ARGUMENT);

    /* NULL contexts and out-parameters, unknown handles. */
    FAILS(wrt_memory_data(NULL, mem, &data, &len), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_memory_size(NULL, mem, &pages), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_memory_size(cx, mem, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_memory_grow(NULL, mem, 1, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_memory_read(NULL, mem, 0, buf, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_memory_write(NULL, mem, 0, buf, 1), WRT_ERROR_NULL_ARGUMENT);
    bogus = mem;
    bogus.index += 1000;
    FAILS(wrt_memory_size(cx, bogus, &pages), WRT_ERROR_HANDLE);
    FAILS(wrt_memory_read(cx, bogus, 0, buf, 1), WRT_ERROR_HANDLE);
}

static void test_globals(wrt_context_t *cx, wrt_instance_t instance) {
    wrt_global_t counter, big, pi, fref;
    wrt_func_t get_counter, answer;
    wrt_val_t val, result;
    wrt_valkind_t kind = 99;
    bool is_mutable = false;

    OK(wrt_instance_export_global(cx, instance, "counter", &counter));
    OK(wrt_instance_export_global(cx, instance, "big", &big));
    OK(wrt_instance_export_global(cx, instance, "pi", &pi));
    OK(wrt_instance_export_global(cx, instance, "fref", &fref));
    OK(wrt_instance_export_func(cx, instance, "get_counter", &get_counter));
    OK(wrt_instance_export_func(cx, instance, "answer", &answer));

    OK(wrt_global_get(cx, counter, &val));
    CHECK(val.kind == WRT_VAL_I32 && val.of.i32 == 10);
    val = wrt_i32(11);
    OK(wrt_global_set(cx, counter, &val));
    OK(wrt_func_call(cx, get_counter, NULL, 0, &result, 1));
    CHECK(result.of.i32 == 11);
    OK(wrt_global_type(cx, counter, &kind, &is_mutable));
    CHECK(kind == WRT_VAL_I32 && is_mutable);
    OK(wrt_global_type(cx, counter, NULL, NULL));

    val = wrt_i64(INT64_MAX);
    OK(wrt_global_set(cx, big, &val));
    OK(wrt_global_get(cx, big, &val));
    CHECK(val.kind == WRT_VAL_I64 && val.of.i64 == INT64_MAX);

    OK(wrt_global_get(cx, pi, &val));
    CHECK(val.kind == WRT_VAL_F64 && val.of.f64 == 3.25);
    OK(wrt_global_type(cx, pi, &kind, &is_mutable));
    CHECK(kind == WRT_VAL_F64 && !is_mutable);
    FAILS(wrt_global_set(cx, pi, &val), WRT_ERROR_TYPE); /* immutable */
    val = wrt_i32(1);
    FAILS(wrt_global_set(cx, big, &val), WRT_ERROR_TYPE); /* wrong kind */
    val.kind = 77;
    FAILS(wrt_global_set(cx, big, &val), WRT_ERROR_INVALID_ARGUMENT);

    /* Function references in globals. */
    OK(wrt_global_get(cx, fref, &val));
    CHECK(val.kind == WRT_VAL_FUNCREF && val.of.funcref.store_id == 0);
    val.of.funcref = answer;
    OK(wrt_global_set(cx, fref, &val));
    OK(wrt_global_get(cx, fref, &val));
    CHECK(val.of.funcref.store_id == answer.store_id && val.of.funcref.index == answer.index);

    FAILS(wrt_global_get(NULL, counter, &val), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_global_get(cx, counter, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_global_set(NULL, counter, &val), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_global_set(cx, counter, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_global_type(NULL, counter, &kind, NULL), WRT_ERROR_NULL_ARGUMENT);
}

static void test_tables(wrt_context_t *cx, wrt_instance_t instance) {
    wrt_table_t funcs, things;
    wrt_func_t call_at, answer;
    wrt_externref_t ref;
    wrt_val_t val, arg, result, null_func;
    uint64_t size = 0, previous = 0;
    wrt_valkind_t kind = 99;
    int marker = 0;

    OK(wrt_instance_export_table(cx, instance, "funcs", &funcs));
    OK(wrt_instance_export_table(cx, instance, "things", &things));
    OK(wrt_instance_export_func(cx, instance, "call_at", &call_at));
    OK(wrt_instance_export_func(cx, instance, "answer", &answer));

    OK(wrt_table_size(cx, funcs, &size));
    CHECK(size == 2);
    OK(wrt_table_type(cx, funcs, &kind));
    CHECK(kind == WRT_VAL_FUNCREF);
    OK(wrt_table_type(cx, things, &kind));
    CHECK(kind == WRT_VAL_EXTERNREF);

    OK(wrt_table_get(cx, funcs, 0, &val));
    CHECK(val.kind == WRT_VAL_FUNCREF && val.of.funcref.index == answer.index);
    OK(wrt_table_get(cx, funcs, 1, &val));
    CHECK(val.kind == WRT_VAL_FUNCREF && val.of.funcref.store_id == 0);
    arg = wrt_i32(1);
    TRAPS(wrt_func_call(cx, call_at, &arg, 1, &result, 1), WRT_TRAP_UNINITIALIZED_ELEMENT);
    val.of.funcref = answer;
    OK(wrt_table_set(cx, funcs, 1, &val));
    OK(wrt_func_call(cx, call_at, &arg, 1, &result, 1));
    CHECK(result.of.i32 == 42);
    arg = wrt_i32(5);
    TRAPS(wrt_func_call(cx, call_at, &arg, 1, &result, 1), WRT_TRAP_UNDEFINED_ELEMENT);

    TRAPS(wrt_table_get(cx, funcs, 2, &val), WRT_TRAP_TABLE_OUT_OF_BOUNDS);
    TRAPS(wrt_table_set(cx, funcs, 2, &val), WRT_TRAP_TABLE_OUT_OF_BOUNDS);

    memset(&null_func, 0, sizeof null_func);
    null_func.kind = WRT_VAL_FUNCREF;
    OK(wrt_table_grow(cx, funcs, 2, &null_func, &previous));
    CHECK(previous == 2);
    OK(wrt_table_size(cx, funcs, &size));
    CHECK(size == 4);
    FAILS(wrt_table_grow(cx, funcs, 1, &null_func, NULL), WRT_ERROR_LIMIT); /* max 4 */
    OK(wrt_table_grow(cx, funcs, 0, &null_func, NULL));

    /* Kinds must match the table's element type. */
    OK(wrt_externref_create(cx, &marker, NULL, &ref));
    val.kind = WRT_VAL_EXTERNREF;
    val.of.externref = ref;
    FAILS(wrt_table_set(cx, funcs, 0, &val), WRT_ERROR_TYPE);
    FAILS(wrt_table_grow(cx, funcs, 0, &val, NULL), WRT_ERROR_TYPE);
    OK(wrt_table_set(cx, things, 0, &val));
    OK(wrt_table_get(cx, things, 0, &val));
    CHECK(val.kind == WRT_VAL_EXTERNREF && val.of.externref.index == ref.index);
    val = wrt_i32(3);
    FAILS(wrt_table_set(cx, things, 0, &val), WRT_ERROR_TYPE);

    FAILS(wrt_table_size(NULL, funcs, &size), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_table_size(cx, funcs, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_table_type(NULL, funcs, &kind), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_table_type(cx, funcs, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_table_get(NULL, funcs, 0, &val), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_table_get(cx, funcs, 0, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_table_set(NULL, funcs, 0, &val), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_table_set(cx, funcs, 0, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_table_grow(NULL, funcs, 0, &null_func, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_table_grow(cx, funcs, 0, NULL, NULL), WRT_ERROR_NULL_ARGUMENT);
}

int main(void) {
    wrt_engine_t *engine = NULL;
    wrt_test_instance_t t;
    OK(wrt_engine_new(NULL, &engine));
    t = wrt_test_instance(engine, WAT);
    test_memory(t.cx, t.instance);
    test_globals(t.cx, t.instance);
    test_tables(t.cx, t.instance);
    wrt_test_teardown(&t);
    return wrt_test_report("test_objects");
}
