/* Links against an installed wrt and calls a wasm function. */
#include <stdio.h>
#include <string.h>

#include <wrt.h>

/* (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)) */
static const uint8_t ADD[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01,
                              0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07,
                              0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01,
                              0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};

int main(void) {
    wrt_engine_t *engine = NULL;
    wrt_module_t *module = NULL;
    wrt_linker_t *linker = NULL;
    wrt_store_t *store = NULL;
    wrt_instance_t instance;
    wrt_func_t add;
    wrt_val_t args[2], result;
    wrt_error_t *err;
    int ok;

    if (strcmp(wrt_version(), WRT_VERSION) != 0) {
        fprintf(stderr, "header %s does not match library %s\n", WRT_VERSION, wrt_version());
        return 1;
    }
    err = wrt_engine_new(NULL, &engine);
    if (!err) err = wrt_module_new(engine, ADD, sizeof ADD, &module);
    if (!err) err = wrt_linker_new(engine, &linker);
    if (!err) err = wrt_store_new(engine, NULL, NULL, &store);
    if (!err) err = wrt_linker_instantiate(linker, wrt_store_context(store), module, &instance);
    if (!err) err = wrt_instance_export_func(wrt_store_context(store), instance, "add", &add);
    if (!err) {
        memset(args, 0, sizeof args);
        args[0].kind = WRT_VAL_I32;
        args[0].of.i32 = 40;
        args[1].kind = WRT_VAL_I32;
        args[1].of.i32 = 2;
        err = wrt_func_call(wrt_store_context(store), add, args, 2, &result, 1);
    }
    ok = err == NULL && result.of.i32 == 42;
    if (err) fprintf(stderr, "error: %s\n", wrt_error_message(err));
    else printf("wrt %s: add(40, 2) = %d\n", wrt_version(), result.of.i32);
    wrt_error_delete(err);
    wrt_store_delete(store);
    wrt_linker_delete(linker);
    wrt_module_delete(module);
    wrt_engine_delete(engine);
    return ok ? 0 : 1;
}
