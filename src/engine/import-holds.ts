/**
 * importMember's open checkout holds, checked against the opening lots and wallets (docs/checkout.md,
 * "Moving a member"): each draw names a lot of the hold's wallet by place, the holds never draw more
 * from a lot than it lacks, and held points are part of the wallet's lifetime `spent` (as a hold
 * entry leaves them). Every bad field is reported with its path; import-check.ts makes the body.
 */
import { importIssues as issue, messages } from "../errors/messages.js";
import type { OpeningHold, OpeningLot } from "../ledger/entries.js";
import type { Program } from "../program/compile.js";
import { type Decimal, ZERO, decimalPlaces } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { instantMs } from "../shared/validation.js";
import type { importMemberSchema } from "./import-schema.js";
import type * as z from "zod/mini";

type Path = readonly (string | number)[];
type Holds = z.output<typeof importMemberSchema>["holds"];

export function openingHolds(
  program: Program,
  holds: Holds,
  lots: readonly OpeningLot[],
  spent: (wallet: string) => Decimal | null,
  bad: (path: Path, message: string) => void,
  when: (path: Path, value: string | Date) => number,
): OpeningHold[] {
  const f = messages.field;
  const ids = new Set<string>();
  const drawn = new Map<number, Decimal>();
  const heldIn = new Map<string, Decimal>();
  const out = (holds ?? []).map((h, i): OpeningHold => {
    const at = ["holds", i] as const;
    if (ids.has(h.holdId)) bad([...at, "holdId"], f.duplicateId(h.holdId));
    ids.add(h.holdId);
    if (!program.wallets.has(h.wallet)) bad([...at, "wallet"], f.unknownWallet(h.wallet));
    const placedAt = when([...at, "placedAt"], h.placedAt);
    const expiresAt = instantMs(h.expiresAt);
    if (expiresAt <= placedAt) bad([...at, "expiresAt"], issue.holdExpiresBeforePlaced);
    if (h.orderAmount !== undefined && decimalPlaces(h.orderAmount) > program.currencyPlaces)
      bad([...at, "orderAmount"], f.tooPrecise(program.currencyPlaces));
    const draws = h.draws.map((d, j) => {
      const path = [...at, "draws", j] as const;
      if (decimalPlaces(d.points) > program.scale) bad([...path, "points"], f.tooPrecise(program.scale));
      const lot = lots[d.lot];
      if (lot === undefined) bad([...path, "lot"], issue.unknownHoldLot(lots.length));
      else if (lot.wallet !== h.wallet) bad([...path, "lot"], issue.holdLotOfOtherWallet);
      else {
        const total = (drawn.get(d.lot) ?? ZERO).plus(d.points);
        drawn.set(d.lot, total);
        if (total.plus(lot.remaining).gt(lot.amount)) bad([...path, "points"], issue.holdDrawAboveLot);
      }
      heldIn.set(h.wallet, (heldIn.get(h.wallet) ?? ZERO).plus(d.points));
      return { lot: d.lot, points: d.points };
    });
    // A wallet with no totals has spent nothing: nothing can be held in it.
    if (program.wallets.has(h.wallet) && heldIn.get(h.wallet)!.gt(spent(h.wallet) ?? ZERO))
      bad([...at, "draws"], issue.holdAboveSpent(h.wallet));
    return {
      holdId: h.holdId,
      wallet: h.wallet,
      orderAmount: h.orderAmount ?? null,
      placedAt: iso(placedAt),
      expiresAt: iso(expiresAt),
      reference: h.reference ?? null,
      draws,
    };
  });
  return out;
}
