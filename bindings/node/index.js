'use strict';
// wrt for Node: an API modelled on JavaScript's WebAssembly API, over wrt's C API (through the
// native addon wrt.node). See index.d.ts for the types and README.md for examples.

let native;
try {
  native = require('./wrt.node');
} catch (e) {
  throw new Error(
    `wrt: the native addon wrt.node could not be loaded (${e.message}); ` +
      'build it with `npm run build` in bindings/node'
  );
}

const NATIVE = Symbol('wrt.native');

// -- errors ----------------------------------------------------------------------------------

/** The stable numeric codes of wrt's C API (WRT_ERROR_*), by name without the prefix. */
const errorCodes = Object.freeze(native.errorCodes());

/** The trap codes of wrt's C API (WRT_TRAP_*), by trap name ('out_of_fuel', ...). */
const trapCodes = Object.freeze(native.trapCodes());

const codeNames = Object.fromEntries(Object.entries(errorCodes).map(([k, v]) => [v, k]));
const trapNames = Object.fromEntries(Object.entries(trapCodes).map(([k, v]) => [v, k]));

/** Base class of every error wrt reports. */
class WrtError extends Error {
  constructor(message, errno = errorCodes.OTHER) {
    super(message);
    this.name = new.target.name;
    /** The numeric code (one of `errorCodes`). */
    this.errno = errno;
    /** The code's name, Node-style: 'WRT_ERROR_TRAP', ... */
    this.code = `WRT_ERROR_${codeNames[errno] || 'OTHER'}`;
  }
}
/** Malformed, invalid, or using a feature this build does not support. */
class CompileError extends WrtError {}
/** An import is missing or has the wrong type. */
class LinkError extends WrtError {}
/** WebAssembly code trapped; `trap` and `trapCode` say why. */
class RuntimeError extends WrtError {
  constructor(message, errno = errorCodes.TRAP, trapCode = trapCodes.other) {
    super(message, errno);
    this.trapCode = trapCode;
    this.trap = trapNames[trapCode] || 'other';
  }
}
/** The store ran out of fuel (a RuntimeError with trap 'out_of_fuel'). */
class OutOfFuel extends RuntimeError {}
/** Instantiation failed for a reason other than a trap. */
class InstantiationError extends WrtError {}
/** A host function failed. (A JavaScript exception thrown by a host function propagates as
 * itself instead.) */
class HostError extends WrtError {}
/** A value of the wrong type or count was passed. */
class WasmTypeError extends WrtError {}
/** A configured limit, such as the memory budget, was exceeded. */
class LimitError extends WrtError {}
/** The WASI guest called proc_exit; `status` is its exit status. */
class ExitError extends WrtError {
  constructor(message, errno = errorCodes.EXIT, status = 0) {
    super(message, errno);
    this.status = status;
  }
}
/** An export or definition of that name does not exist. */
class NotFoundError extends WrtError {}
/** The store is in use. */
class BusyError extends WrtError {}
/** An object was used with a store it does not belong to. */
class HandleError extends WrtError {}
/** An argument was unusable. */
class InvalidArgumentError extends WrtError {}
/** A bug in wrt was caught; the store is unusable. */
class InternalError extends WrtError {}

function makeError(errno, trapCode, exitStatus, message) {
  switch (errno) {
    case errorCodes.TRAP:
      return trapCode === trapCodes.out_of_fuel
        ? new OutOfFuel(message, errno, trapCode)
        : new RuntimeError(message, errno, trapCode);
    case errorCodes.MALFORMED:
    case errorCodes.INVALID_MODULE:
    case errorCodes.UNSUPPORTED:
      return new CompileError(message, errno);
    case errorCodes.LINK:
      return new LinkError(message, errno);
    case errorCodes.INSTANTIATION:
      return new InstantiationError(message, errno);
    case errorCodes.HOST:
      return new HostError(message, errno);
    case errorCodes.TYPE:
      return new WasmTypeError(message, errno);
    case errorCodes.LIMIT:
      return new LimitError(message, errno);
    case errorCodes.EXIT:
      return new ExitError(message, errno, exitStatus == null ? 0 : exitStatus);
    case errorCodes.NOT_FOUND:
      return new NotFoundError(message, errno);
    case errorCodes.BUSY:
      return new BusyError(message, errno);
    case errorCodes.HANDLE:
      return new HandleError(message, errno);
    case errorCodes.NULL_ARGUMENT:
    case errorCodes.INVALID_ARGUMENT:
      return new InvalidArgumentError(message, errno);
    case errorCodes.INTERNAL:
      return new InternalError(message, errno);
    default:
      return new WrtError(message, errno);
  }
}
native.setErrorFactory(makeError);

// -- helpers ---------------------------------------------------------------------------------

function toBytes(source) {
  if (typeof source === 'string') return source;
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  }
  throw new TypeError('expected a BufferSource (Uint8Array, ArrayBuffer, Buffer) or WebAssembly text');
}

// The engine settings ({name, kind, compile, doc}, names in camel case), as wrt's C API lists them.
const configSettings = Object.freeze(native.configSettings());

function engineSettings(options = {}) {
  const int = (v, name) => {
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`${name} must be a non-negative integer`);
    return n;
  };
  // undefined keeps wrt's default.
  const flag = (v, name) => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean`);
    return v;
  };
  const read = { flag: (v) => !!v, bool: flag, int };
  const settings = {};
  for (const { name, kind } of configSettings) settings[name] = read[kind](options[name], name);
  // Running with fuel needs fuel to be consumed.
  if (options.fuel !== undefined && options.fuel !== null) settings.consumeFuel = true;
  return settings;
}

// JavaScript values on their way into wasm: exported functions become their native handles.
function toNative(v) {
  if (typeof v === 'function' && v[NATIVE]) return v[NATIVE];
  return v;
}

// Values from wasm: native function handles become callable functions.
function fromNative(v, store) {
  if (v instanceof native.NativeExtern) return wrapExtern(v, store, 'funcref');
  return v;
}

function wrapFunction(handle, store, name) {
  const fn = function (...args) {
    const results = handle.call(args.map(toNative));
    if (results.length === 0) return undefined;
    if (results.length === 1) return fromNative(results[0], store);
    return results.map((r) => fromNative(r, store));
  };
  Object.defineProperty(fn, 'name', { value: String(name) });
  Object.defineProperty(fn, NATIVE, { value: handle });
  return fn;
}

function wrapExtern(handle, store, name) {
  switch (handle.kind()) {
    case 'func':
      return wrapFunction(handle, store, name);
    case 'memory':
      return new Memory(handle, store);
    case 'global':
      return new Global(handle, store);
    case 'table':
      return new Table(handle, store);
    default:
      throw new TypeError(`unknown export kind ${handle.kind()}`);
  }
}

// -- engines, modules, stores ----------------------------------------------------------------

/** Settings shared by modules and stores: fuel, memory budget, limits, determinism. */
class Engine {
  constructor(options = {}) {
    this.settings = engineSettings(options);
    this[NATIVE] = new native.NativeEngine(this.settings);
  }
}

// What a module's compiled form depends on; the other settings are the store's.
const compileSettings = configSettings.filter((s) => s.compile).map((s) => s.name);
function compileKey(settings) {
  return compileSettings.map((name) => settings[name]).join('|');
}

const engineCache = new Map();
function engineFor(settings) {
  const key = compileKey(settings);
  let engine = engineCache.get(key);
  if (!engine) {
    engine = new native.NativeEngine(
      Object.fromEntries(compileSettings.map((name) => [name, settings[name]]))
    );
    engineCache.set(key, engine);
  }
  return engine;
}

/** A compiled module, like WebAssembly.Module: from binary bytes or WebAssembly text. */
class Module {
  constructor(source, options = {}) {
    this._bytes = toBytes(source);
    if (typeof this._bytes !== 'string') this._bytes = Uint8Array.from(this._bytes);
    this._compiled = new Map();
    // Compile now, so errors surface here as with WebAssembly.Module.
    this._native(engineSettings(options));
  }

  // The module compiled for engines with these fuel/determinism settings.
  _native(settings) {
    const key = compileKey(settings);
    let m = this._compiled.get(key);
    if (!m) {
      m = new native.NativeModule(engineFor(settings), this._bytes);
      this._compiled.set(key, m);
    }
    return m;
  }

  _any() {
    return this._compiled.values().next().value;
  }

  /** The imports: [{module, name, kind, params?, results?}]. */
  static imports(module) {
    return module._any().imports().map((d) => ({ ...d }));
  }

  /** The exports: [{name, kind, params?, results?}]. */
  static exports(module) {
    return module._any().exports().map(({ module: _m, ...d }) => d);
  }
}

/**
 * A store: the runtime state of instances with its fuel, memory budget and WASI state.
 * Options: fuel, memoryBudget, deterministic, maxCallDepth, ..., wasi.
 */
class Store {
  constructor(options = {}) {
    this.settings = engineSettings(options);
    this.engine = new native.NativeEngine(this.settings);
    this[NATIVE] = new native.NativeStore(this.engine);
    if (options.fuel !== undefined && options.fuel !== null) this.setFuel(options.fuel);
    this.wasi = null;
    if (options.wasi) this.setWasi(options.wasi);
  }

  /** Sets the remaining fuel. */
  setFuel(fuel) {
    this[NATIVE].setFuel(Number(fuel));
  }

  /** Adds fuel, for example to go on after OutOfFuel. */
  addFuel(fuel) {
    this[NATIVE].addFuel(Number(fuel));
  }

  /** The remaining fuel. */
  get fuel() {
    return this[NATIVE].getFuel();
  }

  /** The fuel consumed so far (0 without fuel). */
  get fuelConsumed() {
    return this[NATIVE].fuelConsumed();
  }

  /** A snapshot of the store's memory use (exact bytes, per category). */
  memoryProfile() {
    return this[NATIVE].memoryProfile();
  }

  /** Fuel and memory use together. */
  profile() {
    return {
      fuelConsumed: this.settings.consumeFuel ? this.fuelConsumed : null,
      fuelRemaining: this.settings.consumeFuel ? this.fuel : null,
      memory: this.memoryProfile(),
    };
  }

  /** Charges host allocations to the memory budget (throws LimitError if they do not fit). */
  chargeHost(bytes) {
    this[NATIVE].chargeHost(bytes);
  }

  /** Returns bytes charged with chargeHost. */
  releaseHost(bytes) {
    this[NATIVE].releaseHost(bytes);
  }

  /** Sets the WASI configuration (see WasiOptions in index.d.ts). */
  setWasi(options) {
    const o = { ...options };
    if (o.stdin !== undefined && o.stdin !== 'inherit') o.stdin = toBytes(o.stdin);
    this[NATIVE].setWasi(o);
    this.wasi = options;
  }

  /** What WASI guests wrote to stdout (with `stdout: 'capture'`), as a Buffer; empties it. */
  takeStdout() {
    return this[NATIVE].takeStdout();
  }

  /** What WASI guests wrote to stderr (with `stderr: 'capture'`). */
  takeStderr() {
    return this[NATIVE].takeStderr();
  }
}

// -- store objects ---------------------------------------------------------------------------

/** What memories, globals and tables share: their native handle and their store. */
class StoreObject {
  constructor(handle, store) {
    this[NATIVE] = handle;
    this.store = store;
  }
}

/** A linear memory. Reads and writes copy; `grow` returns the previous size in pages. */
class Memory extends StoreObject {
  /** The size in bytes. */
  get byteLength() {
    return this[NATIVE].memByteLength();
  }
  /** The size in 64 KiB pages. */
  get pages() {
    return this[NATIVE].memSize();
  }
  /** Grows by `delta` pages; returns the previous size in pages. */
  grow(delta) {
    return this[NATIVE].memGrow(delta);
  }
  /** Copies `length` bytes at `offset` into a new Buffer. */
  read(offset, length) {
    return this[NATIVE].memRead(offset, length);
  }
  /** Copies `data` (Uint8Array, Buffer or string as UTF-8) to `offset`. */
  write(offset, data) {
    this[NATIVE].memWrite(offset, typeof data === 'string' ? data : toBytes(data));
  }
  /** Reads `length` bytes at `offset` as UTF-8 text. */
  readString(offset, length) {
    return this.read(offset, length).toString('utf8');
  }
}

/** A global, like WebAssembly.Global: `value` reads and writes it. */
class Global extends StoreObject {
  get value() {
    return fromNative(this[NATIVE].globalGet(), this.store);
  }
  set value(v) {
    this[NATIVE].globalSet(toNative(v));
  }
  valueOf() {
    return this.value;
  }
  /** The value type ('i32', 'i64', 'f32', 'f64', 'funcref', 'externref'). */
  get type() {
    return this[NATIVE].globalType()[0];
  }
  get mutable() {
    return this[NATIVE].globalType()[1];
  }
}

/** A table, like WebAssembly.Table. */
class Table extends StoreObject {
  get length() {
    return this[NATIVE].tableSize();
  }
  get element() {
    return this[NATIVE].tableType();
  }
  get(index) {
    return fromNative(this[NATIVE].tableGet(index), this.store);
  }
  set(index, value = null) {
    this[NATIVE].tableSet(index, toNative(value));
  }
  /** Grows by `delta` elements set to `init`; returns the previous length. */
  grow(delta, init = null) {
    return this[NATIVE].tableGrow(delta, toNative(init));
  }
}

/** `this` inside a host function: the calling instance's exports, during the call. */
class Caller {
  constructor(handle, store) {
    this[NATIVE] = handle;
    this.store = store;
  }
  /** The calling instance's export `name`, or null. */
  export(name) {
    const e = this[NATIVE].export(name);
    return e ? wrapExtern(e, this.store, name) : null;
  }
  /** The calling instance's memory (its export "memory"), or null. */
  get memory() {
    return this.export('memory');
  }
  /** The remaining fuel. */
  get fuel() {
    return this[NATIVE].getFuel();
  }
}

// -- instances -------------------------------------------------------------------------------

function hostFunction(fn, store, resultCount) {
  return (callerHandle, args) => {
    const caller = new Caller(callerHandle, store);
    const r = fn.apply(caller, args.map((a) => fromNative(a, store)));
    if (resultCount === 0) return undefined;
    if (resultCount === 1) return [toNative(r)];
    if (r == null || typeof r[Symbol.iterator] !== 'function') {
      throw new TypeError(`the host function has ${resultCount} results: return an array`);
    }
    return Array.from(r, toNative);
  };
}

/**
 * An instance, like WebAssembly.Instance: `new Instance(module, imports, options)`.
 * `options.store` shares a store (and so imports) between instances; otherwise a new store is
 * made from the options (fuel, memoryBudget, wasi, ...).
 */
class Instance {
  constructor(module, imports = {}, options = {}) {
    if (!(module instanceof Module)) module = new Module(module, options);
    const store = options.store instanceof Store ? options.store : new Store(options);
    const nativeModule = module._native(store.settings);
    const linker = new native.NativeLinker(store.engine);
    if (store.wasi) linker.defineWasi();
    for (const imp of nativeModule.imports()) {
      const ns = imports == null ? undefined : imports[imp.module];
      const value = ns == null ? undefined : ns[imp.name];
      if (value === undefined) continue; // WASI, or a missing import the C API reports
      if (typeof value === 'function' && value[NATIVE]) {
        linker.define(store[NATIVE], imp.module, imp.name, value[NATIVE]);
      } else if (value instanceof Memory || value instanceof Global || value instanceof Table) {
        linker.define(store[NATIVE], imp.module, imp.name, value[NATIVE]);
      } else if (typeof value === 'function') {
        if (imp.kind !== 'func') {
          throw new LinkError(`import ${imp.module}.${imp.name} is a ${imp.kind}, not a function`, errorCodes.LINK);
        }
        if (!imp.params) {
          throw new LinkError(`import ${imp.module}.${imp.name} has a type the binding cannot express`, errorCodes.LINK);
        }
        if (store.wasi && imp.module === 'wasi_snapshot_preview1') linker.allowShadowing(true);
        linker.defineFunc(imp.module, imp.name, imp.params, imp.results,
          hostFunction(value, store, imp.results.length));
      } else {
        throw new LinkError(
          `import ${imp.module}.${imp.name} must be a function or a wrt Memory, Global or Table`,
          errorCodes.LINK
        );
      }
    }
    this[NATIVE] = linker.instantiate(store[NATIVE], nativeModule);
    this.module = module;
    this.store = store;
    const exports = Object.create(null);
    for (const e of nativeModule.exports()) {
      if (e.kind === 'other') continue;
      exports[e.name] = wrapExtern(this[NATIVE].export(e.name), store, e.name);
    }
    this.exports = Object.freeze(exports);
  }
}

/** Compiles and instantiates synchronously; returns {module, instance, store}. */
function instantiateSync(source, imports = {}, options = {}) {
  const module = source instanceof Module ? source : new Module(source, options);
  const instance = new Instance(module, imports, options);
  return { module, instance, store: instance.store };
}

/** Like WebAssembly.instantiate: resolves to {module, instance, store}. */
async function instantiate(source, imports = {}, options = {}) {
  return instantiateSync(source, imports, options);
}

/** Like WebAssembly.compile. */
async function compile(source, options = {}) {
  return new Module(source, options);
}

/** Like WebAssembly.validate: whether `source` is a valid module for this build. */
function validate(source) {
  try {
    native.validate(engineFor(engineSettings()), toBytes(source));
    return true;
  } catch (e) {
    if (e instanceof CompileError) return false;
    throw e;
  }
}

/** Converts WebAssembly text to a binary module (a Buffer). */
function wat2wasm(text) {
  return native.wat2wasm(String(text));
}

/**
 * Runs a WASI command: instantiates `source` with WASI and calls `_start`. Returns
 * {status, stdout, stderr, store}; output is captured unless the options say 'inherit'.
 */
function runWasi(source, options = {}) {
  const wasi = { stdout: 'capture', stderr: 'capture', exitAllowed: true, ...(options.wasi || {}) };
  const { instance, store } = instantiateSync(source, options.imports || {}, { ...options, wasi });
  let status = 0;
  try {
    instance.exports._start();
  } catch (e) {
    if (!(e instanceof ExitError)) throw e;
    status = e.status;
  }
  const take = (mode, f) => (mode === 'capture' ? f() : null);
  return {
    status,
    stdout: take(wasi.stdout, () => store.takeStdout()),
    stderr: take(wasi.stderr, () => store.takeStderr()),
    store,
  };
}

module.exports = {
  Engine,
  Module,
  Store,
  Instance,
  Memory,
  Global,
  Table,
  Caller,
  instantiate,
  instantiateSync,
  compile,
  validate,
  wat2wasm,
  runWasi,
  version: native.version(),
  errorCodes,
  trapCodes,
  WrtError,
  CompileError,
  LinkError,
  RuntimeError,
  Trap: RuntimeError,
  OutOfFuel,
  InstantiationError,
  HostError,
  WasmTypeError,
  LimitError,
  ExitError,
  NotFoundError,
  BusyError,
  HandleError,
  InvalidArgumentError,
  InternalError,
};
