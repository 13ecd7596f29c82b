/**
 * The outbox through the engine: `events` reads the feed a page at a time (the store's
 * `readEvents`, capabilities.events), and `notify` is the notice sweep that writes "points expiring
 * soon" for members the due index names and "member lapsing" for those a win-back reading finds
 * (engine.lapsing), each committed with the member's version compare-and-set like the other
 * sweeps' work (docs/events.md).
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { expiringSoonNotices, lapsingNotice } from "../events/notices.js";
import { expiringBetween } from "../expiry/due.js";
import { iso } from "../shared/time.js";
import { BadCursor, type EventPage } from "../store/port.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import { runDueWork } from "./due-work.js";
import { parse } from "./inputs.js";
import { listingCommands } from "./listing.js";
import type { NotifyResult, SweepFailure } from "./results.js";
import { guard } from "./store-calls.js";
import { forEachDue } from "./sweeps.js";
import { systemWrite } from "./write-path.js";

const DAY = 86_400_000;

export function eventCommands(ctx: EngineContext): {
  events(options?: schemas.EventsOptions): Promise<EventPage>;
  notify(options: schemas.NotifyOptions): Promise<NotifyResult>;
} {
  const { program, store, now } = ctx;
  const needOutbox = () => {
    if (!store.capabilities.events)
      throw new LoyaltyError(
        "STORE_FAILURE",
        messages.storeFailure("This store does not keep an outbox (capabilities.events)."),
      );
  };
  return {
    async events(options = {}) {
      const o = parse(schemas.eventsOptionsSchema, options, "events");
      const read = store.readEvents;
      needOutbox();
      if (read === undefined) throw new LoyaltyError("STORE_FAILURE", messages.storeFailure("readEvents is missing."));
      const after = o.after ?? null;
      try {
        return await guard(() => read.call(store, program.id, { after, limit: o.limit ?? 100 }));
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        if (!(cause instanceof BadCursor)) throw error;
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("events", 1), {
          issues: [{ path: ["after"], message: messages.field.badCursor }],
        });
      }
    },

    async notify(options) {
      const o = parse(schemas.notifyOptionsSchema, options, "notify");
      const reading = o.lapsing === undefined ? undefined : lapsingReading(o.lapsing);
      needOutbox();
      const at = now();
      let scanned = 0,
        members = 0,
        notices = 0;
      const failed: SweepFailure[] = [];
      if (reading !== undefined) {
        const found = await notifyLapsing(ctx, reading, at, o.batchSize ?? 500);
        scanned += found.scanned;
        members += found.notices;
        notices += found.notices;
        failed.push(...found.failed);
      }
      if (o.expiringWithinDays === undefined) return { asOf: iso(at), scanned, members, notices, failed };
      const to = at + o.expiringWithinDays * DAY;
      const expiringFailed = await forEachDue(ctx, to - 1, o.batchSize ?? 500, async (memberId) => {
        scanned++;
        let written = 0;
        // Due work first (an expiry already due is written off, not announced), then the notices.
        await systemWrite(ctx, memberId, at, "expire", (w) => {
          runDueWork(ctx, w);
          const expiring = expiringBetween(program, w.state, at, to);
          const found = expiringSoonNotices(memberId, w.state.lastSeq, iso(at), expiring);
          written = found.length;
          return found;
        });
        if (written > 0) members++;
        notices += written;
      });
      return { asOf: iso(at), scanned, members, notices, failed: [...failed, ...expiringFailed] };
    },
  };
}

/** A notify's `lapsing` reading, checked as `engine.lapsing` checks it, its paths under `lapsing`. */
function lapsingReading(raw: unknown): schemas.LapsingOptions {
  try {
    return parse(schemas.lapsingOptionsSchema, raw, "notify");
  } catch (error) {
    if (!(error instanceof LoyaltyError)) throw error;
    const issues = (error.issues ?? []).map((i) => ({ ...i, path: ["lapsing", ...i.path] }));
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("notify", issues.length), { issues });
  }
}

/**
 * The "member lapsing" notices: every member the win-back reading finds at `at` (engine.lapsing,
 * page by page), each committed as system work with the member's version compare-and-set after its
 * due work. A member already told of this lapse (same notice id) is not told again.
 */
async function notifyLapsing(
  ctx: EngineContext,
  reading: schemas.LapsingOptions,
  at: number,
  pageSize: number,
): Promise<{ scanned: number; notices: number; failed: SweepFailure[] }> {
  const lapsing = listingCommands(ctx).lapsing;
  let scanned = 0,
    notices = 0,
    after: string | undefined;
  const failed: SweepFailure[] = [];
  do {
    const page = await lapsing({
      ...reading,
      now: iso(at),
      limit: pageSize,
      ...(after === undefined ? {} : { after }),
    });
    for (const m of page.members) {
      scanned++;
      // The lapse this notice tells of: the last purchase, or the recent window compared.
      const basis =
        page.windows === undefined ? `days/${m.lastPurchaseAt}` : `spend/${page.windows.recent.from}/${reading.months}`;
      const payload = {
        lastPurchaseAt: m.lastPurchaseAt,
        daysSincePurchase: m.daysSincePurchase,
        ...(m.spend === undefined
          ? {}
          : { recentSpend: m.spend.recent, earlierSpend: m.spend.earlier, fallenBy: m.spend.fallenBy }),
      };
      try {
        let wrote = false;
        await systemWrite(ctx, m.memberId, at, "expire", (w) => {
          runDueWork(ctx, w);
          wrote = true;
          return [lapsingNotice(m.memberId, w.state.lastSeq, iso(at), basis, payload)];
        });
        if (wrote) notices++;
      } catch (error) {
        if (!(error instanceof LoyaltyError)) throw error;
        failed.push({ memberId: m.memberId, code: error.code, message: error.message });
      }
    }
    after = page.after ?? undefined;
  } while (after !== undefined);
  return { scanned, notices, failed };
}
