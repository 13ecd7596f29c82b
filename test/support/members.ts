/** Helpers of test/rewards-review.test.ts: an engine on a fresh in-memory store with member-named shortcuts. */
import type { ProgramDefinition } from "../../src/index.js";
import { memberViolations } from "../../src/testing/index.js";
import { testEngine, type TestEngineOptions } from "./engine.js";

export const DAY = 86_400_000;
export const T0 = Date.parse("2026-03-02T10:00:00Z");
export type RewardInput = NonNullable<ProgramDefinition["rewards"]>[number];

export function setup(def: ProgramDefinition, start: number = T0, extra: TestEngineOptions = {}) {
  const { engine, store, t } = testEngine(def, start, {
    codes: (r) => `C-${r.redemptionId}-${r.index}`,
    ...extra,
  });
  let n = 0;
  const k = (p = "k") => `${p}-${++n}`;
  const enroll = (id: string) => engine.enroll({ key: k("enroll"), memberId: id });
  const buy = (id: string, amount: string, purchaseId = k("p")) =>
    engine.recordPurchase({ key: k("buy"), memberId: id, purchaseId, amount, currency: "GBP" });
  const avail = async (id: string, wallet = "points") => (await engine.summary(id)).wallets[wallet]!;
  const violations = (id: string) => memberViolations(store, def.id, id, t.now());
  return { t, store, engine, k, enroll, buy, avail, violations };
}
