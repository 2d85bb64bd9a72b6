// Type definitions of wrt for Node (require('wrt')).

/// <reference types="node" />

export type BufferSource = ArrayBuffer | ArrayBufferView;
/** A binary module, or WebAssembly text. */
export type ModuleSource = BufferSource | string;
/** i32, f32 and f64 are numbers; i64 is a bigint; funcref is an exported function or null. */
export type WasmValue = number | bigint | ExportedFunction | null;
export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'funcref' | 'externref';

/** A function exported by an instance: call it with JavaScript values. */
export interface ExportedFunction {
  (...args: WasmValue[]): any;
}

export interface EngineOptions {
  /** Run with this much fuel (implies consumeFuel). */
  fuel?: number | bigint;
  // BEGIN GENERATED: engine settings
  /** The deepest nesting of wasm calls. */
  maxCallDepth?: number;
  /** The largest value stack, in 64-bit slots. */
  maxValueStack?: number;
  /** One budget in bytes for everything a store allocates (default: none). */
  memoryBudget?: number;
  /** Whether wasm code consumes fuel; stores then start with none. */
  consumeFuel?: boolean;
  /** Whether NaN results are canonical, so floats are bit-identical on every host. */
  deterministic?: boolean;
  /** Whether platform speed-ups such as mmap-reserved memory are used (default: yes). */
  platformOptimizations?: boolean;
  /** Whether functions are translated on their first call (default: yes) or at once. */
  lazyTranslation?: boolean;
  /** Whether compiling a large module may use several threads (default: yes). */
  parallelCompilation?: boolean;
  /** How many instances one store may hold. */
  maxInstances?: number;
  /** How many linear memories one store may hold. */
  maxMemories?: number;
  /** How many tables one store may hold. */
  maxTables?: number;
  /** How many elements one table may hold. */
  maxTableElements?: number;
  // END GENERATED: engine settings
}

export interface WasiOptions {
  /** The command line; args[0] is the program name. */
  args?: string[];
  /** Environment variables the guest sees. */
  env?: Record<string, string>;
  /** Host variables passed on to the guest (if set). */
  inheritEnv?: string[];
  /** Directories the guest may use: { guestPath: hostPath }. */
  preopens?: Record<string, string>;
  /** Directories the guest may only read: { guestPath: hostPath }. */
  readOnlyPreopens?: Record<string, string>;
  /** Bytes (or a string) the guest reads on stdin, or 'inherit'. Default: end of file. */
  stdin?: BufferSource | string;
  /** Where stdout goes: 'ignore' (default), 'inherit' or 'capture' (see Store.takeStdout). */
  stdout?: 'ignore' | 'inherit' | 'capture';
  stderr?: 'ignore' | 'inherit' | 'capture';
  /** Whether proc_exit(n) ends the run with an ExitError (status n); otherwise it fails. */
  exitAllowed?: boolean;
}

export interface StoreOptions extends EngineOptions {
  /** WASI configuration; the instance then gets the wasi_snapshot_preview1 functions. */
  wasi?: WasiOptions;
}

export interface InstantiateOptions extends StoreOptions {
  /** Instantiate into this store (to share imports); the other options are then ignored. */
  store?: Store;
}

export interface Usage {
  current: number;
  peak: number;
}

export interface MemoryProfile {
  budget: number | null;
  current: number;
  peak: number;
  memoryGrows: number;
  memoryGrowFailures: number;
  tableGrows: number;
  budgetRefusals: number;
  /** linear_memory, tables, globals, stacks, code, runtime, host */
  categories: Record<string, Usage>;
}

export interface Profile {
  fuelConsumed: number | null;
  fuelRemaining: number | null;
  memory: MemoryProfile;
}

export interface ExternTypeFields {
  /** Functions. */
  params?: ValueType[];
  results?: ValueType[];
  /** Globals: the value type; tables: the element type. */
  valueType?: ValueType;
  /** Globals. */
  mutable?: boolean;
  /** Memories (in 64 KiB pages) and tables (in elements); no maximum when absent. */
  minimum?: number;
  maximum?: number;
}

export interface ImportDescriptor extends ExternTypeFields {
  module: string;
  name: string;
  kind: 'func' | 'memory' | 'global' | 'table' | 'other';
}

export interface ExportDescriptor extends ExternTypeFields {
  name: string;
  kind: 'func' | 'memory' | 'global' | 'table' | 'other';
}

export class Engine {
  constructor(options?: EngineOptions);
}

/** A compiled module, like WebAssembly.Module. */
export class Module {
  constructor(source: ModuleSource, options?: EngineOptions);
  static imports(module: Module): ImportDescriptor[];
  static exports(module: Module): ExportDescriptor[];
}

export class Store {
  constructor(options?: StoreOptions);
  setFuel(fuel: number | bigint): void;
  addFuel(fuel: number | bigint): void;
  readonly fuel: number;
  readonly fuelConsumed: number;
  memoryProfile(): MemoryProfile;
  profile(): Profile;
  chargeHost(bytes: number): void;
  releaseHost(bytes: number): void;
  setWasi(options: WasiOptions): void;
  takeStdout(): Buffer;
  takeStderr(): Buffer;
}

export class Memory {
  private constructor();
  readonly store: Store;
  readonly byteLength: number;
  readonly pages: number;
  grow(delta: number): number;
  read(offset: number, length: number): Buffer;
  write(offset: number, data: BufferSource | string): void;
  readString(offset: number, length: number): string;
}

export class Global {
  private constructor();
  value: WasmValue;
  valueOf(): WasmValue;
  readonly type: ValueType;
  readonly mutable: boolean;
}

export class Table {
  private constructor();
  readonly length: number;
  readonly element: ValueType;
  get(index: number): WasmValue;
  set(index: number, value?: WasmValue): void;
  grow(delta: number, init?: WasmValue): number;
}

/** `this` inside a host function. */
export class Caller {
  private constructor();
  readonly store: Store;
  export(name: string): ExportedFunction | Memory | Global | Table | null;
  readonly memory: Memory | null;
  readonly fuel: number;
}

export type ExportValue = ExportedFunction | Memory | Global | Table;
export type Imports = Record<string, Record<string, ((this: Caller, ...args: any[]) => any) | ExportValue>>;

/** An instance, like WebAssembly.Instance. */
export class Instance {
  constructor(module: Module | ModuleSource, imports?: Imports, options?: InstantiateOptions);
  readonly module: Module;
  readonly store: Store;
  readonly exports: Record<string, ExportValue>;
}

export interface InstantiateResult {
  module: Module;
  instance: Instance;
  store: Store;
}

export function instantiate(source: Module | ModuleSource, imports?: Imports, options?: InstantiateOptions): Promise<InstantiateResult>;
export function instantiateSync(source: Module | ModuleSource, imports?: Imports, options?: InstantiateOptions): InstantiateResult;
export function compile(source: ModuleSource, options?: EngineOptions): Promise<Module>;
export function validate(source: ModuleSource): boolean;
export function wat2wasm(text: string): Buffer;

export interface WasiRunOptions extends StoreOptions {
  imports?: Imports;
}
export interface WasiRunResult {
  status: number;
  stdout: Buffer | null;
  stderr: Buffer | null;
  store: Store;
}
/** Instantiates with WASI, calls _start; output is captured unless set to 'inherit'. */
export function runWasi(source: Module | ModuleSource, options?: WasiRunOptions): WasiRunResult;

export const version: string;
export const errorCodes: Readonly<Record<string, number>>;
export const trapCodes: Readonly<Record<string, number>>;

export class WrtError extends Error {
  /** The numeric code of wrt's C API. */
  errno: number;
  /** 'WRT_ERROR_TRAP', ... */
  code: string;
}
export class CompileError extends WrtError {}
export class LinkError extends WrtError {}
export class RuntimeError extends WrtError {
  trapCode: number;
  trap: string;
}
export { RuntimeError as Trap };
export class OutOfFuel extends RuntimeError {}
export class InstantiationError extends WrtError {}
export class HostError extends WrtError {}
export class WasmTypeError extends WrtError {}
export class LimitError extends WrtError {}
export class ExitError extends WrtError {
  status: number;
}
export class NotFoundError extends WrtError {}
export class BusyError extends WrtError {}
export class HandleError extends WrtError {}
export class InvalidArgumentError extends WrtError {}
export class InternalError extends WrtError {}
