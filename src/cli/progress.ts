/**
 * A one-line progress bar on standard error, redrawn at most every 200 ms: members, commands, rate,
 * time left. Commands draw it only when standard error is a terminal.
 */
import type { CliIo } from "./io.js";

export interface ProgressTickInput {
  readonly events: number;
  readonly totalEvents: number;
  readonly members: number;
  readonly commands: number;
  readonly program: number;
  readonly programs: number;
}

export function progressBar(io: CliIo, width = 24): { tick: (t: ProgressTickInput) => void; done: () => void } {
  const started = performance.now();
  let last = 0,
    program = -1,
    programStarted = started;
  const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");
  return {
    tick(t) {
      const now = performance.now();
      if (t.program !== program) {
        program = t.program;
        programStarted = now;
      }
      if (now - last < 200 && t.events < t.totalEvents) return;
      last = now;
      const done = (t.program + t.events / Math.max(1, t.totalEvents)) / t.programs;
      const filled = Math.round(done * width);
      const elapsed = (now - started) / 1000;
      const left = done > 0 ? (elapsed * (1 - done)) / done : 0;
      io.err(
        `\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] program ${t.program + 1}/${t.programs} · ` +
          `${fmt(t.members)} members · ${fmt(t.commands)} commands · ${fmt(t.commands / Math.max(0.001, (now - programStarted) / 1000))}/s · ${left.toFixed(0)} s left  `,
      );
    },
    done: () => io.err("\n"),
  };
}
