/**
 * The import record the importMember tests start from (test/engine/import*.test.ts), on the tier
 * test program (test/support/programs.ts) at NOW.
 */
import type { ImportMemberCommand } from "../../src/index.js";
import { testEngine } from "./engine.js";
import { tierProgram } from "./programs.js";

export const NOW = "2026-06-10T12:00:00Z";
export const program = tierProgram();
export const setup = () => testEngine(program, NOW);

/** A member from another system: two lots (one pending), a spent-down lot, debt on none, silver since March. */
export const record = (): ImportMemberCommand => ({
  key: "import:ann",
  memberId: "ann",
  joinedAt: "2024-02-01T09:00:00Z",
  birthday: "1985-07-04",
  attributes: { store: "leeds" },
  currency: "GBP",
  source: "legacy:4411",
  wallets: { points: { lifetime: { spent: "150", expired: "20" } }, status: {} },
  lots: [
    {
      wallet: "points",
      amount: "200",
      remaining: "50",
      earnedAt: "2025-09-01T10:00:00Z",
      expiresAt: "2027-09-01T10:00:00Z",
    },
    {
      wallet: "points",
      amount: "120",
      earnedAt: "2026-06-05T10:00:00Z",
      availableAt: "2026-06-19T10:00:00Z",
      ruleId: "base",
      purchaseId: "o-77",
    },
    { wallet: "status", amount: "620", earnedAt: "2026-03-01T10:00:00Z", expiresAt: null },
  ],
  purchases: [
    {
      purchaseId: "o-77",
      amount: "120.00",
      occurredAt: "2026-06-05T10:00:00Z",
      earned: { points: "120", status: "120" },
    },
  ],
  tier: { id: "silver", since: "2026-03-01T10:00:00Z", guaranteedUntil: "2027-01-01T00:00:00Z" },
  metrics: { "2026-03-01": { "points:status": "500" }, "2026-06-05": { "points:status": "120" } },
  caps: { base: { points: { month: { "2026-06": "120" } } } },
  activity: { purchase: "2026-06-05T10:00:00Z" },
});
