/**
 * Commands as callers send them, made into what the core takes: parsed by their zod schemas, then
 * checked against the program (currency, precision, wallets, time), every issue reported at once.
 */
import type * as z from "zod/mini";
import { LoyaltyError, type FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { PurchaseLine } from "../program/compile.js";
import type { Scalar } from "../shared/scalar.js";
import { Decimal, decimalPlaces } from "../shared/decimal.js";
import { instantMs, parseOrThrow } from "../shared/validation.js";
import type { EngineContext } from "./context.js";

const f = messages.field;

export function parse<S extends z.core.$ZodType>(schema: S, input: unknown, name: string): z.output<S> {
  return parseOrThrow(schema, input, "INVALID_COMMAND", (n) => messages.invalidCommand(name, n));
}

/**
 * Checks that need the program: currency, precision, wallets, time (`at`: the decision's instant).
 * All issues at once. A write runs them after its key's lookup (write-path.ts `check`).
 */
export function checkAgainstProgram(
  ctx: EngineContext,
  at: number,
  name: string,
  command: {
    currency?: string;
    amount?: string;
    lines?: readonly { amount: string }[];
    wallet?: string;
    points?: string;
    occurredAt?: string | Date;
  },
  spendOnly = false,
): void {
  const { program } = ctx;
  const issues: FieldIssue[] = [];
  let currencyWrong = false;
  if (command.currency !== undefined && command.currency !== program.currency) {
    currencyWrong = true;
    issues.push({ path: ["currency"], message: messages.currencyMismatch(program.currency, command.currency) });
  }
  if (command.amount !== undefined && decimalPlaces(command.amount) > program.currencyPlaces)
    issues.push({ path: ["amount"], message: f.tooPrecise(program.currencyPlaces) });
  command.lines?.forEach((l, i) => {
    if (decimalPlaces(l.amount) > program.currencyPlaces)
      issues.push({ path: ["lines", i, "amount"], message: f.tooPrecise(program.currencyPlaces) });
  });
  // Lines may sum to less than the amount (shipping, fees), never to more: line-filtered awards
  // would otherwise earn on money that was not paid.
  if (
    command.lines !== undefined &&
    command.amount !== undefined &&
    command.lines.reduce((t, l) => t.plus(l.amount), new Decimal(0)).gt(command.amount)
  ) {
    issues.push({ path: ["lines"], message: f.linesExceedAmount });
  }
  if (command.wallet !== undefined) {
    const wallet = program.wallets.get(command.wallet);
    if (!wallet) issues.push({ path: ["wallet"], message: f.unknownWallet(command.wallet) });
    else if (spendOnly && wallet.kind === "counter")
      issues.push({ path: ["wallet"], message: f.walletIsCounter(command.wallet) });
    else if (spendOnly && wallet.kind !== "spendable")
      issues.push({ path: ["wallet"], message: f.walletNotSpendable(command.wallet) });
  }
  // A counter holds whole units: an adjustment of one may not add or take a fraction of a key.
  const whole = command.wallet !== undefined && program.wallets.get(command.wallet)?.kind === "counter";
  if (whole && command.points !== undefined && decimalPlaces(command.points) > 0)
    issues.push({ path: ["points"], message: f.counterWhole(command.wallet!) });
  else if (command.points !== undefined && decimalPlaces(command.points) > program.scale)
    issues.push({ path: ["points"], message: f.tooPrecise(program.scale) });
  if (command.occurredAt !== undefined && instantMs(command.occurredAt) > at)
    issues.push({ path: ["occurredAt"], message: f.inFuture });
  if (issues.length === 0) return;
  if (currencyWrong && issues.length === 1) {
    throw new LoyaltyError("CURRENCY_MISMATCH", messages.currencyMismatch(program.currency, command.currency!), {
      issues,
    });
  }
  throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand(name, issues.length), { issues });
}

/**
 * The cause a member chooses (the program's donations attribute) must be one of the program's
 * causes (docs/donations.md); null removes it. Other attributes are the caller's own.
 */
export function checkCause(
  ctx: EngineContext,
  name: string,
  attributes: Readonly<Record<string, unknown>> | undefined,
) {
  const d = ctx.program.donations;
  if (d === null || attributes === undefined || !Object.hasOwn(attributes, d.attribute)) return;
  const cause = attributes[d.attribute];
  if (cause === null || (typeof cause === "string" && d.causes.has(cause))) return;
  const issues = [{ path: ["attributes", d.attribute], message: f.unknownDonationCause(String(cause)) }];
  throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand(name, 1), { issues });
}

export const toLines = (
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

export const attrs = (attributes: Record<string, Scalar> | undefined) => attributes ?? {};
