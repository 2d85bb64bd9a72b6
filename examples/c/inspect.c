/*
 * Inspect a module before linking it: what it imports and exports, with types. An embedder
 * can refuse a module that asks for something it will not provide, or find the entry points,
 * without instantiating anything.
 *
 * Usage: inspect [FILE.wasm]   (default: the WASI example program)
 */
#include <stdio.h>
#include <stdlib.h>

#include "wrt.h"

#ifndef WRT_EXAMPLE_WASM
#define WRT_EXAMPLE_WASM "examples/wasm/wasi/notes.wasm"
#endif

static const char *val_name(wrt_valkind_t kind) {
    switch (kind) {
    case WRT_VAL_I32: return "i32";
    case WRT_VAL_I64: return "i64";
    case WRT_VAL_F32: return "f32";
    case WRT_VAL_F64: return "f64";
    case WRT_VAL_FUNCREF: return "funcref";
    case WRT_VAL_EXTERNREF: return "externref";
    default: return "?";
    }
}

static void print_kinds(const wrt_valkind_t *kinds, size_t n) {
    size_t i;
    printf("(");
    for (i = 0; i < n; i++) printf("%s%s", i ? " " : "", val_name(kinds[i]));
    printf(")");
}

static void print_limits(const wrt_extern_type_t *t) {
    if (t->has_max) {
        printf(" %llu..%llu", (unsigned long long)t->min, (unsigned long long)t->max);
    } else {
        printf(" %llu..", (unsigned long long)t->min);
    }
}

/* One line: kind, name (module.name for imports) and type. */
static void print_extern(const wrt_extern_type_t *t) {
    switch (t->kind) {
    case WRT_EXTERN_FUNC: printf("  func   "); break;
    case WRT_EXTERN_MEMORY: printf("  memory "); break;
    case WRT_EXTERN_GLOBAL: printf("  global "); break;
    case WRT_EXTERN_TABLE: printf("  table  "); break;
    default: printf("  ?      "); break;
    }
    /* Names are not NUL-terminated: print them with their length. */
    if (t->module_len > 0) printf("%.*s.", (int)t->module_len, t->module);
    printf("%.*s ", (int)t->name_len, t->name);
    switch (t->kind) {
    case WRT_EXTERN_FUNC:
        print_kinds(t->params, t->nparams);
        printf(" -> ");
        print_kinds(t->results, t->nresults);
        break;
    case WRT_EXTERN_MEMORY:
        printf("pages");
        print_limits(t);
        break;
    case WRT_EXTERN_GLOBAL:
        printf("%s%s", t->is_mutable ? "mut " : "", val_name(t->valkind));
        break;
    case WRT_EXTERN_TABLE:
        printf("%s", val_name(t->valkind));
        print_limits(t);
        break;
    default: break;
    }
    printf("\n");
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long size;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc(size > 0 ? (size_t)size : 1);
        if (data != NULL && fread(data, 1, (size_t)size, f) != (size_t)size) {
            free(data);
            data = NULL;
        }
        *len = (size_t)size;
    }
    fclose(f);
    return data;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : WRT_EXAMPLE_WASM;
    wrt_engine_t *engine = NULL;
    wrt_module_t *module = NULL;
    const wrt_extern_type_t *types = NULL;
    size_t len = 0, count = 0, i;
    unsigned char *wasm = read_file(path, &len);
    wrt_error_t *err;

    if (wasm == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    err = wrt_engine_new(NULL, &engine);
    if (err == NULL) err = wrt_module_new(engine, wasm, len, &module);
    free(wasm);
    if (err == NULL) err = wrt_module_imports(module, &types, &count);
    if (err == NULL) {
        printf("%s imports %zu:\n", path, count);
        for (i = 0; i < count; i++) print_extern(&types[i]);
        err = wrt_module_exports(module, &types, &count);
    }
    if (err == NULL) {
        printf("exports %zu:\n", count);
        for (i = 0; i < count; i++) print_extern(&types[i]);
    }
    if (err != NULL) {
        fprintf(stderr, "%s: %s\n", path, wrt_error_message(err));
        wrt_error_delete(err);
    }
    wrt_module_delete(module);
    wrt_engine_delete(engine);
    return err == NULL ? 0 : 1;
}
