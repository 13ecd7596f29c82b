/** A purchase history drawn from the BG/NBD story itself, so that the models have something to fit. */
import type { HistoryEvent } from "../../src/simulate/index.js";
import { seededRandom } from "../../src/simulate/redemption.js";

const START = Date.UTC(2024, 0, 1, 12);
const DAY = 86_400_000;

/**
 * `members` members join over the first half year; while alive each buys as a Poisson process
 * (a rate per week drawn per member) and drops out after each purchase with a probability drawn
 * per member; spend per purchase varies around a member's own mean. Watched for `days` days.
 */
export function bgNbdHistory(members: number, seed: number, days = 540): HistoryEvent[] {
  const random = seededRandom(seed);
  const events: HistoryEvent[] = [];
  let line = 2;
  for (let i = 0; i < members; i++) {
    const rate = (-Math.log(1 - random()) * 0.6) / 7; // purchases per day while alive
    const dropout = random() * 0.4;
    const meanSpend = 20 + random() * 80;
    let day = Math.floor(random() * 180);
    for (;;) {
      const amount = (meanSpend * (0.5 + random())).toFixed(2);
      events.push({
        line: line++,
        memberId: `c${i}`,
        at: START + day * DAY,
        kind: "purchase",
        amount,
        currency: "GBP",
        id: `p${line}`,
        returnsPurchaseId: null,
      });
      if (random() < dropout) break;
      day += Math.max(1, Math.ceil(-Math.log(1 - random()) / rate));
      if (day >= days) break;
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

/** The same history as the CSV simulateSmall reads (customer, when, total, order, returns). */
export function csvOf(events: readonly HistoryEvent[]): string {
  const rows = events.map((e) => `${e.memberId ?? ""},${new Date(e.at).toISOString()},${e.amount},${e.id ?? ""},`);
  return ["customer,when,total,order,returns", ...rows].join("\n");
}
