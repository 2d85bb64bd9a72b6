/*
 * WASI: run a WASI command (examples/wasm/wasi/notes.wasm, built from notes.c next to it) with
 * arguments, environment variables and a temporary directory the guest sees as /data. The guest
 * writes a note there, which the host then reads back; a path leaving /data is refused.
 *
 *   cmake -S . -B build && cmake --build build
 *   ./build/examples/c/wasi [path/to/notes.wasm]
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wrt.h"

#ifndef WRT_EXAMPLE_WASM
#define WRT_EXAMPLE_WASM "examples/wasm/wasi/notes.wasm"
#endif

static int fail(const char *what, wrt_error_t *err) {
    fprintf(stderr, "%s: %s (code %u)\n", what, wrt_error_message(err),
            (unsigned)wrt_error_code(err));
    wrt_error_delete(err);
    return 1;
}

/* Reads a whole file; the caller frees *data. */
static int read_file(const char *path, uint8_t **data, size_t *len) {
    FILE *f = fopen(path, "rb");
    long size;
    if (f == NULL) return -1;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    *data = malloc(size > 0 ? (size_t)size : 1);
    *len = *data ? fread(*data, 1, (size_t)size, f) : 0;
    fclose(f);
    return (*data != NULL && *len == (size_t)size) ? 0 : -1;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : WRT_EXAMPLE_WASM;
    char dir[] = "/tmp/wrt-wasi-example-XXXXXX";
    char note_path[sizeof dir + 16];
    wrt_engine_t *engine = NULL;
    wrt_module_t *module = NULL;
    wrt_linker_t *linker = NULL;
    wrt_store_t *store = NULL;
    wrt_wasi_config_t *wasi = NULL;
    wrt_instance_t instance;
    wrt_func_t start;
    wrt_error_t *err;
    uint8_t *wasm = NULL;
    size_t wasm_len = 0;
    int32_t exit_status = 0;
    int status = 1;

    if (read_file(path, &wasm, &wasm_len) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        free(wasm);
        return 1;
    }
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        free(wasm);
        return 1;
    }
    snprintf(note_path, sizeof note_path, "%s/notes.txt", dir);

    if ((err = wrt_engine_new(NULL, &engine))) return fail("engine", err);
    err = wrt_module_new(engine, wasm, wasm_len, &module);
    free(wasm);
    if (err) return fail("module", err);

    /* What the guest may use. Everything else does not exist for it. */
    if ((err = wrt_wasi_config_new(&wasi))) return fail("wasi config", err);
    if ((err = wrt_wasi_config_arg(wasi, "notes.wasm")) ||   /* argv[0] */
        (err = wrt_wasi_config_arg(wasi, "buy milk")) ||     /* argv[1] */
        (err = wrt_wasi_config_env_set(wasi, "GREETING", "hello from the host")) ||
        (err = wrt_wasi_config_env_inherit(wasi, "USER")) || /* the host's value, if any */
        (err = wrt_wasi_config_preopen_dir(wasi, dir, "/data", false)) ||
        (err = wrt_wasi_config_inherit_stdio(wasi)) ||
        (err = wrt_wasi_config_exit_allowed(wasi, true))) {
        return fail("wasi config", err);
    }

    /* The store gets its own WASI state from the configuration, which we may then delete. */
    if ((err = wrt_store_new(engine, NULL, NULL, &store))) return fail("store", err);
    err = wrt_context_set_wasi(wrt_store_context(store), wasi);
    wrt_wasi_config_delete(wasi);
    if (err) return fail("set wasi", err);

    if ((err = wrt_linker_new(engine, &linker))) return fail("linker", err);
    if ((err = wrt_linker_define_wasi(linker))) return fail("define wasi", err);

    err = wrt_linker_instantiate(linker, wrt_store_context(store), module, &instance);
    if (err == NULL) {
        err = wrt_instance_export_func(wrt_store_context(store), instance, "_start", &start);
    }
    if (err == NULL) {
        fflush(stdout); /* the guest writes to the same stdout, unbuffered */
        err = wrt_func_call(wrt_store_context(store), start, NULL, 0, NULL, 0);
    }
    /* A command returns from _start (status 0) or calls proc_exit(n). */
    if (err != NULL && wrt_error_exit_status(err, &exit_status)) {
        wrt_error_delete(err);
        err = NULL;
    }
    if (err != NULL) {
        fail("run", err);
    } else {
        uint8_t *note = NULL;
        size_t note_len = 0;
        printf("guest exit status: %d\n", (int)exit_status);
        if (read_file(note_path, &note, &note_len) == 0) {
            printf("host sees %s: %.*s", note_path, (int)note_len, (const char *)note);
            status = (exit_status == 0 && note_len == 9 && memcmp(note, "buy milk\n", 9) == 0)
                         ? 0
                         : 1;
        } else {
            fprintf(stderr, "the guest left no %s\n", note_path);
        }
        free(note);
    }

    wrt_store_delete(store);
    wrt_linker_delete(linker);
    wrt_module_delete(module);
    wrt_engine_delete(engine);
    remove(note_path);
    rmdir(dir);
    return status;
}
