#!/usr/bin/env node
// Builds the native addon with cargo (crate wrt-node in this folder, part of the wrt workspace)
// and copies it to wrt.node next to index.js. Runs as the package's install script.
//
//   node build.js            build unless wrt.node is newer than every source file
//   node build.js --force    always run cargo (it rebuilds only what changed)
//
// Environment: WRT_NODE_PROFILE=release|dev (default release), CARGO (the cargo to run),
// CARGO_TARGET_DIR (where cargo builds).
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = fs.realpathSync(__dirname);
const manifest = path.join(here, 'Cargo.toml');
const output = path.join(here, 'wrt.node');
const profile = process.env.WRT_NODE_PROFILE || 'release';
const force = process.argv.includes('--force');

function fail(message) {
  console.error(`wrt: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(manifest) || !fs.existsSync(path.join(here, '..', 'common', 'Cargo.toml'))) {
  fail(
    'the Rust sources are not next to this package. Install it from the wrt repository ' +
      '(`npm install path/to/wrt/bindings/node`, which links the folder) so cargo can build it.'
  );
}

// Skip the build when wrt.node is newer than every Rust source it is made of.
function newestSource() {
  let newest = 0;
  const roots = ['src', 'Cargo.toml', '../common', '../../capi/src', '../../core/src'];
  const walk = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    } else {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const r of roots) walk(path.join(here, r));
  return newest;
}
if (!force && fs.existsSync(output) && fs.statSync(output).mtimeMs > newestSource()) {
  console.log('wrt: wrt.node is up to date');
  process.exit(0);
}

const cargo = process.env.CARGO || 'cargo';
const args = ['build', '--manifest-path', manifest, '--lib', '--message-format=json-render-diagnostics'];
if (profile === 'release') args.push('--release');
else if (profile !== 'dev') args.push('--profile', profile);
console.log(`wrt: building the native addon: ${cargo} ${args.join(' ')}`);
const run = spawnSync(cargo, args, { cwd: here, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
if (run.error) fail(`cannot run ${cargo}: ${run.error.message} (install Rust with rustup)`);
if (run.status !== 0) fail(`cargo failed with exit code ${run.status}`);

let library = null;
for (const line of run.stdout.toString().split('\n')) {
  if (!line.startsWith('{')) continue;
  const msg = JSON.parse(line);
  if (msg.reason === 'compiler-artifact' && msg.target && msg.target.name === 'wrt_node') {
    library = msg.filenames.find((f) => /\.(so|dylib|dll)$/.test(f)) || library;
  }
}
if (!library) fail('cargo did not report the wrt_node library');
const tmp = `${output}.${process.pid}.tmp`;
fs.copyFileSync(library, tmp);
fs.renameSync(tmp, output);
console.log(`wrt: built ${path.relative(process.cwd(), output) || output}`);
