/**
 * Where the machine's CPU went over a window (Linux /proc): the cores busy, split between
 * PostgreSQL, the bench's clients, kernel threads and anything else. The PostgreSQL figures use it
 * to tell a slow library from a busy machine, and to charge the server's CPU per command.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";

export interface CpuSample {
  readonly at: number;
  /** Jiffies of all CPUs: total; idle + iowait; stolen by the hypervisor. */
  readonly total: number;
  readonly idle: number;
  readonly steal: number;
  /** Per process alive at the time: command name, parent pid, start time, command line, user + system jiffies. */
  readonly procs: ReadonlyMap<
    number,
    {
      readonly comm: string;
      readonly ppid: number;
      readonly started: number;
      readonly cmdline: string;
      readonly ticks: number;
    }
  >;
}

/**
 * CPU use over a window, in cores (1 = one core busy all the time). Per process, only processes
 * alive at both ends of the window are seen, so a window should start after the measured processes
 * (and their server backends) started, and end before they end.
 */
export interface CpuSplit {
  readonly cores: number;
  /** All CPU time that was not idle: processes, kernel, interrupts (loopback TCP is mostly here), steal. */
  readonly busy: number;
  /** Time the hypervisor gave to someone else (a virtual machine's neighbours). */
  readonly steal: number;
  /** PostgreSQL: the server's own processes and the backends of the bench's database user. */
  readonly postgres: number;
  /** How many PostgreSQL processes were seen at both ends (0: the server is not on this machine). */
  readonly postgresProcesses: number;
  /** The bench's client processes (or pgbench). */
  readonly clients: number;
  /** Kernel threads (kworker: mostly writing back the server's files). */
  readonly kernel: number;
  /** Everything else: other processes (those that ended within the window are not seen), and backends of other database users. Should be near 0. */
  readonly other: number;
}

export function sampleCpu(): CpuSample | null {
  if (!existsSync("/proc/stat")) return null;
  const cpu = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const procs = new Map<number, { comm: string; ppid: number; started: number; cmdline: string; ticks: number }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const f = stat.slice(close + 2).split(" ");
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      procs.set(Number(name), {
        comm: stat.slice(stat.indexOf("(") + 1, close),
        ppid: Number(f[1]),
        started: Number(f[19]),
        cmdline,
        ticks: Number(f[11]) + Number(f[12]),
      });
    } catch {
      // the process ended meanwhile
    }
  }
  return {
    at: performance.now(),
    total: cpu.reduce((a, b) => a + b, 0),
    idle: (cpu[3] ?? 0) + (cpu[4] ?? 0),
    steal: cpu[7] ?? 0,
    procs,
  };
}

/**
 * Where the CPU went between two samples. `clientPids`: the measured client processes (their
 * children count too); `dbUser`: the database user the bench connects as (backends show it in
 * their command line, `postgres: 15/main: user db host(port) state`).
 */
export function cpuSplit(
  a: CpuSample | null,
  b: CpuSample | null,
  clientPids: readonly number[],
  dbUser: string,
): CpuSplit | null {
  if (!a || !b || b.total <= a.total) return null;
  const cores = readFileSync("/proc/stat", "utf8")
    .split("\n")
    .filter((l) => /^cpu\d/.test(l)).length;
  const perCore = (b.total - a.total) / cores; // jiffies of one CPU over the window
  let postgres = 0,
    postgresProcesses = 0,
    clients = 0,
    kernel = 0,
    other = 0;
  for (const [pid, p] of b.procs) {
    const before = a.procs.get(pid);
    const used = (p.ticks - (before?.started === p.started ? before.ticks : 0)) / perCore; // a process started meanwhile: all of its time
    if (clientPids.includes(pid) || clientPids.includes(p.ppid)) clients += used;
    else if (pid === 2 || p.ppid === 2) kernel += used;
    else if (p.comm === "postgres" || p.cmdline.startsWith("postgres:")) {
      const backend = /^postgres: [^:]+: (\S+) /.exec(p.cmdline);
      if (!backend || backend[1] === dbUser) {
        postgres += used;
        postgresProcesses++;
      } else other += used;
    } else other += used;
  }
  const share = (x: number) => (x / (b.total - a.total)) * cores;
  return {
    cores,
    busy: cores - share(b.idle - a.idle),
    steal: share(b.steal - a.steal),
    postgres,
    postgresProcesses,
    clients,
    kernel,
    other,
  };
}
