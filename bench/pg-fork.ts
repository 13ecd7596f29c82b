/**
 * Forks bench client processes (bench/postgres-client.ts), one task each, and collects their
 * reports: the PostgreSQL figures run their clients in processes of their own, as pgbench runs
 * threads, so that the bench's own process is not one of the measured clients.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ClientReport, ClientTask } from "./postgres-client.js";

export function runClients(tasks: readonly ClientTask[]): Promise<ClientReport[]> {
  const file = fileURLToPath(new URL("./postgres-client.ts", import.meta.url));
  return Promise.all(
    tasks.map(
      (task) =>
        new Promise<ClientReport>((resolve, reject) => {
          const child = fork(file, [], {
            execArgv: ["--import", "tsx"],
            stdio: ["ignore", "inherit", "inherit", "ipc"],
          });
          let report: ClientReport | undefined;
          child.once("message", (m: ClientReport) => {
            report = m;
          });
          child.once("error", reject);
          child.once("exit", (code) =>
            report && code === 0 ? resolve(report) : reject(new Error(`bench client exited with ${code}`)),
          );
          child.send(task);
        }),
    ),
  );
}
