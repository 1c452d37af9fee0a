#!/usr/bin/env node
// The `foundation-dev` executable: wires the process to runCli, which does the work.
import { runCli } from './cli/main.js';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  isTTY: process.stdout.isTTY,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`foundation-dev: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
