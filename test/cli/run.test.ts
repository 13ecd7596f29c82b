import { describe, expect, it } from "vitest";
import type { CliCommand } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/run.js";
import { capture } from "../support/cli-io.js";

const echo: CliCommand = {
  summary: "prints its arguments",
  usage: "Usage: loyalty-engine echo [words...]",
  run: (args, io) => {
    io.out(args.join(" "));
    return Promise.resolve(args.length === 0 ? 1 : 0);
  },
};

describe("loyalty-engine CLI dispatch", () => {
  it("runs the named command with the rest of argv and returns its exit code", async () => {
    const io = capture();
    expect(await runCli(["echo", "a", "b"], io, { echo })).toBe(0);
    expect(io.stdout).toBe("a b");
    expect(await runCli(["echo"], capture(), { echo })).toBe(1);
  });

  it("lists every command with its summary, and exits 2 when none is named", async () => {
    const io = capture();
    expect(await runCli([], io, { echo })).toBe(2);
    expect(io.stdout).toContain("echo  prints its arguments");
    const help = capture();
    expect(await runCli(["--help"], help, { echo })).toBe(0);
    expect(help.stdout).toBe(io.stdout);
  });

  it("refuses an unknown command, or a name inherited from Object, with exit code 2", async () => {
    for (const name of ["nope", "toString", "__proto__", "constructor"]) {
      const io = capture();
      expect(await runCli([name], io, { echo })).toBe(2);
      expect(io.stderr).toContain(`unknown command "${name}"`);
    }
  });

  it("prints a command's usage for --help without running it", async () => {
    const io = capture();
    expect(await runCli(["echo", "--help"], io, { echo })).toBe(0);
    expect(io.stdout).toBe("Usage: loyalty-engine echo [words...]\n");
  });
});
