/**
 * The outbox through the engine: `events` reads the feed a page at a time (the store's
 * `readEvents`, capabilities.events), and `notify` is the notice sweep that writes "points expiring
 * soon" for members the due index names, each committed with the member's version
 * compare-and-set like the other sweeps' work (docs/events.md).
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { expiringSoonNotices } from "../events/notices.js";
import { expiringBetween } from "../expiry/due.js";
import { iso } from "../shared/time.js";
import { BadCursor, type EventPage } from "../store/port.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import { runDueWork } from "./due-work.js";
import { parse } from "./inputs.js";
import type { NotifyResult } from "./results.js";
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
      needOutbox();
      const at = now();
      const to = at + o.expiringWithinDays * DAY;
      let scanned = 0,
        members = 0,
        notices = 0;
      const failed = await forEachDue(ctx, to - 1, o.batchSize ?? 500, async (memberId) => {
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
      return { asOf: iso(at), scanned, members, notices, failed };
    },
  };
}
