#!/usr/bin/env node
// The `loyalty-engine` executable: the only module that reads the process's argv and streams.
import { runCli } from "./run.js";

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
});
