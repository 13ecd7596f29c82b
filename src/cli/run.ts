import { commands } from "./commands.js";
import { EXIT, type CliCommand, type CliIo } from "./io.js";

/** `loyalty-engine <command> [options]`: finds the command by name and runs it, or prints help. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  table: Readonly<Record<string, CliCommand>> = commands,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(helpText(table));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = table[name];
  if (command === undefined || !Object.hasOwn(table, name)) {
    io.err(`loyalty-engine: unknown command "${name}".\n\n${helpText(table)}`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`${command.usage}\n`);
    return EXIT.ok;
  }
  return command.run(rest, io);
}

function helpText(table: Readonly<Record<string, CliCommand>>): string {
  const names = Object.keys(table).sort();
  const width = Math.max(0, ...names.map((n) => n.length));
  const lines = names.map((n) => `  ${n.padEnd(width)}  ${table[n]!.summary}`);
  return [
    "Usage: loyalty-engine <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `loyalty-engine <command> --help` for a command's options.",
    "",
  ].join("\n");
}
