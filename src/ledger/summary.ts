/** The member summary: balances as of an instant, pending points by date, points expiring soon. */
import type { Program } from "../program/compile.js";
import { Decimal, ZERO, formatAmount } from "../shared/decimal.js";
import { addLocal, iso } from "../shared/time.js";
import { deadlines } from "../expiry/policy.js";
import { effectiveExpiry, isExpired, walletBalance } from "./lots.js";
import type { MemberState } from "./state.js";

export interface DatedPoints {
  readonly points: string;
  readonly at: string;
}

export interface WalletSummary {
  readonly kind: "spendable" | "qualifying";
  /** Spendable now. */
  readonly available: string;
  readonly pending: string;
  /** When pending points become available, soonest first. */
  readonly pendingUntil: readonly DatedPoints[];
  readonly debt: string;
  /** When the whole balance expires for inactivity unless the member is active first; null if the wallet has no such policy. */
  readonly inactivityDeadline: string | null;
  /**
   * Points past their expiry that no expire entry has written off yet (the member's next write, or
   * a sweep, will). Never spendable; shown so that the figures add up:
   * lifetime earned - spent - expired - reversed + adjusted = available + pending + expiredUnswept - debt.
   */
  readonly expiredUnswept: string;
  /** Available or pending points whose lots expire within the window, soonest first. */
  readonly expiringSoon: readonly DatedPoints[];
  readonly expiringSoonTotal: string;
  readonly lifetime: { readonly earned: string; readonly spent: string; readonly expired: string; readonly reversed: string; readonly adjusted: string };
}

export interface MemberSummary {
  readonly memberId: string;
  readonly asOf: string;
  readonly joinedAt: string;
  readonly birthday: string | null;
  readonly wallets: Readonly<Record<string, WalletSummary>>;
}


function grouped(items: { at: number; points: Decimal }[], scale: number): DatedPoints[] {
  const byAt = new Map<number, Decimal>();
  for (const i of items) byAt.set(i.at, (byAt.get(i.at) ?? ZERO).plus(i.points));
  return [...byAt.entries()].sort((a, b) => a[0] - b[0]).map(([at, points]) => ({ at: iso(at), points: formatAmount(points, scale) }));
}

export function summarize(program: Program, state: MemberState, now: number, expiringWithinDays: number): MemberSummary {
  const horizon = addLocal(now, program.timeZone, { days: expiringWithinDays });
  const wallets: Record<string, WalletSummary> = {};
  const fmt = (d: Decimal) => formatAmount(d, program.scale);
  const due = deadlines(program, state);
  for (const [id, wallet] of program.wallets) {
    const deadline = due.get(id) ?? null;
    const b = walletBalance(state, id, now, deadline);
    const lots = state.lots.filter((l) => l.wallet === id && !isExpired(l, now, deadline));
    const expiring = lots
      .map((l) => ({ at: effectiveExpiry(l, deadline), points: l.remaining }))
      .filter((e): e is { at: number; points: Decimal } => e.at !== null && e.at <= horizon);
    const t = state.wallets[id];
    wallets[id] = {
      kind: wallet.kind,
      available: fmt(b.available),
      pending: fmt(b.pending),
      pendingUntil: grouped(lots.filter((l) => now < l.availableAt).map((l) => ({ at: l.availableAt, points: l.remaining })), program.scale),
      debt: fmt(b.debt),
      inactivityDeadline: deadline === null ? null : iso(deadline),
      expiredUnswept: fmt(b.expiredUnswept),
      expiringSoon: grouped(expiring, program.scale),
      expiringSoonTotal: fmt(expiring.reduce((s, e) => s.plus(e.points), ZERO)),
      lifetime: {
        earned: fmt(t?.earned ?? ZERO), spent: fmt(t?.spent ?? ZERO), expired: fmt(t?.expired ?? ZERO),
        reversed: fmt(t?.reversed ?? ZERO), adjusted: fmt(t?.adjusted ?? ZERO),
      },
    };
  }
  return { memberId: state.memberId, asOf: iso(now), joinedAt: iso(state.joinedAt), birthday: state.birthday, wallets };
}
