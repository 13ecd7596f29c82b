/**
 * Reward stock in the store: the count a reward has left, and the commit's changes to it. A reward
 * no commit has touched has no row: its count is the program's `stock` (the change carries it as
 * `initial`), and a first change starts the row from there (src/store/stock.ts says the rule once;
 * the upsert applies it in SQL).
 */
import { CommitConflict, type CommitBatch } from "../store/port.js";
import { stockAfter } from "../store/stock.js";
import type { SqlQueryable } from "./client.js";
import type { CommitContext, SqlContext } from "./context.js";
import { byId, storable, text } from "./rows.js";

export async function getStock(ctx: SqlContext, programId: string, rewardId: string): Promise<number | null> {
  if (!storable(programId) || !storable(rewardId)) return null;
  const { rows } = await ctx.client.query(ctx.sql.getStock, [programId, rewardId]);
  return rows[0] ? Number(text(rows[0].remaining)) : null;
}

/** The batch's stock changes, in ascending reward id, each refused if it would go below zero. */
export async function writeStockChanges(ctx: CommitContext, tx: SqlQueryable, batch: CommitBatch): Promise<void> {
  const p = batch.programId;
  for (const c of [...(batch.stock ?? [])].sort((a, b) => byId(a.rewardId, b.rewardId))) {
    if (!Number.isSafeInteger(c.delta) || !Number.isSafeInteger(c.initial) || c.initial < 0)
      throw new Error(`PostgreSQL store: bad stock change for reward ${c.rewardId}`);
    const { rows } = await tx.query(ctx.sql.changeStock, [p, c.rewardId, String(c.initial), String(c.delta)]);
    if (rows.length === 0) throw new CommitConflict("stock", c.rewardId);
    await ctx.faults?.("stock");
  }
}

/**
 * The reward whose stock a failed statement would have taken below zero: a first insert whose
 * count starts below zero fails the table's CHECK (23514). Null for any other error.
 */
export function stockViolation(error: unknown, batch: CommitBatch): string | null {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown; detail?: unknown } | null;
  if (e?.code !== "23514" || !(batch.stock ?? []).length) return null;
  const named = typeof e.constraint === "string" ? e.constraint : typeof e.message === "string" ? e.message : "";
  if (!named.includes("loyalty_reward_stock")) return null;
  const short = (batch.stock ?? []).find((c) => stockAfter(null, c) < 0);
  return short?.rewardId ?? batch.stock![0]!.rewardId;
}
