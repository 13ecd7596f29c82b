/**
 * What a CLI command may touch of the process: its output streams and whether they are a terminal.
 * Commands receive it instead of reaching for `process`, so tests run them in-process and read what
 * they printed.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when standard error is a terminal: progress bars draw only then. */
  readonly interactive: boolean;
}

/** One subcommand of `loyalty-engine`: a line of help and a run that returns the exit code. */
export interface CliCommand {
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes: 0 done, 1 the work found a problem (refused rows under --strict, a failed fit), 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
