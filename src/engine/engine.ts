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
import {
  adjust as decideAdjust,
  enroll as decideEnroll,
  insufficientPoints,
  spend as decideSpend,
} from "../ledger/operations.js";
import { expireDue, expiringBetween, type ExpiringPoints } from "../expiry/due.js";
import { deadlines, lotRecord } from "../expiry/policy.js";
import { fromSnapshot, toSnapshot, type MemberState } from "../ledger/state.js";
import { summarize } from "./summary.js";
import { LedgerWriter } from "../ledger/writer.js";
import { compileProgram, type Program, type PurchaseLine } from "../program/compile.js";
import type { Scalar } from "../shared/scalar.js";
import { canonicalJson, sha256Hex } from "../shared/canonical.js";
import { Decimal, decimalPlaces, formatAmount } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { instantMs, parseOrThrow } from "../shared/validation.js";
import {
  CommitConflict,
  type IdempotencyRecord,
  type LoyaltyStore,
  type StockChange,
  type StoredMember,
} from "../store/port.js";
import { refer as decideRefer } from "../accrual/referral.js";
import { redeemCommandIssues, refusal, unitPrice, unitsLeft } from "../rewards/catalogue.js";
import {
  cancelRedemption as decideCancel,
  convertDue,
  nextConversionAt,
  redeem as decideRedeem,
  type CodeGenerator,
} from "../rewards/redeem.js";
import { transfer as decideTransfer, transferCommandIssues } from "../rewards/transfer.js";
import type { RedeemEntry } from "../ledger/entries.js";
import { walletBalance } from "../ledger/lots.js";
import type { CompiledReward } from "../program/compile.js";
import * as schemas from "./commands.js";
import { metricStamper } from "../tiers/metrics.js";
import {
  assignTier as decideAssignTier,
  currentTier,
  qualifiedIndex,
  reviewDueAt,
  reviewTier,
  tiersAfterCommand,
} from "../tiers/review.js";
import type { TierEntry, TierReason } from "../ledger/entries.js";
import type { LoyaltyEngine } from "./facade.js";
import type {
  AwardLine,
  CancelResult,
  EarnResult,
  EnrollResult,
  PointsResult,
  RedeemResult,
  ReferralResult,
  RefundResult,
  Replayable,
  RestockResult,
  RewardOffer,
  SweepFailure,
  TierResult,
  TransferResult,
} from "./results.js";

export type { LoyaltyEngine } from "./facade.js";

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
  /**
   * Voucher codes: called once per code a redemption grants (a voucher unit, a conversion), inside
   * the decision; a retried decision asks again. Required when the program has vouchers or
   * conversions (at creation if the program converts automatically, else at the redemption).
   * Return 1 to 200 characters of plain text, unique as your shop needs them.
   */
  readonly codes?: CodeGenerator;
}

/** What a decision returns to the write path: the command's result, and the stock it moves. */
interface Decided<R> {
  readonly result: Omit<R, "entries">;
  readonly stock?: readonly StockChange[];
}

/** What an idempotency record keeps of a command's result (see `recordedResult` in the engine). */
interface RecordedResult {
  readonly entryRefs: readonly { readonly memberId: string; readonly fromSeq: number; readonly count: number }[];
  readonly [field: string]: unknown;
}

const f = messages.field;

export function createLoyaltyEngine(options: EngineOptions): LoyaltyEngine {
  const program = isCompiled(options.program) ? options.program : compileProgram(options.program);
  const store = options.store;
  const clock = options.clock ?? (() => Date.now());
  const newId = options.ids ?? (() => globalThis.crypto.randomUUID());
  const maxAttempts = options.maxAttempts ?? 10;
  const codes = options.codes ?? null;
  // Automatic conversions run inside any write (a purchase's too): their codes must never be missing.
  // Vouchers redeemed on request are refused at redemption instead, so an engine that only earns needs none.
  if (codes === null && [...program.rewards.values()].some((r) => r.automatic !== null)) {
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("createLoyaltyEngine", 1), {
      issues: [{ path: ["codes"], message: f.codeGenerator }],
    });
  }
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("createLoyaltyEngine", 1), {
      issues: [{ path: ["maxAttempts"], message: f.expectedType("a whole number of at least 1") }],
    });
  }
  const now = () => {
    const t = clock();
    return typeof t === "number" ? t : t.getTime();
  };
  const fmt = (d: Decimal) => formatAmount(d, program.scale);
  const stamp = metricStamper(program);
  const hasAutomaticConversions = [...program.rewards.values()].some((r) => r.automatic !== null);
  /** The member's earliest due work: a lot's expiry, a tier review or an automatic conversion, whichever comes first. */
  const dueAtOf = (w: LedgerWriter) => {
    let due: number | null = null;
    const earliest = (at: number | null) => {
      if (at !== null && (due === null || at < due)) due = at;
    };
    earliest(nextDueAt(w.state, deadlines(program, w.state)));
    earliest(reviewDueAt(program, w.state));
    if (hasAutomaticConversions) earliest(nextConversionAt(program, w));
    return due;
  };
  /** What a decision commits for its member: the new entries, snapshot and due instant. */
  const memberWrite = (writer: LedgerWriter, expectedVersion: number | null) => ({
    memberId: writer.state.memberId,
    expectedVersion,
    snapshot: toSnapshot(writer.state),
    entries: writer.entries,
    dueAt: dueAtOf(writer),
  });

  function parse<S extends z.ZodType>(schema: S, input: unknown, name: string): z.output<S> {
    return parseOrThrow(schema, input, "INVALID_COMMAND", (n) => messages.invalidCommand(name, n));
  }

  /** Checks that need the program: currency, precision, wallets, time. All issues at once. */
  function checkAgainstProgram(
    name: string,
    c: {
      currency?: string;
      amount?: string;
      lines?: readonly { amount: string }[];
      wallet?: string;
      points?: string;
      occurredAt?: string | Date;
    },
    spendOnly = false,
  ): void {
    const issues: FieldIssue[] = [];
    let currencyWrong = false;
    if (c.currency !== undefined && c.currency !== program.currency) {
      currencyWrong = true;
      issues.push({ path: ["currency"], message: messages.currencyMismatch(program.currency, c.currency) });
    }
    if (c.amount !== undefined && decimalPlaces(c.amount) > program.currencyPlaces)
      issues.push({ path: ["amount"], message: f.tooPrecise(program.currencyPlaces) });
    c.lines?.forEach((l, i) => {
      if (decimalPlaces(l.amount) > program.currencyPlaces)
        issues.push({ path: ["lines", i, "amount"], message: f.tooPrecise(program.currencyPlaces) });
    });
    // Lines may sum to less than the amount (shipping, fees), never to more: line-filtered awards
    // would otherwise earn on money that was not paid.
    if (
      c.lines !== undefined &&
      c.amount !== undefined &&
      c.lines.reduce((t, l) => t.plus(l.amount), new Decimal(0)).gt(c.amount)
    ) {
      issues.push({ path: ["lines"], message: f.linesExceedAmount });
    }
    if (c.wallet !== undefined) {
      const wallet = program.wallets.get(c.wallet);
      if (!wallet) issues.push({ path: ["wallet"], message: f.unknownWallet(c.wallet) });
      else if (spendOnly && wallet.kind !== "spendable")
        issues.push({ path: ["wallet"], message: f.walletNotSpendable(c.wallet) });
    }
    if (c.points !== undefined && decimalPlaces(c.points) > program.scale)
      issues.push({ path: ["points"], message: f.tooPrecise(program.scale) });
    if (c.occurredAt !== undefined && instantMs(c.occurredAt) > now())
      issues.push({ path: ["occurredAt"], message: f.inFuture });
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
      throw new LoyaltyError(
        "STORE_FAILURE",
        messages.storeFailure(error instanceof Error ? error.message : String(error)),
        { cause: error },
      );
    }
  }

  async function loadState(memberId: string): Promise<{ state: MemberState; version: number } | null> {
    return decoded(await guard(() => store.loadMember(program.id, memberId)));
  }

  const decoded = (stored: StoredMember | null) =>
    stored ? { state: fromSnapshot(stored.snapshot), version: stored.version } : null;

  /** The members a command writes (null: not enrolled) and the record of its key. */
  async function readForCommand(
    memberIds: readonly string[],
    key: string,
  ): Promise<{ loaded: ({ state: MemberState; version: number } | null)[]; prior: IdempotencyRecord | null }> {
    if (store.loadForCommand !== undefined && memberIds.length > 0) {
      const read = await guard(() => store.loadForCommand!(program.id, memberIds, key));
      if (read.members.length !== memberIds.length)
        throw new LoyaltyError(
          "STORE_FAILURE",
          messages.storeFailure(`loadForCommand returned ${read.members.length} members for ${memberIds.length}`),
        );
      return { loaded: read.members.map(decoded), prior: read.idempotency };
    }
    const loaded = await Promise.all(memberIds.map((id) => loadState(id)));
    return { loaded, prior: await guard(() => store.getIdempotency(program.id, key)) };
  }

  /**
   * The due work every write does first, each piece at its own instant, so that nothing depends on
   * when a sweep ran: tier reviews (they read qualification counters, never lots), then automatic
   * conversions at the tier each period end found, then expiries.
   */
  function settleDue(
    w: LedgerWriter,
    options: { expire: boolean; codes: CodeGenerator | null } = { expire: true, codes },
  ): void {
    const before = program.tiers === null ? null : currentTier(program, w.state).id;
    const lastWrite = w.state.lastAt;
    const mark = w.entries.length;
    reviewTier(w, program);
    const changes = w.entries
      .slice(mark)
      .flatMap((e) => (e.kind === "tier" && e.from !== e.to ? [{ since: Date.parse(e.tier.since), to: e.to }] : []));
    convertDue(
      w,
      program,
      options.codes,
      (at) => {
        let tier = before;
        for (const c of changes) if (c.since <= at) tier = c.to;
        return tier;
      },
      lastWrite,
    );
    if (options.expire) expireDue(w, program);
  }

  /**
   * The write path shared by every command: idempotency, load, decide, commit, retry. `members`
   * are the members the command writes, in the order `decide` gets their writers (each over the
   * member's state with its due work done); `decide` returns the command's result and any stock
   * changes, or throws a LoyaltyError to refuse. Everything commits in one store call.
   */
  async function write<R extends object>(
    type: CommandType,
    raw: unknown,
    key: string,
    members: readonly { id: string; mustExist: boolean; field?: string }[],
    decide: (writers: LedgerWriter[]) => Decided<R> | Promise<Decided<R>>,
  ): Promise<Replayable<R>> {
    const payloadHash = await sha256Hex(canonicalJson({ command: type, input: raw }));
    for (let attempt = 1; attempt <= maxAttempts + 1; attempt++) {
      // The members and the key at one instant (one read, where the store offers it), else the
      // members first, then the key: either way a commit whose effect the members show is visible
      // to the key read, so a delivery that loses the race to its own key replays it rather than
      // failing on its own effect (DUPLICATE_PURCHASE, MEMBER_EXISTS).
      const { loaded, prior } = await readForCommand(attempt > maxAttempts ? [] : members.map((m) => m.id), key);
      if (prior) {
        if (prior.payloadHash !== payloadHash) {
          throw new LoyaltyError("IDEMPOTENCY_CONFLICT", messages.idempotencyConflict(key), {
            issues: [{ path: ["key"], message: messages.idempotencyConflict(key) }],
          });
        }
        return { ...(await replayResult<R>(prior.result)), replayed: true };
      }
      // The extra pass after the last attempt only reads the key: a command that lost its last
      // race to the same key is a replay, not a conflict.
      if (attempt > maxAttempts) break;
      members.forEach((m, i) => {
        if (!loaded[i] && m.mustExist) throw memberNotFound(m.id, m.field);
        if (loaded[i] && !m.mustExist)
          throw new LoyaltyError("MEMBER_EXISTS", messages.memberExists(m.id), {
            issues: [{ path: [m.field ?? "memberId"], message: messages.memberExists(m.id) }],
          });
      });
      const at = now();
      // Each writer adopts its member's freshly decoded state. Tiers judge what the command itself
      // did (a refund's demotion), so they note the tier the member qualified for after the due
      // work, before the command.
      const qualifiedBefore: (number | null)[] = [];
      const writers = members.map((m, i) => {
        const w = new LedgerWriter(
          loaded[i]?.state ?? null,
          m.id,
          { now: at, newId, command: { key, type }, ...(stamp ? { stamp } : {}) },
          { adopt: true },
        );
        if (loaded[i]) settleDue(w);
        qualifiedBefore.push(loaded[i] && program.tiers !== null ? qualifiedIndex(program, w.state, at) : null);
        return w;
      });
      const decided = await decide(writers);
      writers.forEach((w, i) => tiersAfterCommand(w, program, qualifiedBefore[i]!, type));
      const result = { ...decided.result, entries: writers.flatMap((w) => w.entries) } as unknown as R;
      try {
        await guard(() =>
          store.commit({
            programId: program.id,
            members: writers.map((w, i) => memberWrite(w, loaded[i]?.version ?? null)),
            idempotency: { key, payloadHash, result: recordedResult(decided.result, writers), committedAt: iso(at) },
            ...(decided.stock && decided.stock.length > 0 ? { stock: decided.stock } : {}),
          }),
        );
        return { ...result, replayed: false };
      } catch (error) {
        if (isCommitConflict(error)) continue; // someone else wrote first: read again, decide again
        throw error;
      }
    }
    const subject = members.map((m) => m.id).join(", ") || key;
    throw new LoyaltyError("CONCURRENCY_CONFLICT", messages.concurrencyConflict(subject, maxAttempts), {
      details: { memberIds: members.map((m) => m.id), attempts: maxAttempts },
    });
  }

  /**
   * The result an idempotency record keeps: the command's result without its entries, which the
   * ledger holds already, but with where they are (member, first seq, count, in result order), so
   * a replay reads the very same entries back. Halves what a command writes besides its entries.
   */
  function recordedResult(result: object, writers: readonly LedgerWriter[]): RecordedResult {
    const entryRefs = writers
      .filter((w) => w.entries.length > 0)
      .map((w) => ({ memberId: w.state.memberId, fromSeq: w.entries[0]!.seq, count: w.entries.length }));
    return { ...result, entryRefs };
  }

  /** A recorded result as the command returned it: its entries read back from the ledger. Records of earlier versions hold the entries themselves. */
  async function replayResult<R>(recorded: unknown): Promise<R> {
    const { entryRefs, ...rest } = recorded as RecordedResult;
    if (!Array.isArray(entryRefs)) return recorded as R;
    const entries: Entry[] = [];
    for (const ref of entryRefs) {
      const last = ref.fromSeq + ref.count - 1;
      // Pages, as a store may return fewer entries than asked for.
      for (let after = ref.fromSeq - 1; after < last;) {
        const page = await guard(() =>
          store.readEntries(program.id, ref.memberId, { afterSeq: after, limit: last - after }),
        );
        const first = page.entries[0];
        if (first === undefined || first.seq !== after + 1) {
          throw new LoyaltyError(
            "STORE_FAILURE",
            messages.storeFailure(
              `the ledger of member ${ref.memberId} lacks entries ${after + 1} to ${last} that an idempotency record names`,
            ),
          );
        }
        entries.push(...page.entries.filter((e) => e.seq <= last));
        after = page.entries.at(-1)!.seq;
      }
    }
    return { ...rest, entries } as R;
  }

  /** A command on one member: `decide` gets its writer and returns the result. */
  function writeOne<R extends object>(
    type: CommandType,
    raw: unknown,
    key: string,
    memberId: string,
    mustExist: boolean,
    decide: (w: LedgerWriter) => Omit<R, "entries">,
  ): Promise<Replayable<R>> {
    return write<R>(type, raw, key, [{ id: memberId, mustExist }], ([w]) => ({ result: decide(w!) }));
  }

  /** Units left of a reward's stock now: the store's count, else the program's; null: unlimited. */
  async function stockLeft(reward: CompiledReward): Promise<number | null> {
    if (reward.stock === null) return null;
    return (await guard(() => store.getStock(program.id, reward.id))) ?? reward.stock;
  }

  function awardLines(e: Evaluation): { awards: AwardLine[]; totals: Record<string, string> } {
    const totals = new Map<string, Decimal>();
    const awards = e.awards.map((a) => {
      totals.set(a.wallet, (totals.get(a.wallet) ?? new Decimal(0)).plus(a.points));
      return {
        ruleId: a.ruleId,
        ruleName: a.ruleName ?? null,
        wallet: a.wallet,
        points: fmt(a.points),
        uncapped: fmt(a.uncapped),
      };
    });
    return { awards, totals: Object.fromEntries([...totals].map(([w, p]) => [w, fmt(p)])) };
  }

  const toLines = (
    lines: readonly { sku: string; category?: string | undefined; quantity: number; amount: string }[] | undefined,
  ): PurchaseLine[] | null =>
    lines
      ? lines.map((l) => ({
          sku: l.sku,
          ...(l.category === undefined ? {} : { category: l.category }),
          quantity: l.quantity,
          amount: new Decimal(l.amount),
        }))
      : null;

  const attrs = (a: Record<string, Scalar> | undefined) => a ?? {};

  return {
    program,

    async enroll(input) {
      const c = parse(schemas.enrollSchema, input, "enroll");
      if (c.joinedAt !== undefined && instantMs(c.joinedAt) > now())
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("enroll", 1), {
          issues: [{ path: ["joinedAt"], message: f.inFuture }],
        });
      return writeOne<EnrollResult>("enroll", input, c.key, c.memberId, false, (w) => {
        decideEnroll(w, {
          joinedAt: c.joinedAt === undefined ? w.now : instantMs(c.joinedAt),
          birthday: c.birthday ?? null,
          attributes: attrs(c.attributes),
        });
        return { memberId: c.memberId };
      });
    },

    async recordPurchase(input) {
      const c = parse(schemas.purchaseSchema, input, "recordPurchase");
      checkAgainstProgram("recordPurchase", c);
      return writeOne<EarnResult>("purchase", input, c.key, c.memberId, true, (w) => {
        const occurredAt = c.occurredAt === undefined ? w.now : instantMs(c.occurredAt);
        const evaluation = recordPurchase(w, program, {
          purchaseId: c.purchaseId,
          amount: new Decimal(c.amount),
          occurredAt,
          lines: toLines(c.lines),
          attributes: attrs(c.attributes),
        });
        const earnEntry = w.entries.find((e) => e.kind === "earn");
        return {
          memberId: c.memberId,
          purchaseId: c.purchaseId,
          ...awardLines(evaluation),
          availableAt: earnEntry?.kind === "earn" ? earnEntry.lot.availableAt : null,
        };
      });
    },

    async recordEvent(input) {
      const c = parse(schemas.eventSchema, input, "recordEvent");
      checkAgainstProgram("recordEvent", c);
      return writeOne<EarnResult>("event", input, c.key, c.memberId, true, (w) => {
        const occurredAt = c.occurredAt === undefined ? w.now : instantMs(c.occurredAt);
        const evaluation = recordEvent(w, program, { type: c.type, occurredAt, attributes: attrs(c.attributes) });
        return {
          memberId: c.memberId,
          purchaseId: null,
          ...awardLines(evaluation),
          availableAt: evaluation.awards.length > 0 ? iso(occurredAt) : null,
        };
      });
    },

    async refund(input) {
      const c = parse(schemas.refundSchema, input, "refund");
      checkAgainstProgram("refund", c);
      return writeOne<RefundResult>("refund", input, c.key, c.memberId, true, (w) => {
        const reversals = decideRefund(w, program, { purchaseId: c.purchaseId ?? null, amount: new Decimal(c.amount) });
        return {
          memberId: c.memberId,
          purchaseId: c.purchaseId ?? null,
          reversed: reversals.map((r) => ({
            wallet: r.wallet,
            points: fmt(r.points),
            debt: fmt(r.debt),
            forgiven: fmt(r.forgiven),
          })),
        };
      });
    },

    async adjust(input) {
      const c = parse(schemas.adjustSchema, input, "adjust");
      checkAgainstProgram("adjust", c);
      return writeOne<PointsResult>("adjust", input, c.key, c.memberId, true, (w) => {
        decideAdjust(w, {
          wallet: c.wallet,
          points: new Decimal(c.points),
          reason: c.reason,
          reference: c.reference ?? null,
          creditLot: lotRecord(program, c.wallet, w.now, w.now),
        });
        return { memberId: c.memberId, wallet: c.wallet, points: fmt(new Decimal(c.points)) };
      });
    },

    async spend(input) {
      const c = parse(schemas.spendSchema, input, "spend");
      checkAgainstProgram("spend", c, true);
      return writeOne<PointsResult>("spend", input, c.key, c.memberId, true, (w) => {
        decideSpend(w, c.wallet, new Decimal(c.points), c.reference ?? null);
        return { memberId: c.memberId, wallet: c.wallet, points: fmt(new Decimal(c.points)) };
      });
    },

    async summary(memberId, opts = {}) {
      const id = parse(
        schemas.summaryOptionsSchema.extend({ memberId: schemas.enrollSchema.shape.memberId }),
        { ...opts, memberId },
        "summary",
      );
      const at = now();
      return summarize(program, asOf(await loadKnown(id.memberId), at), at, id.expiringWithinDays ?? 30);
    },

    async statement(memberId, opts = {}) {
      const o = parse(
        schemas.statementOptionsSchema.extend({ memberId: schemas.enrollSchema.shape.memberId }),
        { ...opts, memberId },
        "statement",
      );
      await loadKnown(o.memberId);
      const page = await guard(() =>
        store.readEntries(program.id, o.memberId, { afterSeq: o.afterSeq ?? 0, limit: o.limit ?? 50 }),
      );
      const ruleName = (e: Entry) => (e.kind === "earn" ? (program.rules.get(e.ruleId)?.name ?? null) : null);
      return { entries: page.entries.map((e) => ({ ...e, ruleName: ruleName(e) })), nextAfterSeq: page.nextAfterSeq };
    },

    async previewPurchase(input) {
      const c = parse(schemas.previewPurchaseSchema, input, "previewPurchase");
      checkAgainstProgram("previewPurchase", c);
      const state = c.memberId === undefined ? null : await loadKnown(c.memberId);
      return awardLines(
        evaluatePurchase(program, state, {
          amount: new Decimal(c.amount),
          occurredAt: c.occurredAt === undefined ? now() : instantMs(c.occurredAt),
          lines: toLines(c.lines),
          attributes: attrs(c.attributes),
        }),
      );
    },

    async expire(options = {}) {
      const o = parse(schemas.expireOptionsSchema, options, "expire");
      const at = now();
      const totals = new Map<string, Decimal>();
      let scanned = 0,
        members = 0,
        lots = 0;
      const failed = await forEachDue(at, o.batchSize ?? 500, async (memberId) => {
        scanned++;
        const entries = await expireMember(memberId, at);
        if (entries.length > 0) members++;
        for (const e of entries) {
          if (e.kind !== "expire") continue;
          lots += e.lots.length;
          totals.set(e.wallet, (totals.get(e.wallet) ?? new Decimal(0)).plus(e.points));
        }
      });
      return {
        asOf: iso(at),
        scanned,
        members,
        lots,
        points: Object.fromEntries([...totals].map(([w, p]) => [w, fmt(p)])),
        failed,
      };
    },

    async expiringSoon(options) {
      const o = parse(schemas.expiringSoonOptionsSchema, options, "expiringSoon");
      const from = o.from === undefined ? now() : instantMs(o.from);
      const to = instantMs(o.to);
      if (to <= from)
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("expiringSoon", 1), {
          issues: [{ path: ["to"], message: f.rangeReversed }],
        });
      const limit = o.limit ?? 100;
      const found: { memberId: string; expiring: ExpiringPoints[] }[] = [];
      let after = o.after;
      for (;;) {
        // Due index: every member with a lot expiring before `to` (overdue ones included).
        const due = await guard(() =>
          store.findDueMembers(program.id, {
            before: to - 1,
            limit: limit - found.length,
            ...(after ? { after } : {}),
          }),
        );
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
      let scanned = 0,
        members = 0;
      if (program.tiers === null) return { asOf: iso(at), scanned, members, changes, failed: [] };
      const failed = await forEachDue(at, o.batchSize ?? 500, async (memberId) => {
        scanned++;
        const entries = await reviewMember(memberId, at);
        if (entries.length > 0) members++;
        for (const e of entries) changes[e.reason] = (changes[e.reason] ?? 0) + 1;
      });
      return { asOf: iso(at), scanned, members, changes, failed };
    },

    async assignTier(input) {
      const c = parse(schemas.assignTierSchema, input, "assignTier");
      const issues: FieldIssue[] = [];
      if (program.tiers === null) issues.push({ path: ["tier"], message: f.noTiers });
      else if (!program.tiers.byId.has(c.tier)) issues.push({ path: ["tier"], message: f.unknownTier(c.tier) });
      if (c.until !== undefined && instantMs(c.until) <= now())
        issues.push({ path: ["until"], message: f.tierFloorUntilPast });
      if (issues.length > 0)
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("assignTier", issues.length), { issues });
      return writeOne<TierResult>("assignTier", input, c.key, c.memberId, true, (w) => {
        decideAssignTier(w, program, {
          tier: c.tier,
          until: c.until === undefined ? null : instantMs(c.until),
          note: c.note ?? null,
        });
        return { memberId: c.memberId, tier: c.tier };
      });
    },

    async redeem(input) {
      const c = parse(schemas.redeemSchema, input, "redeem");
      const issues = redeemCommandIssues(program, c);
      if (issues.length > 0)
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("redeem", issues.length), { issues });
      const reward = program.rewards.get(c.rewardId)!;
      const redemptionId = c.redemptionId ?? c.key;
      return write<RedeemResult>("redeem", input, c.key, [{ id: c.memberId, mustExist: true }], async ([w]) => {
        const left = await stockLeft(reward);
        const { entry, stockDelta } = decideRedeem(w!, program, {
          reward,
          quantity: c.quantity ?? (reward.kind === "conversion" ? null : 1),
          redemptionId,
          cause: c.cause ?? null,
          reference: c.reference ?? null,
          stockLeft: left,
          codes,
        });
        return {
          result: {
            memberId: c.memberId,
            redemptionId,
            rewardId: reward.id,
            kind: reward.kind,
            quantity: entry.quantity,
            wallet: reward.wallet,
            points: fmt(new Decimal(entry.points)),
            grant: entry.grant,
          },
          stock: stockDelta === 0 ? [] : [{ rewardId: reward.id, delta: stockDelta, initial: reward.stock ?? 0 }],
        };
      });
    },

    async cancelRedemption(input) {
      const c = parse(schemas.cancelRedemptionSchema, input, "cancelRedemption");
      return write<CancelResult>("cancelRedemption", input, c.key, [{ id: c.memberId, mustExist: true }], ([w]) => {
        const out = decideCancel(w!, program, { redemptionId: c.redemptionId, reason: c.reason ?? null });
        const r = w!.state.redemptions[c.redemptionId]!;
        const reward = program.rewards.get(out.rewardId);
        return {
          result: {
            memberId: c.memberId,
            redemptionId: c.redemptionId,
            rewardId: out.rewardId,
            wallet: r.wallet,
            restored: fmt(out.restored),
            regranted: fmt(out.regranted),
            forfeited: fmt(out.forfeited),
            debtRepaid: fmt(out.debtRepaid),
            reclaimed: fmt(out.reclaimed),
            stock: out.stockDelta,
          },
          // A reward since removed from the catalogue still gets its count back; it started from 0 if the store never had one.
          stock:
            out.stockDelta === 0
              ? []
              : [{ rewardId: out.rewardId, delta: out.stockDelta, initial: reward?.stock ?? 0 }],
        };
      });
    },

    async transfer(input) {
      const c = parse(schemas.transferSchema, input, "transfer");
      const issues: FieldIssue[] = [];
      if (c.toMemberId === c.fromMemberId) issues.push({ path: ["toMemberId"], message: f.transferToSelf });
      if (decimalPlaces(c.points) > program.scale)
        issues.push({ path: ["points"], message: f.tooPrecise(program.scale) });
      if (!program.wallets.has(c.wallet)) issues.push({ path: ["wallet"], message: f.unknownWallet(c.wallet) });
      else issues.push(...transferCommandIssues(program, c));
      if (issues.length > 0)
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("transfer", issues.length), { issues });
      return write<TransferResult>(
        "transfer",
        input,
        c.key,
        [
          { id: c.fromMemberId, mustExist: true, field: "fromMemberId" },
          { id: c.toMemberId, mustExist: true, field: "toMemberId" },
        ],
        ([from, to]) => {
          decideTransfer(from!, to!, program, {
            transferId: c.key,
            wallet: c.wallet,
            points: new Decimal(c.points),
            reference: c.reference ?? null,
          });
          return {
            result: {
              transferId: c.key,
              fromMemberId: c.fromMemberId,
              toMemberId: c.toMemberId,
              wallet: c.wallet,
              points: fmt(new Decimal(c.points)),
            },
          };
        },
      );
    },

    async refer(input) {
      const c = parse(schemas.referSchema, input, "refer");
      if (c.referrerId === c.referredId)
        throw new LoyaltyError("SELF_REFERRAL", messages.selfReferral, {
          issues: [{ path: ["referredId"], message: messages.selfReferral }],
        });
      checkAgainstProgram("refer", c);
      return write<ReferralResult>(
        "refer",
        input,
        c.key,
        [
          { id: c.referrerId, mustExist: true, field: "referrerId" },
          { id: c.referredId, mustExist: true, field: "referredId" },
        ],
        ([referrer, referred]) => {
          const occurredAt = c.occurredAt === undefined ? referrer!.now : instantMs(c.occurredAt);
          const out = decideRefer(referrer!, referred!, program, { occurredAt, attributes: attrs(c.attributes) });
          return {
            result: {
              referrerId: c.referrerId,
              referredId: c.referredId,
              referrer: awardLines(out.referrer),
              referred: awardLines(out.referred),
            },
          };
        },
      );
    },

    async restock(input) {
      const c = parse(schemas.restockSchema, input, "restock");
      const reward = program.rewards.get(c.rewardId);
      if (reward === undefined || reward.stock === null) {
        const message = reward === undefined ? f.unknownReward(c.rewardId) : f.unlimitedStock(c.rewardId);
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("restock", 1), {
          issues: [{ path: ["rewardId"], message }],
        });
      }
      return write<RestockResult>("restock", input, c.key, [], async () => {
        const left = (await stockLeft(reward))!;
        if (left + c.units < 0)
          throw new LoyaltyError("OUT_OF_STOCK", messages.outOfStock(reward.id, left, -c.units), {
            details: { rewardId: reward.id, left, requested: -c.units },
          });
        return {
          result: { rewardId: reward.id, units: c.units },
          stock: [{ rewardId: reward.id, delta: c.units, initial: reward.stock ?? 0 }],
        };
      });
    },

    async stock(rewardId) {
      const id = parse(schemas.restockSchema.pick({ rewardId: true }), { rewardId }, "stock").rewardId;
      const reward = program.rewards.get(id);
      if (reward === undefined)
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("stock", 1), {
          issues: [{ path: ["rewardId"], message: f.unknownReward(id) }],
        });
      return stockLeft(reward);
    },

    async rewards(memberId) {
      const id = parse(schemas.enrollSchema.pick({ memberId: true }), { memberId }, "rewards").memberId;
      const at = now();
      const state = asOf(await loadKnown(id), at);
      const offers: RewardOffer[] = [];
      const due = deadlines(program, state);
      for (const reward of program.rewards.values()) {
        const price = unitPrice(reward, state);
        const left = await stockLeft(reward);
        const available = walletBalance(state, reward.wallet, at, due.get(reward.wallet) ?? null).available;
        const affordableUnits = Math.min(available.div(price).floor().toNumber(), 1_000_000);
        const refused =
          refusal(program, reward, state, at, 1, left) ??
          (affordableUnits < 1 ? insufficientPoints(reward.wallet, available, price) : null);
        offers.push({
          rewardId: reward.id,
          name: reward.name ?? null,
          kind: reward.kind,
          wallet: reward.wallet,
          price: fmt(price),
          value: reward.value === null ? null : formatAmount(reward.value, program.currencyPlaces),
          redeemable: refused === null,
          refusal: refused === null ? null : { code: refused.code, message: refused.message },
          affordableUnits,
          unitsLeftInLimits: unitsLeft(program, reward, state, at),
          stock: left,
        });
      }
      return offers;
    },

    async convertPoints(options = {}) {
      const o = parse(schemas.convertOptionsSchema, options, "convertPoints");
      const at = now();
      const totals = new Map<string, Decimal>();
      let scanned = 0,
        members = 0,
        conversions = 0;
      if (!hasAutomaticConversions) return { asOf: iso(at), scanned, members, conversions, points: {}, failed: [] };
      const failed = await forEachDue(at, o.batchSize ?? 500, async (memberId) => {
        scanned++;
        const entries = await convertMember(memberId, at);
        if (entries.length > 0) members++;
        for (const e of entries) {
          conversions++;
          totals.set(e.wallet, (totals.get(e.wallet) ?? new Decimal(0)).plus(e.points));
        }
      });
      return {
        asOf: iso(at),
        scanned,
        members,
        conversions,
        points: Object.fromEntries([...totals].map(([w, p]) => [w, fmt(p)])),
        failed,
      };
    },

    async previewEvent(input) {
      const c = parse(schemas.previewEventSchema, input, "previewEvent");
      checkAgainstProgram("previewEvent", c);
      const state = c.memberId === undefined ? null : await loadKnown(c.memberId);
      return awardLines(
        evaluateEvent(program, state, {
          type: c.type,
          occurredAt: c.occurredAt === undefined ? now() : instantMs(c.occurredAt),
          attributes: attrs(c.attributes),
        }),
      );
    },
  };

  /**
   * System work on one member (a sweep's): decided at `at`, committed without an idempotency
   * record, decided again on a lost race. `decide` says whether there is anything to write; the
   * entries written are returned (none: nothing was due, or another sweep got there first).
   */
  async function systemWrite(
    memberId: string,
    at: number,
    type: "expire" | "reviewTiers" | "convert",
    decide: (w: LedgerWriter) => boolean,
  ): Promise<Entry[]> {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const loaded = await loadState(memberId);
      if (!loaded) return [];
      const writer = new LedgerWriter(
        loaded.state,
        memberId,
        { now: at, newId, command: { key: `${type}@${iso(at)}`, type }, ...(stamp ? { stamp } : {}) },
        { adopt: true },
      );
      if (!decide(writer)) return [];
      try {
        await guard(() =>
          store.commit({
            programId: program.id,
            members: [memberWrite(writer, loaded.version)],
            idempotency: null,
          }),
        );
        return writer.entries;
      } catch (error) {
        if (isCommitConflict(error)) continue;
        throw error;
      }
    }
    throw new LoyaltyError("CONCURRENCY_CONFLICT", messages.concurrencyConflict(memberId, maxAttempts), {
      details: { memberId, attempts: maxAttempts },
    });
  }

  /** Writes off what is due for one member at `at` (with the reviews and conversions due before). */
  function expireMember(memberId: string, at: number): Promise<Entry[]> {
    return systemWrite(memberId, at, "expire", (w) => {
      settleDue(w);
      return w.entries.length > 0;
    });
  }

  /** Processes one member's due tier reviews at `at` (and what else is due); returns its tier entries. */
  async function reviewMember(memberId: string, at: number): Promise<TierEntry[]> {
    // Only a conversion or an expiry due: leave it to those sweeps.
    const entries = await systemWrite(memberId, at, "reviewTiers", (w) => {
      settleDue(w);
      return w.entries.some((e) => e.kind === "tier");
    });
    return entries.filter((e): e is TierEntry => e.kind === "tier");
  }

  /** Runs one member's due conversions at `at` (and what else is due); returns its conversion entries. */
  async function convertMember(memberId: string, at: number): Promise<RedeemEntry[]> {
    const entries = await systemWrite(memberId, at, "convert", (w) => {
      settleDue(w);
      return w.entries.some((e) => e.kind === "redeem");
    });
    return entries.filter((e): e is RedeemEntry => e.kind === "redeem");
  }

  /**
   * Visits every member the due index names at or before `at`, a batch at a time. A member whose
   * write fails for a reason of its own (a corrupt ledger, a `codes` generator that fails, a
   * member that keeps changing) is reported and skipped, so one member cannot stop a sweep; a
   * store failure stops it (the next member would meet the same). Returns the members skipped.
   */
  async function forEachDue(
    at: number,
    batchSize: number,
    visit: (memberId: string) => Promise<void>,
  ): Promise<SweepFailure[]> {
    const failed: SweepFailure[] = [];
    let after: { dueAt: number; memberId: string } | undefined;
    for (;;) {
      const due = await guard(() =>
        store.findDueMembers(program.id, { before: at, limit: batchSize, ...(after ? { after } : {}) }),
      );
      if (due.length === 0) return failed;
      for (const d of due) {
        try {
          await visit(d.memberId);
        } catch (error) {
          if (error instanceof LoyaltyError && error.code === "STORE_FAILURE") throw error;
          failed.push({
            memberId: d.memberId,
            code: error instanceof LoyaltyError ? error.code : error instanceof Error ? error.name : "Error",
            message: error instanceof Error ? error.message : String(error),
          });
        }
      }
      after = due.at(-1);
    }
  }

  async function loadKnown(memberId: string): Promise<MemberState> {
    const loaded = await loadState(memberId);
    if (!loaded) throw memberNotFound(memberId);
    return loaded.state;
  }

  /**
   * A member as reads show them at `at`: with the automatic conversions due by then (and the tier
   * reviews before them), which the next write will record exactly so, already made. Nothing is written and the
   * `codes` generator is not called. Due expiries are shown as `expiredUnswept` instead.
   */
  function asOf(state: MemberState, at: number): MemberState {
    if (!hasAutomaticConversions) return state;
    let n = 0;
    const w = new LedgerWriter(state, state.memberId, {
      now: at,
      newId: () => `(view ${++n})`,
      command: { key: "(view)", type: "convert" },
    });
    // The due reviews too: a conversion is priced at the tier its period end found.
    settleDue(w, { expire: false, codes: () => "(on the next write)" });
    return w.state;
  }
}

/** By name as well as class: a store bundled with another copy of the library throws its own class. */
function isCommitConflict(error: unknown): error is CommitConflict {
  return error instanceof CommitConflict || (error instanceof Error && error.name === "CommitConflict");
}

/** `field`: the command's field that named the member (fromMemberId, referredId, ...). */
function memberNotFound(memberId: string, field = "memberId"): LoyaltyError {
  return new LoyaltyError("MEMBER_NOT_FOUND", messages.memberNotFound(memberId), {
    issues: [{ path: [field], message: messages.memberNotFound(memberId) }],
  });
}

function isCompiled(value: unknown): value is Program {
  return typeof value === "object" && value !== null && "rulesByTrigger" in value && "definition" in value;
}
