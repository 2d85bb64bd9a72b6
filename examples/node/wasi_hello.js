// Runs a WASI program with wrt from Node: arguments, environment, captured output and the exit
// status.
//
//   npm install ./bindings/node      (in your project; or `npm run build` in bindings/node)
//   node examples/node/wasi_hello.js [path/to/program.wasm] [args...]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const wrt = require(process.env.WRT_PACKAGE || 'wrt');

const program = process.argv[2] || path.join(__dirname, '..', '..', 'tests', 'wasi', 'rust', 'hello.wasm');
const { status, stdout, stderr } = wrt.runWasi(fs.readFileSync(program), {
  wasi: {
    args: [path.basename(program), ...process.argv.slice(3)],
    env: { GREETING: 'hello from Node' },
    stdout: 'capture',
    stderr: 'capture',
    exitAllowed: true,
  },
});
process.stdout.write(stdout);
process.stdout.write(`[stderr] ${stderr}`);
console.log(`exit status: ${status}`);
