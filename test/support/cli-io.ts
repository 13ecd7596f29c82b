import type { CliIo } from "../../src/cli/io.js";

/** A CLI command's io that keeps what it printed, for tests that run commands in-process. */
export function capture(interactive = false): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    interactive,
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}
