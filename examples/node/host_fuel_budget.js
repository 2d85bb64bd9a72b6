// A host function, fuel and a memory budget with wrt from Node.
//
// The module asks the host for a number of pages, grows its memory by that much and reports
// back. The store meters fuel and limits everything it allocates to 1 MiB, so the second,
// bigger request fails inside wasm (memory.grow returns -1), and an endless loop stops with
// wrt.OutOfFuel.
//
//   node examples/node/host_fuel_budget.js
'use strict';

const wrt = require(process.env.WRT_PACKAGE || 'wrt');

const wat = `
(module
  (import "host" "pagesWanted" (func $wanted (param i32) (result i32)))
  (import "host" "report" (func $report (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "grown")
  (func (export "run") (param $round i32) (result i32)
    (local $old i32)
    (local.set $old (memory.grow (call $wanted (local.get $round))))
    (call $report (local.get $round) (local.get $old))
    (local.get $old))
  (func (export "spin") (loop $forever (br $forever))))`;

const imports = {
  host: {
    pagesWanted: (round) => [4, 64][round],
    // `this` is the caller: the calling instance's exports, during the call.
    report(round, old) {
      const word = this.memory.readString(0, 5);
      const outcome = old >= 0 ? `grew from ${old} pages` : 'refused by the memory budget';
      console.log(`round ${round}: memory.grow ${outcome} ('${word}' at address 0)`);
    },
  },
};

const { instance, store } = wrt.instantiateSync(wat, imports, { fuel: 100_000, memoryBudget: 1 << 20 });
console.assert(instance.exports.run(0) === 1); // 1 -> 5 pages fits in 1 MiB
console.assert(instance.exports.run(1) === -1); // 5 -> 69 pages does not
const { fuelConsumed, fuelRemaining, memory } = store.profile();
console.log(`fuel consumed: ${fuelConsumed}, remaining: ${fuelRemaining}`);
console.log(`memory: ${memory.current} bytes now, peak ${memory.peak}, budget ${memory.budget}, ` +
  `${memory.budgetRefusals} refusal(s)`);
console.log(`linear memory: ${memory.categories.linear_memory.current} bytes`);

try {
  instance.exports.spin();
} catch (e) {
  if (!(e instanceof wrt.OutOfFuel)) throw e;
  console.log(`spin: ${e.name}: ${e.message} (trap ${e.trap})`);
}
