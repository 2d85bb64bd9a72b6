/* WASI preview 1: configurations, attaching them to stores, the 46 imports in a linker,
 * arguments, environment, standard streams, exit codes and the filesystem sandbox. The guest
 * programs are tests/wasi/c/hello.wasm (built from hello.c next to it) and modules in text form. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, setenv, symlink */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrt_test.h"

#ifndef WRT_TEST_WASI_DIR
#error "WRT_TEST_WASI_DIR (the tests/wasi directory) must be defined"
#endif

static wrt_engine_t *engine;
static wrt_module_t *hello; /* tests/wasi/c/hello.wasm */

/* The 46 functions of wasi_snapshot_preview1 as imports (joined into a module by all_46). */
#define WASI(name, sig) "  (import \"wasi_snapshot_preview1\" \"" name "\" (func " sig "))\n"
static const char *const WASI_IMPORTS[] = {
    WASI("args_get", "(param i32 i32) (result i32)"),
    WASI("args_sizes_get", "(param i32 i32) (result i32)"),
    WASI("environ_get", "(param i32 i32) (result i32)"),
    WASI("environ_sizes_get", "(param i32 i32) (result i32)"),
    WASI("clock_res_get", "(param i32 i32) (result i32)"),
    WASI("clock_time_get", "(param i32 i64 i32) (result i32)"),
    WASI("fd_advise", "(param i32 i64 i64 i32) (result i32)"),
    WASI("fd_allocate", "(param i32 i64 i64) (result i32)"),
    WASI("fd_close", "(param i32) (result i32)"),
    WASI("fd_datasync", "(param i32) (result i32)"),
    WASI("fd_fdstat_get", "(param i32 i32) (result i32)"),
    WASI("fd_fdstat_set_flags", "(param i32 i32) (result i32)"),
    WASI("fd_fdstat_set_rights", "(param i32 i64 i64) (result i32)"),
    WASI("fd_filestat_get", "(param i32 i32) (result i32)"),
    WASI("fd_filestat_set_size", "(param i32 i64) (result i32)"),
    WASI("fd_filestat_set_times", "(param i32 i64 i64 i32) (result i32)"),
    WASI("fd_pread", "(param i32 i32 i32 i64 i32) (result i32)"),
    WASI("fd_prestat_get", "(param i32 i32) (result i32)"),
    WASI("fd_prestat_dir_name", "(param i32 i32 i32) (result i32)"),
    WASI("fd_pwrite", "(param i32 i32 i32 i64 i32) (result i32)"),
    WASI("fd_read", "(param i32 i32 i32 i32) (result i32)"),
    WASI("fd_readdir", "(param i32 i32 i32 i64 i32) (result i32)"),
    WASI("fd_renumber", "(param i32 i32) (result i32)"),
    WASI("fd_seek", "(param i32 i64 i32 i32) (result i32)"),
    WASI("fd_sync", "(param i32) (result i32)"),
    WASI("fd_tell", "(param i32 i32) (result i32)"),
    WASI("fd_write", "(param i32 i32 i32 i32) (result i32)"),
    WASI("path_create_directory", "(param i32 i32 i32) (result i32)"),
    WASI("path_filestat_get", "(param i32 i32 i32 i32 i32) (result i32)"),
    WASI("path_filestat_set_times", "(param i32 i32 i32 i32 i64 i64 i32) (result i32)"),
    WASI("path_link", "(param i32 i32 i32 i32 i32 i32 i32) (result i32)"),
    WASI("path_open", "(param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)"),
    WASI("path_readlink", "(param i32 i32 i32 i32 i32 i32) (result i32)"),
    WASI("path_remove_directory", "(param i32 i32 i32) (result i32)"),
    WASI("path_rename", "(param i32 i32 i32 i32 i32 i32) (result i32)"),
    WASI("path_symlink", "(param i32 i32 i32 i32 i32) (result i32)"),
    WASI("path_unlink_file", "(param i32 i32 i32) (result i32)"),
    WASI("poll_oneoff", "(param i32 i32 i32 i32) (result i32)"),
    WASI("proc_exit", "(param i32)"),
    WASI("proc_raise", "(param i32) (result i32)"),
    WASI("sched_yield", "(result i32)"),
    WASI("random_get", "(param i32 i32) (result i32)"),
    WASI("sock_accept", "(param i32 i32 i32) (result i32)"),
    WASI("sock_recv", "(param i32 i32 i32 i32 i32 i32) (result i32)"),
    WASI("sock_send", "(param i32 i32 i32 i32 i32) (result i32)"),
    WASI("sock_shutdown", "(param i32 i32) (result i32)")};
#undef WASI

/* A module that imports every function of wasi_snapshot_preview1 and exports none. */
static wrt_module_t *all_46(void) {
    char wat[8192] = "(module\n";
    size_t i;
    CHECK(sizeof WASI_IMPORTS / sizeof WASI_IMPORTS[0] == 46);
    for (i = 0; i < sizeof WASI_IMPORTS / sizeof WASI_IMPORTS[0]; i++) {
        strcat(wat, WASI_IMPORTS[i]);
    }
    strcat(wat, ")\n");
    return wrt_test_module(engine, wat);
}

/* path_open through a preopen, then fd_read: the sandbox checks. `open(fd, dirflags, oflags,
 * rights, len)` opens the path written at 1024 (len bytes) and returns the errno; the new
 * descriptor is at address 0. `read()` reads up to 64 bytes of it into 256 and returns the errno;
 * the count is at address 8. */
static const char *SANDBOX_WAT =
    "(module\n"
    "  (import \"wasi_snapshot_preview1\" \"path_open\"\n"
    "    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_read\"\n"
    "    (func $fd_read (param i32 i32 i32 i32) (result i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (func (export \"open\") (param $fd i32) (param $dirflags i32) (param $oflags i32)\n"
    "        (param $rights i64) (param $len i32) (result i32)\n"
    "    (call $path_open (local.get $fd) (local.get $dirflags) (i32.const 1024) (local.get $len)\n"
    "      (local.get $oflags) (local.get $rights) (i64.const 0) (i32.const 0) (i32.const 0)))\n"
    "  (func (export \"read\") (result i32)\n"
    "    (i32.store (i32.const 16) (i32.const 256))\n"
    "    (i32.store (i32.const 20) (i32.const 64))\n"
    "    (call $fd_read (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 8))))\n";

/* A module that imports WASI and a host function that the tests use to call into wrt from
 * inside a host call. */
static const char *CALLBACK_WAT =
    "(module\n"
    "  (import \"wasi_snapshot_preview1\" \"sched_yield\" (func (result i32)))\n"
    "  (import \"env\" \"poke\" (func $poke))\n"
    "  (func (export \"run\") (call $poke)))\n";

#define RIGHTS_READ ((int64_t)1 << 1)   /* fd_read */
#define RIGHTS_WRITE ((int64_t)1 << 6)  /* fd_write */
#define OFLAGS_CREAT 1
#define LOOKUP_SYMLINK_FOLLOW 1
#define ERRNO_NOENT 44

static wrt_module_t *load_wasm(const char *path) {
    FILE *f = fopen(path, "rb");
    uint8_t *data;
    long size;
    wrt_module_t *module = NULL;
    wrt_error_t *err;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) <= 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    data = malloc((size_t)size);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    err = wrt_module_new(engine, data, (size_t)size, &module);
    free(data);
    if (err != NULL) {
        fprintf(stderr, "cannot compile %s: %s\n", path, wrt_error_message(err));
        exit(2);
    }
    return module;
}

/* Takes the captured stdout (or stderr) as a NUL-terminated string in `buf`. */
static int take(wrt_store_t *store, int which_stderr, char *buf, size_t size) {
    wrt_bytes_t bytes = {NULL, 0};
    wrt_error_t *err =
        which_stderr ? wrt_context_wasi_take_stderr(wrt_store_context(store), &bytes)
                     : wrt_context_wasi_take_stdout(wrt_store_context(store), &bytes);
    if (err != NULL) {
        fprintf(stderr, "take: %s\n", wrt_error_message(err));
        wrt_error_delete(err);
        return -1;
    }
    if (bytes.len >= size) {
        wrt_bytes_delete(&bytes);
        return -1;
    }
    if (bytes.len > 0) memcpy(buf, bytes.data, bytes.len);
    buf[bytes.len] = '\0';
    wrt_bytes_delete(&bytes);
    return 0;
}

/* Instantiates `module` in `store` with a linker that defines WASI, and calls its export `func`
 * (no parameters, no results). Returns the first error. */
static wrt_error_t *run_in(wrt_store_t *store, wrt_module_t *module, const char *func) {
    wrt_linker_t *linker = NULL;
    wrt_instance_t instance;
    wrt_func_t f;
    wrt_context_t *cx = wrt_store_context(store);
    wrt_error_t *err = wrt_linker_new(engine, &linker);
    if (err == NULL) err = wrt_linker_define_wasi(linker);
    if (err == NULL) err = wrt_linker_instantiate(linker, cx, module, &instance);
    if (err == NULL) err = wrt_instance_export_func(cx, instance, func, &f);
    if (err == NULL) err = wrt_func_call(cx, f, NULL, 0, NULL, 0);
    wrt_linker_delete(linker);
    return err;
}

static wrt_store_t *store_with(const wrt_wasi_config_t *config) {
    wrt_store_t *store = NULL;
    wrt_error_t *err = wrt_store_new(engine, NULL, NULL, &store);
    if (err == NULL) err = wrt_context_set_wasi(wrt_store_context(store), config);
    if (err != NULL) {
        fprintf(stderr, "store_with: %s\n", wrt_error_message(err));
        wrt_error_delete(err);
        exit(2);
    }
    return store;
}

static wrt_error_t *host_nothing(void *env, wrt_caller_t *caller, const wrt_val_t *args,
                                 size_t nargs, wrt_val_t *results, size_t nresults) {
    (void)env, (void)caller, (void)args, (void)nargs, (void)results, (void)nresults;
    return NULL;
}

static void test_config_errors(void) {
    static const char not_utf8[] = {'A', (char)0xff, 0};
    const char *args[] = {"a", NULL};
    const char *bad_args[] = {"a", not_utf8};
    const uint8_t bytes[] = {1, 2, 3};
    wrt_wasi_config_t *config = NULL;
    wrt_wasi_config_t *untouched = (wrt_wasi_config_t *)&config;
    char file[] = "/tmp/wrt-wasi-file-XXXXXX";
    char dir[] = "/tmp/wrt-wasi-dir-XXXXXX";
    int fd;

    FAILS(wrt_wasi_config_new(NULL), WRT_ERROR_NULL_ARGUMENT);
    OK(wrt_wasi_config_new(&config));
    CHECK(config != NULL);

    /* Every function refuses a NULL configuration. */
    FAILS(wrt_wasi_config_arg(NULL, "a"), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_set_args(NULL, args, 1), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_env_inherit(NULL, "HOME"), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_env_set(NULL, "A", "b"), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_preopen_dir(NULL, "/tmp", "/tmp", false), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_inherit_stdin(NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_stdin_bytes(NULL, bytes, 3), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_inherit_stdout(NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_inherit_stderr(NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_inherit_stdio(NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_capture_stdout(NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_capture_stderr(NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_exit_allowed(NULL, true), WRT_ERROR_NULL_ARGUMENT);
    wrt_wasi_config_delete(NULL);

    /* NULL strings and arrays. */
    FAILS(wrt_wasi_config_arg(config, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_set_args(config, NULL, 2), WRT_ERROR_NULL_ARGUMENT);
    FAILS_WITH(wrt_wasi_config_set_args(config, args, 2), WRT_ERROR_NULL_ARGUMENT, "args[1]");
    OK(wrt_wasi_config_set_args(config, NULL, 0));
    FAILS(wrt_wasi_config_env_inherit(config, NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_env_set(config, NULL, "b"), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_env_set(config, "A", NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_preopen_dir(config, NULL, "/x", false), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_wasi_config_stdin_bytes(config, NULL, 3), WRT_ERROR_NULL_ARGUMENT);
    OK(wrt_wasi_config_stdin_bytes(config, NULL, 0));

    /* Strings that are not UTF-8. */
    FAILS(wrt_wasi_config_arg(config, not_utf8), WRT_ERROR_INVALID_ARGUMENT);
    FAILS_WITH(wrt_wasi_config_set_args(config, bad_args, 2), WRT_ERROR_INVALID_ARGUMENT,
               "args[1]");
    FAILS(wrt_wasi_config_env_inherit(config, not_utf8), WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_wasi_config_env_set(config, not_utf8, "b"), WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_wasi_config_env_set(config, "A", not_utf8), WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_wasi_config_preopen_dir(config, not_utf8, "/x", false),
          WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_wasi_config_preopen_dir(config, "/tmp", not_utf8, false),
          WRT_ERROR_INVALID_ARGUMENT);

    /* Bad variable names. */
    FAILS(wrt_wasi_config_env_inherit(config, ""), WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_wasi_config_env_inherit(config, "A=B"), WRT_ERROR_INVALID_ARGUMENT);
    FAILS(wrt_wasi_config_env_set(config, "", "b"), WRT_ERROR_INVALID_ARGUMENT);
    FAILS_WITH(wrt_wasi_config_env_set(config, "A=B", "c"), WRT_ERROR_INVALID_ARGUMENT, "A=B");
    OK(wrt_wasi_config_env_set(config, "EMPTY", "")); /* an empty value is fine */

    /* Bad directories: missing, a file, an empty guest name. */
    FAILS_WITH(wrt_wasi_config_preopen_dir(config, "/nonexistent/wrt-test", "/x", false),
               WRT_ERROR_INVALID_ARGUMENT, "/nonexistent/wrt-test");
    FAILS(wrt_wasi_config_preopen_dir(config, "", "/x", false), WRT_ERROR_INVALID_ARGUMENT);
    fd = mkstemp(file);
    CHECK(fd >= 0);
    if (fd >= 0) close(fd);
    FAILS_WITH(wrt_wasi_config_preopen_dir(config, file, "/x", false),
               WRT_ERROR_INVALID_ARGUMENT, "not a directory");
    remove(file);
    CHECK(mkdtemp(dir) != NULL);
    FAILS(wrt_wasi_config_preopen_dir(config, dir, "", false), WRT_ERROR_INVALID_ARGUMENT);
    OK(wrt_wasi_config_preopen_dir(config, dir, NULL, true)); /* same name for the guest */

    /* A directory that is gone by the time the configuration is applied. */
    {
        wrt_store_t *store = NULL;
        OK(wrt_store_new(engine, NULL, NULL, &store));
        rmdir(dir);
        FAILS_WITH(wrt_context_set_wasi(wrt_store_context(store), config),
                   WRT_ERROR_INVALID_ARGUMENT, dir);
        wrt_store_delete(store);
    }
    wrt_wasi_config_delete(config);

    /* Out-parameters are written only on success. */
    config = untouched;
    FAILS(wrt_wasi_config_new(NULL), WRT_ERROR_NULL_ARGUMENT);
    CHECK(config == untouched);
}

static void test_store_and_linker_errors(void) {
    wrt_wasi_config_t *config = NULL;
    wrt_store_t *store = NULL;
    wrt_linker_t *linker = NULL;
    wrt_module_t *all = all_46();
    wrt_instance_t instance;
    wrt_bytes_t bytes = {NULL, 0};
    const wrt_valkind_t i32x4[] = {WRT_VAL_I32, WRT_VAL_I32, WRT_VAL_I32, WRT_VAL_I32};

    OK(wrt_wasi_config_new(&config));
    OK(wrt_store_new(engine, NULL, NULL, &store));
    FAILS(wrt_context_set_wasi(NULL, config), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_set_wasi(wrt_store_context(store), NULL), WRT_ERROR_NULL_ARGUMENT);

    FAILS(wrt_linker_define_wasi(NULL), WRT_ERROR_NULL_ARGUMENT);
    OK(wrt_linker_new(engine, &linker));
    OK(wrt_linker_define_wasi(linker));
    /* Twice: every name is taken. */
    FAILS(wrt_linker_define_wasi(linker), WRT_ERROR_LINK);

    /* Without a WASI configuration in the store, a WASI module is refused. */
    FAILS_WITH(wrt_linker_instantiate(linker, wrt_store_context(store), all, &instance),
               WRT_ERROR_LINK, "wrt_context_set_wasi");
    /* ... while a module without WASI imports is fine. */
    {
        wrt_module_t *plain = wrt_test_module(engine, "(module (func (export \"f\")))");
        OK(wrt_linker_instantiate(linker, wrt_store_context(store), plain, &instance));
        wrt_module_delete(plain);
    }

    /* Take: NULL arguments, and streams that are not captured. */
    FAILS(wrt_context_wasi_take_stdout(NULL, &bytes), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_wasi_take_stderr(NULL, &bytes), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_wasi_take_stdout(wrt_store_context(store), NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS(wrt_context_wasi_take_stderr(wrt_store_context(store), NULL), WRT_ERROR_NULL_ARGUMENT);
    FAILS_WITH(wrt_context_wasi_take_stdout(wrt_store_context(store), &bytes),
               WRT_ERROR_INVALID_ARGUMENT, "capture_stdout");
    FAILS_WITH(wrt_context_wasi_take_stderr(wrt_store_context(store), &bytes),
               WRT_ERROR_INVALID_ARGUMENT, "capture_stderr");

    /* With an (empty) configuration: all 46 imports resolve. */
    OK(wrt_context_set_wasi(wrt_store_context(store), config));
    OK(wrt_linker_instantiate(linker, wrt_store_context(store), all, &instance));
    FAILS(wrt_context_wasi_take_stdout(wrt_store_context(store), &bytes),
          WRT_ERROR_INVALID_ARGUMENT); /* still not captured */
    CHECK(bytes.data == NULL && bytes.len == 0);
    wrt_linker_delete(linker);

    /* Defining is all or nothing: a name taken by the embedder leaves the linker as it was. */
    linker = NULL;
    OK(wrt_linker_new(engine, &linker));
    OK(wrt_linker_define_func(linker, "wasi_snapshot_preview1", "fd_write", i32x4, 4, i32x4, 1,
                              host_nothing, NULL, NULL));
    FAILS_WITH(wrt_linker_define_wasi(linker), WRT_ERROR_LINK, "fd_write");
    FAILS_WITH(wrt_linker_instantiate(linker, wrt_store_context(store), all, &instance),
               WRT_ERROR_LINK, "args_get"); /* the first import: not defined */
    /* With shadowing allowed WASI replaces the embedder's fd_write. */
    OK(wrt_linker_allow_shadowing(linker, true));
    OK(wrt_linker_define_wasi(linker));
    OK(wrt_linker_instantiate(linker, wrt_store_context(store), all, &instance));
    wrt_linker_delete(linker);

    wrt_store_delete(store);
    wrt_wasi_config_delete(config);
    wrt_module_delete(all);
}

/* Runs hello.wasm with `config` in a new store; returns the call's error and the captured
 * output in out/err_out (both must be captured). */
static wrt_error_t *run_hello(const wrt_wasi_config_t *config, char *out, char *err_out,
                              size_t size) {
    wrt_store_t *store = store_with(config);
    wrt_error_t *err = run_in(store, hello, "_start");
    CHECK(take(store, 0, out, size) == 0);
    CHECK(take(store, 1, err_out, size) == 0);
    wrt_store_delete(store);
    return err;
}

static void test_args_env_and_capture(void) {
    const char *args[] = {"hello.wasm", "two words", "ünïcode"};
    wrt_wasi_config_t *config = NULL;
    char out[2048], err_out[256];
    wrt_error_t *err;

    setenv("HOME", "/home/wrt-test", 1);
    setenv("SECRET", "do not tell", 1); /* on the host, but not granted */
    unsetenv("WRT_TEST_MISSING");

    OK(wrt_wasi_config_new(&config));
    OK(wrt_wasi_config_arg(config, "replaced"));
    OK(wrt_wasi_config_set_args(config, args, 2));
    OK(wrt_wasi_config_env_set(config, "GREETING", "first"));
    OK(wrt_wasi_config_env_set(config, "GREETING", "hi")); /* the later setting wins */
    OK(wrt_wasi_config_env_inherit(config, "HOME"));
    OK(wrt_wasi_config_env_inherit(config, "WRT_TEST_MISSING")); /* left out */
    OK(wrt_wasi_config_capture_stdout(config));
    OK(wrt_wasi_config_capture_stderr(config));
    err = run_hello(config, out, err_out, sizeof out);
    CHECK(err == NULL); /* main returned 0: _start returns without proc_exit */
    wrt_error_delete(err);
    CHECK(strcmp(out, "Hello from WASI!\nargc=2\narg 0: hello.wasm\narg 1: two words\n"
                      "environ count=2\nenv HOME=/home/wrt-test\nenv GREETING=hi\n"
                      "env SECRET=(unset)\n") == 0);
    CHECK(strcmp(err_out, "this line goes to stderr\n") == 0);

    /* Appending after set_args, with UTF-8 beyond ASCII. */
    OK(wrt_wasi_config_arg(config, args[2]));
    err = run_hello(config, out, err_out, sizeof out);
    CHECK(err == NULL);
    wrt_error_delete(err);
    CHECK(strstr(out, "argc=3\n") != NULL && strstr(out, "arg 2: ünïcode\n") != NULL);

    /* An empty command line: argc == 0. */
    OK(wrt_wasi_config_set_args(config, NULL, 0));
    err = run_hello(config, out, err_out, sizeof out);
    CHECK(err == NULL);
    wrt_error_delete(err);
    CHECK(strstr(out, "argc=0\n") != NULL);
    wrt_wasi_config_delete(config);

    /* The inherited value is read when the configuration is applied. */
    config = NULL;
    OK(wrt_wasi_config_new(&config));
    OK(wrt_wasi_config_env_inherit(config, "HOME"));
    OK(wrt_wasi_config_capture_stdout(config));
    OK(wrt_wasi_config_capture_stderr(config));
    setenv("HOME", "/home/changed", 1);
    err = run_hello(config, out, err_out, sizeof out);
    CHECK(err == NULL);
    wrt_error_delete(err);
    CHECK(strstr(out, "environ count=1\nenv HOME=/home/changed\n") != NULL);
    wrt_wasi_config_delete(config);
}

static void test_stdin_and_streams(void) {
    const char input[] = "shout, please\n";
    wrt_wasi_config_t *config = NULL;
    wrt_store_t *first, *second;
    char out[2048], err_out[256];
    wrt_error_t *err;

    OK(wrt_wasi_config_new(&config));
    OK(wrt_wasi_config_arg(config, "hello"));
    OK(wrt_wasi_config_arg(config, "cat"));
    OK(wrt_wasi_config_stdin_bytes(config, (const uint8_t *)input, strlen(input)));
    OK(wrt_wasi_config_capture_stdout(config));
    OK(wrt_wasi_config_capture_stderr(config));
    err = run_hello(config, out, err_out, sizeof out);
    CHECK(err == NULL);
    wrt_error_delete(err);
    CHECK(strlen(out) > strlen("SHOUT, PLEASE\n") &&
          strcmp(out + strlen(out) - strlen("SHOUT, PLEASE\n"), "SHOUT, PLEASE\n") == 0);

    /* Empty standard input: cat copies nothing. */
    OK(wrt_wasi_config_stdin_bytes(config, NULL, 0));
    err = run_hello(config, out, err_out, sizeof out);
    CHECK(err == NULL);
    wrt_error_delete(err);
    CHECK(strstr(out, "env SECRET=(unset)\n") != NULL &&
          strcmp(out + strlen(out) - strlen("(unset)\n"), "(unset)\n") == 0);

    /* One configuration, two stores: each has its own buffers, and taking empties them. */
    first = store_with(config);
    second = store_with(config);
    err = run_in(first, hello, "_start");
    CHECK(err == NULL);
    wrt_error_delete(err);
    CHECK(take(second, 0, out, sizeof out) == 0 && out[0] == '\0');
    CHECK(take(first, 0, out, sizeof out) == 0 && strstr(out, "Hello from WASI!") != NULL);
    CHECK(take(first, 0, out, sizeof out) == 0 && out[0] == '\0');
    {
        wrt_bytes_t bytes = {NULL, 0};
        OK(wrt_context_wasi_take_stderr(wrt_store_context(first), &bytes));
        CHECK(bytes.len == strlen("this line goes to stderr\n"));
        wrt_bytes_delete(&bytes);
        OK(wrt_context_wasi_take_stderr(wrt_store_context(first), &bytes));
        CHECK(bytes.data == NULL && bytes.len == 0); /* nothing left */
    }

    /* Replacing the state drops what was not taken and starts new buffers. */
    err = run_in(first, hello, "_start");
    wrt_error_delete(err);
    OK(wrt_context_set_wasi(wrt_store_context(first), config));
    CHECK(take(first, 0, out, sizeof out) == 0 && out[0] == '\0');
    wrt_store_delete(first);
    wrt_store_delete(second);

    /* Inheriting the process's streams is accepted (not run here: it would print). */
    OK(wrt_wasi_config_inherit_stdin(config));
    OK(wrt_wasi_config_inherit_stdout(config));
    OK(wrt_wasi_config_inherit_stderr(config));
    OK(wrt_wasi_config_inherit_stdio(config));
    first = store_with(config);
    FAILS(wrt_context_wasi_take_stdout(wrt_store_context(first), &(wrt_bytes_t){NULL, 0}),
          WRT_ERROR_INVALID_ARGUMENT);
    wrt_store_delete(first);
    wrt_wasi_config_delete(config);
}

static void test_exit(void) {
    const char *exit42[] = {"hello", "exit", "42"};
    const char *exit0[] = {"hello", "exit", "0"};
    wrt_wasi_config_t *config = NULL;
    char out[2048], err_out[256];
    wrt_error_t *err;
    int32_t status = -1;

    OK(wrt_wasi_config_new(&config));
    OK(wrt_wasi_config_capture_stdout(config));
    OK(wrt_wasi_config_capture_stderr(config));
    OK(wrt_wasi_config_set_args(config, exit42, 3));
    OK(wrt_wasi_config_exit_allowed(config, true));
    err = run_hello(config, out, err_out, sizeof out);
    CHECK(wrt_error_code(err) == WRT_ERROR_EXIT);
    CHECK(wrt_error_exit_status(err, &status) && status == 42);
    CHECK(wrt_error_trap_code(err) == WRT_TRAP_NONE);
    wrt_error_delete(err);
    CHECK(strstr(out, "argc=3\n") != NULL); /* output before the exit is all there */

    /* exit(0) through proc_exit is an exit too, with status 0. */
    OK(wrt_wasi_config_set_args(config, exit0, 3));
    err = run_hello(config, out, err_out, sizeof out);
    status = -1;
    CHECK(wrt_error_code(err) == WRT_ERROR_EXIT && wrt_error_exit_status(err, &status) &&
          status == 0);
    wrt_error_delete(err);

    /* Not allowed: proc_exit stops the guest like a trap, as a host error. */
    OK(wrt_wasi_config_set_args(config, exit42, 3));
    OK(wrt_wasi_config_exit_allowed(config, false));
    err = run_hello(config, out, err_out, sizeof out);
    CHECK(wrt_error_code(err) == WRT_ERROR_HOST);
    CHECK(!wrt_error_exit_status(err, &status));
    CHECK(strstr(wrt_error_message(err), "proc_exit(42)") != NULL &&
          strstr(wrt_error_message(err), "not allowed") != NULL);
    wrt_error_delete(err);
    CHECK(strstr(out, "argc=3\n") != NULL);
    wrt_wasi_config_delete(config);
}

/* A host function that tries WASI calls on its caller's context. */
typedef struct {
    const wrt_wasi_config_t *config;
    wrt_error_code_t set_code;
    wrt_error_code_t take_code;
} poke_state;

static wrt_error_t *host_poke(void *env, wrt_caller_t *caller, const wrt_val_t *args,
                              size_t nargs, wrt_val_t *results, size_t nresults) {
    poke_state *state = env;
    wrt_bytes_t bytes = {NULL, 0};
    wrt_error_t *err = wrt_context_set_wasi(wrt_caller_context(caller), state->config);
    (void)args, (void)nargs, (void)results, (void)nresults;
    state->set_code = err ? wrt_error_code(err) : 0;
    wrt_error_delete(err);
    err = wrt_context_wasi_take_stdout(wrt_caller_context(caller), &bytes);
    state->take_code = err ? wrt_error_code(err) : 0;
    wrt_error_delete(err);
    wrt_bytes_delete(&bytes);
    return NULL;
}

static void test_caller_context(void) {
    wrt_wasi_config_t *config = NULL;
    wrt_store_t *store;
    wrt_linker_t *linker = NULL;
    wrt_module_t *module = wrt_test_module(engine, CALLBACK_WAT);
    wrt_instance_t instance;
    wrt_func_t run;
    poke_state state = {NULL, 99, 99};

    OK(wrt_wasi_config_new(&config));
    OK(wrt_wasi_config_capture_stdout(config));
    state.config = config;
    store = store_with(config);
    OK(wrt_linker_new(engine, &linker));
    OK(wrt_linker_define_wasi(linker));
    OK(wrt_linker_define_func(linker, "env", "poke", NULL, 0, NULL, 0, host_poke, &state, NULL));
    OK(wrt_linker_instantiate(linker, wrt_store_context(store), module, &instance));
    OK(wrt_instance_export_func(wrt_store_context(store), instance, "run", &run));
    OK(wrt_func_call(wrt_store_context(store), run, NULL, 0, NULL, 0));
    CHECK(state.set_code == WRT_ERROR_UNSUPPORTED); /* configure from the store's context */
    CHECK(state.take_code == 0);                    /* reading output works in a host call */

    wrt_linker_delete(linker);
    wrt_store_delete(store);
    wrt_module_delete(module);
    wrt_wasi_config_delete(config);
}

/* ---- the filesystem sandbox ---- */

static char root[64];

static void path_in(char *buf, size_t size, const char *rel) {
    snprintf(buf, size, "%s/%s", root, rel);
}

static void write_host_file(const char *rel, const char *text) {
    char path[256];
    FILE *f;
    path_in(path, sizeof path, rel);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

static int host_exists(const char *rel) {
    char path[256];
    struct stat st;
    path_in(path, sizeof path, rel);
    return lstat(path, &st) == 0;
}

typedef struct {
    wrt_store_t *store;
    wrt_memory_t memory;
    wrt_func_t open, read;
} sandbox_t;

/* path_open(fd, path) in the guest; returns the WASI errno. */
static int32_t guest_open(sandbox_t *sb, int32_t fd, int32_t dirflags, int32_t oflags,
                          int64_t rights, const char *path) {
    wrt_context_t *cx = wrt_store_context(sb->store);
    wrt_val_t args[5];
    wrt_val_t result = wrt_i32(-1);
    args[0] = wrt_i32(fd);
    args[1] = wrt_i32(dirflags);
    args[2] = wrt_i32(oflags);
    args[3] = wrt_i64(rights);
    args[4] = wrt_i32((int32_t)strlen(path));
    OK(wrt_memory_write(cx, sb->memory, 1024, (const uint8_t *)path, strlen(path)));
    OK(wrt_func_call(cx, sb->open, args, 5, &result, 1));
    return result.of.i32;
}

static int escapes;

/* The guest must not reach `path` (relative to descriptor `fd`). */
static void refused(sandbox_t *sb, int32_t fd, int32_t dirflags, int32_t oflags, int64_t rights,
                    const char *path) {
    int32_t e = guest_open(sb, fd, dirflags, oflags, rights, path);
    if (e == 0) {
        escapes++;
        fprintf(stderr, "ESCAPE: the guest opened %s (fd %d, oflags %d)\n", path, (int)fd,
                (int)oflags);
    }
    CHECK(e != 0);
}

static void test_sandbox(void) {
    char tmpl[] = "/tmp/wrt-wasi-sandbox-XXXXXX";
    char path[256], target[256], abs_secret[256];
    wrt_wasi_config_t *config = NULL;
    wrt_linker_t *linker = NULL;
    wrt_module_t *module = wrt_test_module(engine, SANDBOX_WAT);
    wrt_instance_t instance;
    wrt_val_t result = wrt_i32(-1);
    sandbox_t sb;
    uint8_t buf[64];
    uint32_t count = 0;

    CHECK(mkdtemp(tmpl) != NULL);
    snprintf(root, sizeof root, "%s", tmpl);
    path_in(path, sizeof path, "sandbox");
    CHECK(mkdir(path, 0700) == 0);
    path_in(path, sizeof path, "ro");
    CHECK(mkdir(path, 0700) == 0);
    path_in(path, sizeof path, "outside");
    CHECK(mkdir(path, 0700) == 0);
    write_host_file("outside/secret.txt", "TOPSECRET");
    write_host_file("sandbox/inside.txt", "inside");
    write_host_file("ro/readme.txt", "read me");
    path_in(path, sizeof path, "sandbox/link_out");
    CHECK(symlink("../outside", path) == 0);
    path_in(path, sizeof path, "sandbox/abs_link");
    path_in(target, sizeof target, "outside");
    CHECK(symlink(target, path) == 0);
    path_in(abs_secret, sizeof abs_secret, "outside/secret.txt");

    OK(wrt_wasi_config_new(&config));
    path_in(path, sizeof path, "sandbox");
    OK(wrt_wasi_config_preopen_dir(config, path, "/sandbox", false)); /* fd 3 */
    path_in(path, sizeof path, "ro");
    OK(wrt_wasi_config_preopen_dir(config, path, "/ro", true)); /* fd 4 */
    sb.store = store_with(config);
    wrt_wasi_config_delete(config); /* the store has what it needs */

    OK(wrt_linker_new(engine, &linker));
    OK(wrt_linker_define_wasi(linker));
    OK(wrt_linker_instantiate(linker, wrt_store_context(sb.store), module, &instance));
    OK(wrt_instance_export_memory(wrt_store_context(sb.store), instance, "memory", &sb.memory));
    OK(wrt_instance_export_func(wrt_store_context(sb.store), instance, "open", &sb.open));
    OK(wrt_instance_export_func(wrt_store_context(sb.store), instance, "read", &sb.read));

    /* Inside: allowed, and the bytes are the host file's. */
    CHECK(guest_open(&sb, 3, 0, 0, RIGHTS_READ, "inside.txt") == 0);
    OK(wrt_func_call(wrt_store_context(sb.store), sb.read, NULL, 0, &result, 1));
    CHECK(result.of.i32 == 0);
    OK(wrt_memory_read(wrt_store_context(sb.store), sb.memory, 8, (uint8_t *)&count, 4));
    OK(wrt_memory_read(wrt_store_context(sb.store), sb.memory, 256, buf, sizeof buf));
    CHECK(count == 6 && memcmp(buf, "inside", 6) == 0);
    CHECK(guest_open(&sb, 3, 0, 0, RIGHTS_READ, "missing.txt") == ERRNO_NOENT);
    CHECK(guest_open(&sb, 4, 0, 0, RIGHTS_READ, "readme.txt") == 0);

    /* Escapes: .., absolute paths, symbolic links out (relative and absolute). */
    escapes = 0;
    refused(&sb, 3, 0, 0, RIGHTS_READ, "../outside/secret.txt");
    refused(&sb, 3, 0, 0, RIGHTS_READ, "a/../../outside/secret.txt");
    refused(&sb, 3, 0, 0, RIGHTS_READ, abs_secret);
    refused(&sb, 3, 0, 0, RIGHTS_READ, "/etc/passwd");
    refused(&sb, 3, LOOKUP_SYMLINK_FOLLOW, 0, RIGHTS_READ, "link_out/secret.txt");
    refused(&sb, 3, 0, 0, RIGHTS_READ, "link_out/secret.txt");
    refused(&sb, 3, LOOKUP_SYMLINK_FOLLOW, 0, RIGHTS_READ, "abs_link/secret.txt");
    refused(&sb, 3, LOOKUP_SYMLINK_FOLLOW, OFLAGS_CREAT, RIGHTS_WRITE, "../outside/new.txt");
    refused(&sb, 3, LOOKUP_SYMLINK_FOLLOW, OFLAGS_CREAT, RIGHTS_WRITE, "link_out/new.txt");
    refused(&sb, 4, 0, 0, RIGHTS_READ, "../outside/secret.txt");
    /* The read-only preopen: no new files, no writing. */
    refused(&sb, 4, 0, OFLAGS_CREAT, RIGHTS_WRITE, "new.txt");
    refused(&sb, 4, 0, 0, RIGHTS_WRITE, "readme.txt");
    /* Descriptors that are not preopens. */
    refused(&sb, 5, 0, 0, RIGHTS_READ, "inside.txt");
    refused(&sb, 1, 0, 0, RIGHTS_READ, "inside.txt");
    CHECK(escapes == 0);
    CHECK(!host_exists("outside/new.txt"));
    CHECK(!host_exists("ro/new.txt"));

    /* Read-write below the sandbox works: a new file appears on the host. */
    CHECK(guest_open(&sb, 3, 0, OFLAGS_CREAT, RIGHTS_WRITE, "made-by-guest.txt") == 0);
    CHECK(host_exists("sandbox/made-by-guest.txt"));

    wrt_linker_delete(linker);
    wrt_store_delete(sb.store);
    wrt_module_delete(module);

    {
        const char *cleanup[] = {"sandbox/made-by-guest.txt", "sandbox/inside.txt",
                                 "sandbox/link_out",          "sandbox/abs_link",
                                 "ro/readme.txt",             "outside/secret.txt",
                                 "sandbox",                   "ro",
                                 "outside"};
        size_t i;
        for (i = 0; i < sizeof cleanup / sizeof cleanup[0]; i++) {
            path_in(path, sizeof path, cleanup[i]);
            CHECK(remove(path) == 0);
        }
        CHECK(rmdir(root) == 0);
    }
}

int main(void) {
    OK(wrt_engine_new(NULL, &engine));
    hello = load_wasm(WRT_TEST_WASI_DIR "/c/hello.wasm");
    test_config_errors();
    test_store_and_linker_errors();
    test_args_env_and_capture();
    test_stdin_and_streams();
    test_exit();
    test_caller_context();
    test_sandbox();
    wrt_module_delete(hello);
    wrt_engine_delete(engine);
    return wrt_test_report("test_wasi");
}
