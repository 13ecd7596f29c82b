/**
 * A delivering process of the chaos audit (forked by driver.ts): runs some of the command lists,
 * each as an async worker with its own engine and store object (so that no engine queues another's
 * commands: they meet in the database), and appends one line per delivered command to its outcome
 * file, synchronously, so that what a SIGKILL interrupts is all that is lost.
 *
 * A command that fails with a code the library says to retry with the same key (RETRY_WITH_SAME_KEY:
 * a killed backend, a lost race) is sent again with that key, as a client would; anything else is its
 * outcome. An uncaught exception or unhandled rejection is counted and written down, never
 * swallowed: the process then exits non-zero.
 */
import { appendFileSync } from "node:fs";
import pg from "pg";
import { createLoyaltyEngine, isLoyaltyError, RETRY_WITH_SAME_KEY, type LoyaltyEngine } from "../../src/index.js";
import { createPostgresStore, pgPool } from "../../src/postgres/index.js";
import { canonicalJson } from "../../src/shared/canonical.js";
import { commandList, type ChaosCommand } from "./commands.js";
import { chaosInstant, chaosProgram } from "./program.js";
import type { DeliveryLine, DeliveryTask } from "./outcomes.js";

const task = JSON.parse(process.argv[2]!) as DeliveryTask;
const write = (line: DeliveryLine) => appendFileSync(task.out, `${JSON.stringify(line)}\n`);

let uncaught = 0;
const onUncaught = (error: unknown) => {
  uncaught++;
  write({
    kind: "uncaught",
    proc: task.proc,
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
};
process.on("uncaughtException", onUncaught);
process.on("unhandledRejection", onUncaught);

const MAX_DELIVERIES = 12;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function send(engine: LoyaltyEngine, command: ChaosCommand): Promise<{ replayed: boolean }> {
  switch (command.op) {
    case "purchase":
      return engine.recordPurchase(command.input);
    case "refund":
      return engine.refund(command.input);
    case "spend":
      return engine.spend(command.input);
    case "redeem":
      return engine.redeem(command.input);
    case "cancel":
      return engine.cancelRedemption(command.input);
    case "transfer":
      return engine.transfer(command.input);
    case "adjust":
      return engine.adjust(command.input);
  }
}

async function deliver(engine: LoyaltyEngine, list: number, index: number, command: ChaosCommand) {
  const retried: Record<string, number> = {};
  // What every line of this command says; the outcome fields vary.
  const record = (outcome: { outcome: string; replayed?: boolean; result?: string; message?: string }) =>
    write({
      kind: "command",
      phase: task.phase,
      proc: task.proc,
      list,
      index,
      key: command.input.key,
      ...outcome,
      retried,
    });
  for (let attempt = 1; ; attempt++) {
    try {
      const { replayed, ...result } = await send(engine, command);
      return record({ outcome: "ok", replayed, result: canonicalJson(result) });
    } catch (error) {
      if (!isLoyaltyError(error))
        return record({ outcome: "untyped", message: error instanceof Error ? error.message : String(error) });
      // The library's own list: the outcome is unknown, or nothing was written for a passing reason.
      if (!RETRY_WITH_SAME_KEY.includes(error.code) || attempt === MAX_DELIVERIES)
        return record({ outcome: error.code });
      retried[error.code] = (retried[error.code] ?? 0) + 1;
      await sleep(5 * attempt + Math.random() * 10);
    }
  }
}

async function main() {
  // One pool per worker in the chaos phase (as separate clients would have), one per process when replaying.
  const pools: pg.Pool[] = [];
  const newPool = (name: string, max: number) => {
    // As the README sets one up: the adapter listens for the errors of idle connections the killer drops.
    const pool = new pg.Pool({ connectionString: task.databaseUrl, max, application_name: name });
    pools.push(pool);
    return pool;
  };
  const shared = task.phase === "replay" ? newPool(`${task.appPrefix}-${task.proc}`, 6) : null;
  let delivered = 0;
  await Promise.all(
    task.lists.map(async (list) => {
      const pool = shared ?? newPool(`${task.appPrefix}-${task.proc}-${list}`, 1);
      let n = 0;
      const engine = createLoyaltyEngine({
        program: chaosProgram,
        store: createPostgresStore(pgPool(pool), { schema: task.schema }),
        clock: () => chaosInstant,
        // Unique across processes, phases and retries: lot ids are entry ids.
        ids: () => `${task.phase}-${task.proc}-${list}-${++n}`,
      });
      for (const [index, command] of commandList(list).entries()) {
        await deliver(engine, list, index, command);
        delivered++;
        process.send?.({ delivered });
      }
    }),
  );
  await Promise.all(pools.map((p) => p.end()));
}

main().then(
  () => process.exit(uncaught === 0 ? 0 : 1),
  (error: unknown) => {
    onUncaught(error);
    process.exit(1);
  },
);
