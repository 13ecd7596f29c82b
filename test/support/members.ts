/**
 * An engine on a fresh in-memory store (codes `C-<redemption>-<index>`, a clock at T0) with
 * shortcuts that take the member id first: enroll, buy, avail (a wallet of the summary), violations.
 */
import type { ProgramDefinition } from "../../src/index.js";
import { memberViolations } from "../../src/testing/index.js";
import { testEngine, type TestEngineOptions } from "./engine.js";

/** Monday 2 March 2026, 10:00 in London (GMT). */
export const T0 = Date.parse("2026-03-02T10:00:00Z");

export function memberSetup(def: ProgramDefinition, start: number = T0, extra: TestEngineOptions = {}) {
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
