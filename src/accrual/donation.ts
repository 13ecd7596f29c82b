/**
 * Automatic donations (issue 17, docs/donations.md): on every purchase, a share of its money
 * (Target Circle gives 1% of purchases to the school or nonprofit the guest chose) or of the points
 * it earned goes to the member's cause, booked in the same command as a `donation` entry; a refund
 * takes it back in proportion to the money refunded.
 *
 * Rounding is down, and a refund's figure is cumulative: after refunds of R of a purchase of A, the
 * donation kept is round_down(given * (A - R) / A). So what is kept never exceeds the share of what
 * is kept of the purchase, partial refunds together never take back more than was given, and a
 * refund of everything takes back all of it.
 */
import type { Program } from "../program/compile.js";
import { Decimal, ZERO, formatAmount, roundTo } from "../shared/decimal.js";
import type { DeepReadonly, PurchaseRecord } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";

/** Decimals of a donation: the currency's minor unit for money, the point scale for points. */
const placesOf = (program: Program, of: "points" | "money") =>
  of === "money" ? program.currencyPlaces : program.scale;

/** The cause the member chose, if it is one of the program's (a cause since removed gives nothing). */
export function chosenCause(program: Program, attributes: Readonly<Record<string, unknown>>): string | null {
  const d = program.donations;
  if (d === null || !Object.hasOwn(attributes, d.attribute)) return null;
  const cause = attributes[d.attribute];
  return typeof cause === "string" && d.causes.has(cause) ? cause : null;
}

/**
 * Books purchase `purchaseId`'s donation, after its earn entries (a share of points reads what it
 * earned). Nothing without a program setting, a chosen cause, or an amount that rounds to zero.
 */
export function donate(writer: LedgerWriter, program: Program, purchaseId: string): void {
  const d = program.donations;
  const cause = chosenCause(program, writer.state.attributes);
  const purchase = writer.state.purchases[purchaseId];
  if (d === null || cause === null || purchase === undefined) return;
  const base = d.wallet === null ? purchase.amount : (purchase.earned[d.wallet] ?? ZERO);
  const places = placesOf(program, d.of);
  const amount = roundTo(base.times(d.share), places, "down");
  if (amount.lte(0)) return;
  const text = formatAmount(amount, places);
  writer.append({ kind: "donation", purchaseId, cause, of: d.of, wallet: d.wallet, amount: text });
}

/**
 * The donation a refund bringing `purchase`'s refunded money to `refundedAfter` takes back: the
 * part of what was given that the money left no longer carries, less what earlier refunds took.
 */
export function donationTakenBack(
  program: Program,
  purchase: DeepReadonly<PurchaseRecord>,
  refundedAfter: Decimal,
): Decimal {
  const given = purchase.donation;
  if (given === undefined) return ZERO;
  const left = Decimal.max(ZERO, purchase.amount.minus(refundedAfter));
  const kept = purchase.amount.isZero()
    ? ZERO
    : roundTo(given.amount.times(left).div(purchase.amount), placesOf(program, given.of), "down");
  return Decimal.max(ZERO, given.amount.minus(kept).minus(given.returned));
}

/** Appends the take-back of `purchaseId`'s donation worked out before the refund's entries (`donationTakenBack`). */
export function returnDonation(
  writer: LedgerWriter,
  program: Program,
  purchase: DeepReadonly<PurchaseRecord>,
  takenBack: Decimal,
): void {
  const given = purchase.donation;
  if (given === undefined || takenBack.lte(0)) return;
  writer.append({
    kind: "donation",
    purchaseId: purchase.id,
    cause: given.cause,
    of: given.of,
    wallet: given.wallet,
    amount: formatAmount(takenBack.neg(), placesOf(program, given.of)),
  });
}
