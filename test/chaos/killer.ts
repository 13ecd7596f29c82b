/**
 * The killer of the chaos audit: its own connection, which terminates one of the workers' backends
 * (found by their application_name) at random intervals until stopped, whatever that backend is
 * doing: idle in the pool, in the middle of a one-statement commit, or holding a transaction open.
 */
import pg from "pg";

export interface Killer {
  /** Stops, and says how many backends it terminated, by the state they were in. */
  stop(): Promise<Record<string, number>>;
}

export async function startKiller(
  databaseUrl: string,
  appPrefix: string,
  onError: (error: unknown) => void,
): Promise<Killer> {
  const conn = new pg.Client({ connectionString: databaseUrl, application_name: "chaos-killer" });
  await conn.connect();
  const killed: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 180));
      if (!running) break;
      try {
        const { rows } = await conn.query(
          `SELECT pid, state FROM pg_stat_activity WHERE application_name LIKE $1 AND pid <> pg_backend_pid()`,
          [`${appPrefix}-%`],
        );
        // Mostly a backend at work (a statement in flight, a transaction open): an idle one only
        // tests the pool's reconnection, which the server tests cover already.
        const busy = rows.filter((r) => r.state !== "idle");
        const from = busy.length > 0 && Math.random() < 0.75 ? busy : rows;
        const victim = from[Math.floor(Math.random() * from.length)];
        if (victim === undefined) continue;
        const { rows: done } = await conn.query("SELECT pg_terminate_backend($1) AS ok", [victim.pid]);
        if (done[0]?.ok === true) killed[victim.state ?? "unknown"] = (killed[victim.state ?? "unknown"] ?? 0) + 1;
      } catch (error) {
        running = false;
        onError(error);
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await conn.end();
      return killed;
    },
  };
}
