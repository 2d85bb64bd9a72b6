'use strict';
// Tests of the Node binding: run with `node --test test/` in bindings/node (after the addon is
// built), or from any project that installed it (WRT_PACKAGE names the package to load).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const wrt = require(process.env.WRT_PACKAGE || '..');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WASI_RUST = path.join(ROOT, 'tests', 'wasi', 'rust', 'hello.wasm');
const WASI_C = path.join(ROOT, 'tests', 'wasi', 'c', 'hello.wasm');
const GROW = fs.readFileSync(path.join(ROOT, 'examples', 'wasm', 'grow.wat'), 'utf8');

const ADD = `(module (func (export "add") (param i32 i32) (result i32)
  local.get 0 local.get 1 i32.add))`;
const LOOP = `(module (func (export "spin") (param i32) (result i32) (local $i i32)
  (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
  (local.get $i)))`;

test('modules from text and bytes, like the WebAssembly API', async () => {
  const bytes = wrt.wat2wasm(ADD);
  assert.deepEqual([...bytes.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
  const mod = new wrt.Module(bytes);
  const { instance } = await wrt.instantiate(mod, {});
  assert.equal(instance.exports.add(2, 3), 5);
  assert.equal(instance.exports.add(0xffffffff, 0), -1);
  const { instance: fromText } = await wrt.instantiate(ADD);
  assert.equal(fromText.exports.add(40, 2), 42);
  const compiled = await wrt.compile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  assert.ok(compiled instanceof wrt.Module);
  assert.deepEqual(wrt.Module.exports(mod), [{ name: 'add', kind: 'func', params: ['i32', 'i32'], results: ['i32'] }]);
  assert.equal(wrt.validate(bytes), true);
  assert.equal(wrt.validate(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff])), false);
  assert.match(wrt.version, /^\d+\.\d+\.\d+$/);
});

test('values: i64 as BigInt, floats, multiple results, funcref', () => {
  const { instance } = wrt.instantiateSync(`(module
    (func (export "i64") (param i64) (result i64) local.get 0)
    (func (export "f64") (param f64) (result f64) local.get 0)
    (func (export "two") (result i32 i64) i32.const 1 i64.const 2)
    (func $nine (export "nine") (result i32) i32.const 9)
    (table (export "t") 2 funcref)
    (global (export "g") (mut i64) (i64.const 5))
    (func (export "none")))`);
  const e = instance.exports;
  assert.equal(e.i64(-(2n ** 63n)), -(2n ** 63n));
  assert.equal(e.i64(2n ** 64n - 1n), -1n);
  assert.equal(e.i64(7), 7n);
  assert.equal(e.f64(2.25), 2.25);
  assert.deepEqual(e.two(), [1, 2n]);
  assert.equal(e.none(), undefined);
  assert.throws(() => e.i64(1.5), /BigInt or a safe integer/);
  assert.throws(() => e.i64(), /takes 1 argument/);
  assert.equal(e.t.length, 2);
  assert.equal(e.t.get(0), null);
  e.t.set(1, e.nine);
  assert.equal(e.t.get(1)(), 9);
  assert.equal(e.t.grow(1), 2);
  assert.equal(e.g.value, 5n);
  e.g.value = 6n;
  assert.equal(e.g.value, 6n);
  assert.equal(e.g.type, 'i64');
  assert.equal(e.g.mutable, true);
});

test('host functions get arguments, return results and see the caller memory', () => {
  const seen = [];
  const { instance } = wrt.instantiateSync(
    `(module
       (import "env" "log" (func $log (param i32 i32) (result i32)))
       (import "env" "big" (func $big (param i64) (result i64)))
       (memory (export "memory") 1)
       (data (i32.const 16) "hello, host")
       (func (export "run") (result i32) (call $log (i32.const 16) (i32.const 11)))
       (func (export "big") (param i64) (result i64) (call $big (local.get 0))))`,
    {
      env: {
        log(ptr, len) {
          seen.push(this.memory.readString(ptr, len));
          this.memory.write(0, 'HI');
          return len * 2;
        },
        big: (x) => x * 3n,
      },
    }
  );
  assert.equal(instance.exports.run(), 22);
  assert.deepEqual(seen, ['hello, host']);
  assert.equal(instance.exports.memory.readString(0, 2), 'HI');
  assert.equal(instance.exports.big(5n), 15n);
});

test('a host exception propagates as itself; the instance stays usable', () => {
  class Boom extends Error {}
  let fail = true;
  const { instance } = wrt.instantiateSync(
    `(module (import "env" "f" (func $f (result i32))) (func (export "run") (result i32) (call $f)))`,
    { env: { f: () => { if (fail) throw new Boom('from the host'); return 1; } } }
  );
  assert.throws(() => instance.exports.run(), (e) => e instanceof Boom && e.message === 'from the host');
  fail = false;
  assert.equal(instance.exports.run(), 1);
});

test('exports of one instance are imports of another in the same store', () => {
  const store = new wrt.Store();
  const { instance: a } = wrt.instantiateSync(`(module (memory (export "mem") 1)
      (func (export "seven") (result i32) i32.const 7))`, {}, { store });
  const { instance: b } = wrt.instantiateSync(`(module
      (import "a" "mem" (memory 1)) (import "a" "seven" (func $s (result i32)))
      (func (export "run") (result i32) (i32.store (i32.const 0) (call $s)) (i32.load (i32.const 0))))`,
  { a: a.exports }, { store });
  assert.equal(b.exports.run(), 7);
  assert.deepEqual([...a.exports.mem.read(0, 4)], [7, 0, 0, 0]);
  // Another store cannot use them.
  assert.throws(() => wrt.instantiateSync(`(module (import "a" "seven" (func)))`, { a: a.exports }),
    (e) => e instanceof wrt.WrtError);
});

test('traps are RuntimeErrors with codes', () => {
  const { instance } = wrt.instantiateSync(`(module
    (func (export "unreachable") unreachable)
    (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))`);
  assert.throws(() => instance.exports.unreachable(), (e) =>
    e instanceof wrt.RuntimeError && e instanceof wrt.WrtError && e instanceof Error &&
    e.trap === 'unreachable' && e.code === 'WRT_ERROR_TRAP' && e.errno === wrt.errorCodes.TRAP);
  assert.throws(() => instance.exports.div(0), (e) => e.trap === 'integer_divide_by_zero' &&
    e.trapCode === wrt.trapCodes.integer_divide_by_zero);
  const deep = wrt.instantiateSync(`(module (func $f (export "f") (call $f)))`, {}, { maxCallDepth: 100 });
  assert.throws(() => deep.instance.exports.f(), (e) => e.trap === 'call_stack_exhausted');
});

test('compile and link errors', () => {
  assert.throws(() => new wrt.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff])),
    (e) => e instanceof wrt.CompileError && e.errno === wrt.errorCodes.MALFORMED);
  assert.throws(() => new wrt.Module('(module (func (result i32)))'), wrt.CompileError);
  assert.throws(() => wrt.instantiateSync('(module (import "env" "missing" (func)))'),
    (e) => e instanceof wrt.LinkError && e.code === 'WRT_ERROR_LINK');
  assert.throws(() => wrt.instantiateSync('(module (import "env" "m" (memory 1)))', { env: { m: 5 } }),
    wrt.LinkError);
});

test('fuel: exhaustion, refuel and determinism', () => {
  const run = (n) => {
    const { instance, store } = wrt.instantiateSync(LOOP, {}, { fuel: 1000 });
    instance.exports.spin(n);
    return store.fuelConsumed;
  };
  assert.equal(run(50), run(50));
  const { instance, store } = wrt.instantiateSync(LOOP, {}, { fuel: 1000 });
  assert.equal(instance.exports.spin(10), 10);
  const used = store.fuelConsumed;
  assert.ok(used > 0 && used < 1000);
  assert.equal(store.fuel, 1000 - used);
  assert.throws(() => instance.exports.spin(1_000_000), (e) =>
    e instanceof wrt.OutOfFuel && e instanceof wrt.RuntimeError && e.trap === 'out_of_fuel');
  store.addFuel(100_000);
  assert.equal(instance.exports.spin(100), 100);
  assert.equal(store.profile().fuelRemaining, store.fuel);
});

test('deterministic mode canonicalises NaN results', () => {
  const src = `(module (func (export "nan") (param f32) (result i32)
    (i32.reinterpret_f32 (f32.div (local.get 0) (local.get 0)))))`;
  const { instance } = wrt.instantiateSync(src, {}, { deterministic: true });
  assert.equal(instance.exports.nan(0) >>> 0, 0x7fc00000);
});

test('a host function sees the remaining fuel', () => {
  let seen = -1;
  wrt.instantiateSync(`(module (import "env" "f" (func $f)) (func $s (call $f)) (start $s))`,
    { env: { f() { seen = this.fuel; } } }, { fuel: 500 });
  assert.ok(seen > 0 && seen < 500);
});

test('memory budget: growth refused, instantiation refused, profile', () => {
  const { instance, store } = wrt.instantiateSync(GROW, {}, { memoryBudget: 1 << 20 });
  assert.equal(instance.exports.grow(7), 8);
  assert.equal(instance.exports.grow(16), -1);
  const p = store.memoryProfile();
  assert.equal(p.budget, 1 << 20);
  assert.equal(p.memoryGrows, 1);
  assert.equal(p.memoryGrowFailures, 1);
  assert.ok(p.budgetRefusals >= 1);
  assert.equal(p.categories.linear_memory.current, 8 * 65536);
  assert.ok(p.peak >= p.current && p.current > 8 * 65536);
  assert.throws(() => instance.exports.memory.grow(16), (e) => e instanceof wrt.LimitError);
  assert.throws(() => wrt.instantiateSync('(module (memory 2))', {}, { memoryBudget: 65536 }), wrt.LimitError);
  store.chargeHost(1000);
  assert.equal(store.memoryProfile().categories.host.current, 1000);
  assert.throws(() => store.chargeHost(1 << 20), wrt.LimitError);
});

test('import and export descriptors carry every kind of type', () => {
  const mod = new wrt.Module(`(module (import "env" "mem" (memory 1 4))
    (import "env" "g" (global (mut i64)))
    (table (export "t") 3 externref)
    (global (export "c") f32 (f32.const 1)))`);
  const [mem, g] = wrt.Module.imports(mod);
  assert.equal(mem.kind, 'memory');
  assert.equal(mem.minimum, 1);
  assert.equal(mem.maximum, 4);
  assert.equal(g.valueType, 'i64');
  assert.equal(g.mutable, true);
  const [t, c] = wrt.Module.exports(mod);
  assert.equal(t.valueType, 'externref');
  assert.equal(t.minimum, 3);
  assert.equal(t.maximum, undefined);
  assert.equal(c.valueType, 'f32');
  assert.equal(c.mutable, false);
});

test('translation settings reach the engine', () => {
  // Translated code is charged to a store when it is made: on the first call by default,
  // at instantiation when translated eagerly.
  const codeBytes = (options) => {
    const { instance, store } = wrt.instantiateSync('(module (func (export "f") (result i32) i32.const 7))', {}, options);
    const before = store.memoryProfile().categories.code.current;
    assert.equal(instance.exports.f(), 7);
    return [before, store.memoryProfile().categories.code.current];
  };
  const [lazyBefore, lazyAfter] = codeBytes({});
  assert.ok(lazyAfter > lazyBefore);
  const [before, after] = codeBytes({ lazyTranslation: false, parallelCompilation: false, platformOptimizations: false });
  assert.equal(before, after);
  assert.ok(before > lazyBefore);
  assert.deepEqual(codeBytes({ lazyTranslation: true }), [lazyBefore, lazyAfter]);
  assert.throws(() => codeBytes({ lazyTranslation: 'no' }), TypeError);
});

test('memory reads and writes', () => {
  const { instance } = wrt.instantiateSync('(module (memory (export "memory") 1 2))');
  const mem = instance.exports.memory;
  assert.equal(mem.byteLength, 65536);
  assert.equal(mem.pages, 1);
  mem.write(10, Buffer.from('abc'));
  mem.write(13, new Uint8Array([100]));
  assert.equal(mem.readString(10, 4), 'abcd');
  assert.throws(() => mem.read(65535, 2), (e) => e instanceof wrt.RuntimeError && e.trap === 'memory_out_of_bounds');
  assert.equal(mem.grow(1), 1);
  assert.throws(() => mem.grow(1), wrt.LimitError);
});

test('WASI: output, arguments and environment', () => {
  const r = wrt.runWasi(fs.readFileSync(WASI_RUST), {
    wasi: { args: ['hello.wasm', 'world'], env: { GREETING: 'hi' } },
  });
  assert.equal(r.status, 0);
  assert.equal(r.stdout.toString(), 'Hello from WASI!\nArg: hello.wasm\nArg: world\nEnv: GREETING=hi\n');
  assert.equal(r.stderr.toString(), 'a line on stderr\n');
});

test('WASI: exit status, stdin, and exit refused unless allowed', () => {
  const bytes = fs.readFileSync(WASI_C);
  const r = wrt.runWasi(bytes, { wasi: { args: ['hello', 'exit', '7'] } });
  assert.equal(r.status, 7);
  assert.match(r.stdout.toString(), /^Hello from WASI!\nargc=3\n/);
  const cat = wrt.runWasi(bytes, { wasi: { args: ['hello', 'cat'], stdin: 'shout\n' } });
  assert.match(cat.stdout.toString(), /SHOUT\n$/);
  const { instance } = wrt.instantiateSync(bytes, {}, {
    wasi: { args: ['hello', 'exit', '3'], stdout: 'capture' },
  });
  assert.throws(() => instance.exports._start(), (e) => e instanceof wrt.HostError);
});

test('WASI with fuel, a budget and preopened directories', () => {
  const r = wrt.runWasi(fs.readFileSync(WASI_RUST), {
    fuel: 10_000_000,
    memoryBudget: 8 << 20,
    wasi: { args: ['hello.wasm'], preopens: { '/': fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'wrt-')) } },
  });
  assert.equal(r.status, 0);
  assert.ok(r.store.fuelConsumed > 0);
  assert.ok(r.store.memoryProfile().peak <= 8 << 20);
  assert.throws(() => new wrt.Store({ wasi: { preopens: { '/': '/no/such/dir' } } }),
    wrt.InvalidArgumentError);
});
