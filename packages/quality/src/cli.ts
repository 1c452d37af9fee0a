#!/usr/bin/env node
// The `foundation-quality` bin: the command line is in cli-main.ts so tests can drive it.
import { runCli } from './cli-main.js';

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY,
}).then((code) => {
  process.exitCode = code;
});
