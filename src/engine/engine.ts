/**
 * The facade: the imperative shell around the pure core. For a write it validates the command,
 * checks its idempotency key, loads the member, runs the pure decision on a LedgerWriter, and
 * commits entries, snapshot and idempotency record in one store call; on a version conflict it
 * reloads and decides again, a bounded number of times. It is the only module that reads the clock.
 */
import type { z } from "zod";
import { LoyaltyError, type FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { recordEvent, recordPurchase, evaluateEvent, evaluatePurchase } from "../accrual/earn.js";
import type { Evaluation } from "../accrual/evaluate.js";
import { refund as decideRefund } from "../accrual/refund.js";
import type { CommandType, Entry } from "../ledger/entries.js";
import { nextDueAt } from "../ledger/lots.js";
import { adjust as decideAdjust, enroll as decideEnroll, spend as decideSpend } from "../ledger/operations.js";
import { expireDue, expiringBetween, type ExpiringPoints } from "../expiry/due.js";
import { deadlines } from "../expiry/policy.js";
import { fromSnapshot, toSnapshot, type MemberState } from "../ledger/state.js";
import { summarize, type MemberSummary } from "../ledger/summary.js";
import { LedgerWriter } from "../ledger/writer.js";
import { compileProgram, type Program, type PurchaseLine } from "../program/compile.js";
import type { Scalar } from "../program/conditions.js";
import { canonicalJson, sha256Hex } from "../shared/canonical.js";
import { Decimal, decimalPlaces, formatAmount } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { instantMs, parseOrThrow } from "../shared/validation.js";
import { CommitConflict, type LoyaltyStore } from "../store/port.js";
import * as schemas from "./commands.js";
import { metricStamper } from "../tiers/metrics.js";
import { assignTier as decideAssignTier, reviewDueAt, reviewTier, tiersAfterCommand } from "../tiers/review.js";
import type { TierEntry, TierReason } from "../ledger/entries.js";

export interface EngineOptions {
  /** A program definition (validated and compiled here) or an already compiled program. */
  readonly program: unknown;
  readonly store: LoyaltyStore;
  /** The current time; defaults to the system clock. Inject one in tests and replays. */
  readonly clock?: () => Date | number;
  /** New entry ids; defaults to random UUIDs. */
  readonly ids?: () => string;
  /** Decisions attempted per command before CONCURRENCY_CONFLICT. Default 10. */
  readonly maxAttempts?: number;
}

/** One rule's contribution to a command, as results and previews show it. */
export interface AwardLine {
  readonly ruleId: string;
  readonly ruleName: string | null;
  readonly wallet: string;
  readonly points: string;
  /** Points before caps; differs from `points` only when a cap applied. */
  readonly uncapped: string;
}

export interface EarnResult {
  readonly memberId: string;
  readonly purchaseId: string | null;
  readonly awards: readonly AwardLine[];
  /** Points earned per wallet. */
  readonly totals: Readonly<Record<string, string>>;
  /** When the points become spendable (after the return window for purchases). */
  readonly availableAt: string | null;
  readonly entries: readonly Entry[];
}

export interface RefundResult {
  readonly memberId: string;
  readonly purchaseId: string | null;
  readonly reversed: readonly { wallet: string; points: string; debt: string; forgiven: string }[];
  readonly entries: readonly Entry[];
}

export interface PointsResult {
  readonly memberId: string;
  readonly wallet: string;
  readonly points: string;
  readonly entries: readonly Entry[];
}

export interface EnrollResult {
  readonly memberId: string;
  readonly entries: readonly Entry[];
}

/** Every write result says whether it was replayed from an earlier call with the same key. */
export type Replayable<T> = T & { readonly replayed: boolean };

export interface SweepResult {
  /** The sweep's instant: lots due at or before it were written off. */
  readonly asOf: string;
  /** Members the due index named. */
  readonly scanned: number;
  /** Members that had something to write off. */
  readonly members: number;
  readonly lots: number;
  /** Points written off per wallet. */
  readonly points: Readonly<Record<string, string>>;
}

export interface ExpiringSoonPage {
  readonly members: readonly { readonly memberId: string; readonly expiring: readonly ExpiringPoints[] }[];
  /** Pass as `after` for the next page; null when the scan reached the end of the window. */
  readonly after: { readonly dueAt: number; readonly memberId: string } | null;
}

/** A page of a member's ledger, each entry with the name of the rule that earned it. */
export interface Statement {
  readonly entries: readonly (Entry & { readonly ruleName: string | null })[];
  /** Pass as `afterSeq` for the next page; null on the last page. */
  readonly nextAfterSeq: number | null;
}

export interface PreviewResult {
  readonly awards: readonly AwardLine[];
  readonly totals: Readonly<Record<string, string>>;
}

/** What a tier review sweep did. */
export interface TierSweepResult {
  readonly asOf: string;
  /** Members the due index named (due for a review or for an expiry). */
  readonly scanned: number;
  /** Members that got at least one tier entry. */
  readonly members: number;
  /** Tier entries written, by reason (promotion, requalified, grace_started, demotion, held, floor_ended). */
  readonly changes: Readonly<Partial<Record<TierReason, number>>>;
}

export interface TierResult {
  readonly memberId: string;
  readonly tier: string;
  readonly entries: readonly Entry[];
}

export interface LoyaltyEngine {
  readonly program: Program;
  enroll(command: schemas.EnrollCommand): Promise<Replayable<EnrollResult>>;
  recordPurchase(command: schemas.PurchaseCommand): Promise<Replayable<EarnResult>>;
  recordEvent(command: schemas.EventCommand): Promise<Replayable<EarnResult>>;
  refund(command: schemas.RefundCommand): Promise<Replayable<RefundResult>>;
  adjust(command: schemas.AdjustCommand): Promise<Replayable<PointsResult>>;
  spend(command: schemas.SpendCommand): Promise<Replayable<PointsResult>>;
  summary(memberId: string, options?: z.input<typeof schemas.summaryOptionsSchema>): Promise<MemberSummary>;
  statement(memberId: string, options?: z.input<typeof schemas.statementOptionsSchema>): Promise<Statement>;
  previewPurchase(input: schemas.PreviewPurchaseInput): Promise<PreviewResult>;
  /**
   * The expiry sweep: writes off every lot due by now (its expiresAt, or its wallet's inactivity
   * deadline), member by member, touching only members the store's due index names, in batches.
   * Safe to re-run, to resume after a crash, and to run twice at once: each lot expires once.
   */
  expire(options?: z.input<typeof schemas.expireOptionsSchema>): Promise<SweepResult>;
  /**
   * Across the program: members with points that expire in [from, to) (default from now), a page at
   * a time, for the "your points expire soon" message. Pass `after` from the last page to go on.
   */
  expiringSoon(options: z.input<typeof schemas.expiringSoonOptionsSchema>): Promise<ExpiringSoonPage>;
  previewEvent(input: schemas.PreviewEventInput): Promise<PreviewResult>;
  /**
   * The tier review sweep: processes every member whose review is due by now (each review at its
   * own scheduled instant), touching only the members the store's due index names. Resumable and
   * idempotent: a rerun, or two sweeps at once, write each review once. Commands also process
   * their member's overdue reviews first, so the outcome never depends on when the sweep runs.
   */
  reviewTiers(options?: z.input<typeof schemas.reviewTiersOptionsSchema>): Promise<TierSweepResult>;
  /** Assigns a tier by hand, optionally as a floor until a date (see README, Tiers). */
  assignTier(command: schemas.AssignTierCommand): Promise<Replayable<TierResult>>;
}

const f = messages.field;

export function createLoyaltyEngine(options: EngineOptions): LoyaltyEngine {
  const program = isCompiled(options.program) ? options.program : compileProgram(options.program);
  const store = options.store;
  const clock = options.clock ?? (() => Date.now());
  const newId = options.ids ?? (() => globalThis.crypto.randomUUID());
  const maxAttempts = options.maxAttempts ?? 10;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("createLoyaltyEngine", 1), { issues: [{ path: ["maxAttempts"], message: f.expectedType("a whole number of at least 1") }] });
  }
  const now = () => { const t = clock(); return typeof t === "number" ? t : t.getTime(); };
  const fmt = (d: Decimal) => formatAmount(d, program.scale);
  const stamp = metricStamper(program);
  /** The member's earliest due work: a lot's expiry or a tier review, whichever comes first. */
  const dueAtOf = (state: MemberState) => {
    const expiry = nextDueAt(state, deadlines(program, state));
    const review = reviewDueAt(program, state);
    return expiry === null ? review : review === null ? expiry : Math.min(expiry, review);
  };
  /** What a decision commits for its member: the new entries, snapshot and due instant. */
  const memberWrite = (writer: LedgerWriter, expectedVersion: number | null) => ({
    memberId: writer.state.memberId, expectedVersion, snapshot: toSnapshot(writer.state), entries: writer.entries, dueAt: dueAtOf(writer.state),
  });

  function parse<S extends z.ZodType>(schema: S, input: unknown, name: string): z.output<S> {
    return parseOrThrow(schema, input, "INVALID_COMMAND", (n) => messages.invalidCommand(name, n));
  }

  /** Checks that need the program: currency, precision, wallets, time. All issues at once. */
  function checkAgainstProgram(name: string, c: { currency?: string; amount?: string; lines?: readonly { amount: string }[]; wallet?: string; points?: string; occurredAt?: string | Date }, spendOnly = false): void {
    const issues: FieldIssue[] = [];
    let currencyWrong = false;
    if (c.currency !== undefined && c.currency !== program.currency) {
      currencyWrong = true;
      issues.push({ path: ["currency"], message: messages.currencyMismatch(program.currency, c.currency) });
    }
    if (c.amount !== undefined && decimalPlaces(c.amount) > program.currencyPlaces) issues.push({ path: ["amount"], message: f.tooPrecise(program.currencyPlaces) });
    c.lines?.forEach((l, i) => { if (decimalPlaces(l.amount) > program.currencyPlaces) issues.push({ path: ["lines", i, "amount"], message: f.tooPrecise(program.currencyPlaces) }); });
    // Lines may sum to less than the amount (shipping, fees), never to more: line-filtered awards
    // would otherwise earn on money that was not paid.
    if (c.lines !== undefined && c.amount !== undefined && c.lines.reduce((t, l) => t.plus(l.amount), new Decimal(0)).gt(c.amount)) {
      issues.push({ path: ["lines"], message: f.linesExceedAmount });
    }
    if (c.wallet !== undefined) {
      const wallet = program.wallets.get(c.wallet);
      if (!wallet) issues.push({ path: ["wallet"], message: f.unknownWallet(c.wallet) });
      else if (spendOnly && wallet.kind !== "spendable") issues.push({ path: ["wallet"], message: f.walletNotSpendable(c.wallet) });
    }
    if (c.points !== undefined && decimalPlaces(c.points) > program.scale) issues.push({ path: ["points"], message: f.tooPrecise(program.scale) });
    if (c.occurredAt !== undefined && instantMs(c.occurredAt) > now()) issues.push({ path: ["occurredAt"], message: f.inFuture });
    if (issues.length === 0) return;
    if (currencyWrong && issues.length === 1) {
      throw new LoyaltyError("CURRENCY_MISMATCH", messages.currencyMismatch(program.currency, c.currency!), { issues });
    }
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand(name, issues.length), { issues });
  }

  async function guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof LoyaltyError || isCommitConflict(error)) throw error;
      throw new LoyaltyError("STORE_FAILURE", messages.storeFailure(error instanceof Error ? error.message : String(error)), { cause: error });
    }
  }

  async function loadState(memberId: string): Promise<{ state: MemberState; version: number } | null> {
    const stored = await guard(() => store.loadMember(program.id, memberId));
    return stored ? { state: fromSnapshot(stored.snapshot), version: stored.version } : null;
  }

  /**
   * The write path shared by every command: idempotency, load, decide, commit, retry.
   * `decide` gets a writer over the member's state (expired lots already written off) and returns
   * the command's result; it throws a LoyaltyError to refuse.
   */
  async function write<R extends object>(type: CommandType, raw: unknown, key: string, memberId: string, mustExist: boolean, decide: (w: LedgerWriter) => Omit<R, "entries">): Promise<Replayable<R>> {
    const payloadHash = await sha256Hex(canonicalJson({ command: type, input: raw }));
    for (let attempt = 1; attempt <= maxAttempts + 1; attempt++) {
      // The member first, then the key: a commit whose effect this load sees is visible to the key
      // read that follows, so a delivery that loses the race to its own key replays it rather than
      // failing on its own effect (DUPLICATE_PURCHASE, MEMBER_EXISTS).
      const loaded = attempt > maxAttempts ? null : await loadState(memberId);
      const prior = await guard(() => store.getIdempotency(program.id, key));
      if (prior) {
        if (prior.payloadHash !== payloadHash) {
          throw new LoyaltyError("IDEMPOTENCY_CONFLICT", messages.idempotencyConflict(key), { issues: [{ path: ["key"], message: messages.idempotencyConflict(key) }] });
        }
        return { ...(prior.result as R), replayed: true };
      }
      // The extra pass after the last attempt only reads the key: a command that lost its last
      // race to the same key is a replay, not a conflict.
      if (attempt > maxAttempts) break;
      if (!loaded && mustExist) throw memberNotFound(memberId);
      if (loaded && !mustExist) throw new LoyaltyError("MEMBER_EXISTS", messages.memberExists(memberId), { issues: [{ path: ["memberId"], message: messages.memberExists(memberId) }] });
      const at = now();
      const writer = new LedgerWriter(loaded?.state ?? null, memberId, { now: at, newId, command: { key, type }, ...(stamp ? { stamp } : {}) });
      if (loaded) {
        expireDue(writer, program);
        // Overdue tier reviews first, each at its own instant: the tier never depends on when a sweep ran.
        reviewTier(writer, program);
      }
      const partial = decide(writer);
      tiersAfterCommand(writer, program, loaded?.state ?? null, type);
      const result = { ...partial, entries: writer.entries } as unknown as R;
      try {
        await guard(() => store.commit({
          programId: program.id,
          members: [memberWrite(writer, loaded?.version ?? null)],
          idempotency: { key, payloadHash, result, committedAt: iso(at) },
        }));
        return { ...result, replayed: false };
      } catch (error) {
        if (isCommitConflict(error)) continue; // someone else wrote first: read again, decide again
        throw error;
      }
    }
    throw new LoyaltyError("CONCURRENCY_CONFLICT", messages.concurrencyConflict(memberId, maxAttempts), { details: { memberId, attempts: maxAttempts } });
  }

  function awardLines(e: Evaluation): { awards: AwardLine[]; totals: Record<string, string> } {
    const totals = new Map<string, Decimal>();
    const awards = e.awards.map((a) => {
      totals.set(a.wallet, (totals.get(a.wallet) ?? new Decimal(0)).plus(a.points));
      return { ruleId: a.ruleId, ruleName: a.ruleName ?? null, wallet: a.wallet, points: fmt(a.points), uncapped: fmt(a.uncapped) };
    });
    return { awards, totals: Object.fromEntries([...totals].map(([w, p]) => [w, fmt(p)])) };
  }

  const toLines = (lines: readonly { sku: string; category?: string | undefined; quantity: number; amount: string }[] | undefined): PurchaseLine[] | null =>
    lines ? lines.map((l) => ({ sku: l.sku, ...(l.category === undefined ? {} : { category: l.category }), quantity: l.quantity, amount: new Decimal(l.amount) })) : null;

  const attrs = (a: Record<string, Scalar> | undefined) => a ?? {};

  return {
    program,

    async enroll(input) {
      const c = parse(schemas.enrollSchema, input, "enroll");
      if (c.joinedAt !== undefined && instantMs(c.joinedAt) > now()) throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("enroll", 1), { issues: [{ path: ["joinedAt"], message: f.inFuture }] });
      return write<EnrollResult>("enroll", input, c.key, c.memberId, false, (w) => {
        decideEnroll(w, { joinedAt: c.joinedAt === undefined ? w.now : instantMs(c.joinedAt), birthday: c.birthday ?? null, attributes: attrs(c.attributes) });
        return { memberId: c.memberId };
      });
    },

    async recordPurchase(input) {
      const c = parse(schemas.purchaseSchema, input, "recordPurchase");
      checkAgainstProgram("recordPurchase", c);
      return write<EarnResult>("purchase", input, c.key, c.memberId, true, (w) => {
        const occurredAt = c.occurredAt === undefined ? w.now : instantMs(c.occurredAt);
        const evaluation = recordPurchase(w, program, { purchaseId: c.purchaseId, amount: new Decimal(c.amount), occurredAt, lines: toLines(c.lines), attributes: attrs(c.attributes) });
        const earnEntry = w.entries.find((e) => e.kind === "earn");
        return { memberId: c.memberId, purchaseId: c.purchaseId, ...awardLines(evaluation), availableAt: earnEntry?.kind === "earn" ? earnEntry.lot.availableAt : null };
      });
    },

    async recordEvent(input) {
      const c = parse(schemas.eventSchema, input, "recordEvent");
      checkAgainstProgram("recordEvent", c);
      return write<EarnResult>("event", input, c.key, c.memberId, true, (w) => {
        const occurredAt = c.occurredAt === undefined ? w.now : instantMs(c.occurredAt);
        const evaluation = recordEvent(w, program, { type: c.type, occurredAt, attributes: attrs(c.attributes) });
        return { memberId: c.memberId, purchaseId: null, ...awardLines(evaluation), availableAt: evaluation.awards.length > 0 ? iso(occurredAt) : null };
      });
    },

    async refund(input) {
      const c = parse(schemas.refundSchema, input, "refund");
      checkAgainstProgram("refund", c);
      return write<RefundResult>("refund", input, c.key, c.memberId, true, (w) => {
        const reversals = decideRefund(w, program, { purchaseId: c.purchaseId ?? null, amount: new Decimal(c.amount) });
        return {
          memberId: c.memberId,
          purchaseId: c.purchaseId ?? null,
          reversed: reversals.map((r) => ({ wallet: r.wallet, points: fmt(r.points), debt: fmt(r.debt), forgiven: fmt(r.forgiven) })),
        };
      });
    },

    async adjust(input) {
      const c = parse(schemas.adjustSchema, input, "adjust");
      checkAgainstProgram("adjust", c);
      return write<PointsResult>("adjust", input, c.key, c.memberId, true, (w) => {
        decideAdjust(w, program, { wallet: c.wallet, points: new Decimal(c.points), reason: c.reason, reference: c.reference ?? null });
        return { memberId: c.memberId, wallet: c.wallet, points: fmt(new Decimal(c.points)) };
      });
    },

    async spend(input) {
      const c = parse(schemas.spendSchema, input, "spend");
      checkAgainstProgram("spend", c, true);
      return write<PointsResult>("spend", input, c.key, c.memberId, true, (w) => {
        decideSpend(w, c.wallet, new Decimal(c.points), c.reference ?? null);
        return { memberId: c.memberId, wallet: c.wallet, points: fmt(new Decimal(c.points)) };
      });
    },

    async summary(memberId, opts = {}) {
      const id = parse(schemas.summaryOptionsSchema.extend({ memberId: schemas.enrollSchema.shape.memberId }), { ...opts, memberId }, "summary");
      return summarize(program, await loadKnown(id.memberId), now(), id.expiringWithinDays ?? 30);
    },

    async statement(memberId, opts = {}) {
      const o = parse(schemas.statementOptionsSchema.extend({ memberId: schemas.enrollSchema.shape.memberId }), { ...opts, memberId }, "statement");
      await loadKnown(o.memberId);
      const page = await guard(() => store.readEntries(program.id, o.memberId, { afterSeq: o.afterSeq ?? 0, limit: o.limit ?? 50 }));
      const ruleName = (e: Entry) => (e.kind === "earn" ? (program.rules.get(e.ruleId)?.name ?? null) : null);
      return { entries: page.entries.map((e) => ({ ...e, ruleName: ruleName(e) })), nextAfterSeq: page.nextAfterSeq };
    },

    async previewPurchase(input) {
      const c = parse(schemas.previewPurchaseSchema, input, "previewPurchase");
      checkAgainstProgram("previewPurchase", c);
      const state = c.memberId === undefined ? null : await loadKnown(c.memberId);
      return awardLines(evaluatePurchase(program, state, { amount: new Decimal(c.amount), occurredAt: c.occurredAt === undefined ? now() : instantMs(c.occurredAt), lines: toLines(c.lines), attributes: attrs(c.attributes) }));
    },

    async expire(options = {}) {
      const o = parse(schemas.expireOptionsSchema, options, "expire");
      const at = now();
      const totals = new Map<string, Decimal>();
      let scanned = 0, members = 0, lots = 0;
      await forEachDue(at, o.batchSize ?? 500, async (memberId) => {
        scanned++;
        const entries = await expireMember(memberId, at);
        if (entries.length > 0) members++;
        for (const e of entries) {
          if (e.kind !== "expire") continue;
          lots += e.lots.length;
          totals.set(e.wallet, (totals.get(e.wallet) ?? new Decimal(0)).plus(e.points));
        }
      });
      return { asOf: iso(at), scanned, members, lots, points: Object.fromEntries([...totals].map(([w, p]) => [w, fmt(p)])) };
    },

    async expiringSoon(options) {
      const o = parse(schemas.expiringSoonOptionsSchema, options, "expiringSoon");
      const from = o.from === undefined ? now() : instantMs(o.from);
      const to = instantMs(o.to);
      if (to <= from) throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("expiringSoon", 1), { issues: [{ path: ["to"], message: f.rangeReversed }] });
      const limit = o.limit ?? 100;
      const found: { memberId: string; expiring: ExpiringPoints[] }[] = [];
      let after = o.after;
      for (;;) {
        // Due index: every member with a lot expiring before `to` (overdue ones included).
        const due = await guard(() => store.findDueMembers(program.id, { before: to - 1, limit: limit - found.length, ...(after ? { after } : {}) }));
        for (const d of due) {
          const loaded = await loadState(d.memberId);
          const expiring = loaded ? expiringBetween(program, loaded.state, from, to) : [];
          if (expiring.length > 0) found.push({ memberId: d.memberId, expiring });
          after = d;
        }
        if (due.length === 0) return { members: found, after: null };
        if (found.length >= limit) return { members: found, after: after ?? null };
      }
    },

    async reviewTiers(options = {}) {
      const o = parse(schemas.reviewTiersOptionsSchema, options, "reviewTiers");
      const at = now();
      const changes: Partial<Record<TierReason, number>> = {};
      let scanned = 0, members = 0;
      if (program.tiers === null) return { asOf: iso(at), scanned, members, changes };
      await forEachDue(at, o.batchSize ?? 500, async (memberId) => {
        scanned++;
        const entries = await reviewMember(memberId, at);
        if (entries.length > 0) members++;
        for (const e of entries) changes[e.reason] = (changes[e.reason] ?? 0) + 1;
      });
      return { asOf: iso(at), scanned, members, changes };
    },

    async assignTier(input) {
      const c = parse(schemas.assignTierSchema, input, "assignTier");
      const issues: FieldIssue[] = [];
      if (program.tiers === null) issues.push({ path: ["tier"], message: f.noTiers });
      else if (!program.tiers.byId.has(c.tier)) issues.push({ path: ["tier"], message: f.unknownTier(c.tier) });
      if (c.until !== undefined && instantMs(c.until) <= now()) issues.push({ path: ["until"], message: f.tierFloorUntilPast });
      if (issues.length > 0) throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("assignTier", issues.length), { issues });
      return write<TierResult>("assignTier", input, c.key, c.memberId, true, (w) => {
        decideAssignTier(w, program, { tier: c.tier, until: c.until === undefined ? null : instantMs(c.until), note: c.note ?? null });
        return { memberId: c.memberId, tier: c.tier };
      });
    },

    async previewEvent(input) {
      const c = parse(schemas.previewEventSchema, input, "previewEvent");
      checkAgainstProgram("previewEvent", c);
      const state = c.memberId === undefined ? null : await loadKnown(c.memberId);
      return awardLines(evaluateEvent(program, state, { type: c.type, occurredAt: c.occurredAt === undefined ? now() : instantMs(c.occurredAt), attributes: attrs(c.attributes) }));
    },
  };

  /**
   * System work on one member (a sweep's): decided at `at`, committed without an idempotency
   * record, decided again on a lost race. `decide` says whether there is anything to write; the
   * entries written are returned (none: nothing was due, or another sweep got there first).
   */
  async function systemWrite(memberId: string, at: number, type: "expire" | "reviewTiers", decide: (w: LedgerWriter) => boolean): Promise<Entry[]> {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const loaded = await loadState(memberId);
      if (!loaded) return [];
      const writer = new LedgerWriter(loaded.state, memberId, { now: at, newId, command: { key: `${type}@${iso(at)}`, type }, ...(stamp ? { stamp } : {}) });
      if (!decide(writer)) return [];
      try {
        await guard(() => store.commit({
          programId: program.id,
          members: [memberWrite(writer, loaded.version)],
          idempotency: null,
        }));
        return writer.entries;
      } catch (error) {
        if (isCommitConflict(error)) continue;
        throw error;
      }
    }
    throw new LoyaltyError("CONCURRENCY_CONFLICT", messages.concurrencyConflict(memberId, maxAttempts), { details: { memberId, attempts: maxAttempts } });
  }

  /** Writes off what is due for one member at `at`. */
  function expireMember(memberId: string, at: number): Promise<Entry[]> {
    return systemWrite(memberId, at, "expire", (w) => { expireDue(w, program); return w.entries.length > 0; });
  }

  /** Processes one member's due tier reviews at `at` (writing off due expiries first); returns its tier entries. */
  async function reviewMember(memberId: string, at: number): Promise<TierEntry[]> {
    const entries = await systemWrite(memberId, at, "reviewTiers", (w) => {
      expireDue(w, program);
      const before = w.entries.length;
      reviewTier(w, program);
      return w.entries.length > before; // only an expiry due: leave it to the expiry sweep
    });
    return entries.filter((e): e is TierEntry => e.kind === "tier");
  }

  /** Visits every member the due index names at or before `at`, a batch at a time. */
  async function forEachDue(at: number, batchSize: number, visit: (memberId: string) => Promise<void>): Promise<void> {
    let after: { dueAt: number; memberId: string } | undefined;
    for (;;) {
      const due = await guard(() => store.findDueMembers(program.id, { before: at, limit: batchSize, ...(after ? { after } : {}) }));
      if (due.length === 0) return;
      for (const d of due) await visit(d.memberId);
      after = due.at(-1);
    }
  }

  async function loadKnown(memberId: string): Promise<MemberState> {
    const loaded = await loadState(memberId);
    if (!loaded) throw memberNotFound(memberId);
    return loaded.state;
  }
}

/** By name as well as class: a store bundled with another copy of the library throws its own class. */
function isCommitConflict(error: unknown): error is CommitConflict {
  return error instanceof CommitConflict || (error instanceof Error && error.name === "CommitConflict");
}

function memberNotFound(memberId: string): LoyaltyError {
  return new LoyaltyError("MEMBER_NOT_FOUND", messages.memberNotFound(memberId), { issues: [{ path: ["memberId"], message: messages.memberNotFound(memberId) }] });
}

function isCompiled(value: unknown): value is Program {
  return typeof value === "object" && value !== null && "rulesByTrigger" in value && "definition" in value;
}
