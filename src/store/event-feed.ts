/**
 * The memory store's outbox: one program's events in commit order, and the ids it holds. A memory
 * commit's writes have no await between them, so the order commits land in is the order their
 * events are appended in: the feed never has a hole to wait for, and the cursor is simply the count
 * of events read.
 */
import type { EventPage, OutboxEvent } from "../events/event.js";
import { frozen } from "../shared/frozen.js";
import { BadCursor } from "./port.js";

export class EventFeed {
  readonly #events: OutboxEvent[] = [];
  readonly #ids = new Set<string>();

  /**
   * Appends the events whose ids the feed does not hold yet (a notice written again is skipped),
   * each of which must name one of `members`; returns how to take them out again.
   */
  append(events: readonly OutboxEvent[], members: ReadonlySet<string>): () => void {
    for (const e of events)
      if (!members.has(e.memberId)) throw new Error(`memory store: event ${e.id} names no member of the commit`);
    const before = this.#events.length;
    for (const e of events) {
      if (this.#ids.has(e.id)) continue;
      this.#events.push(frozen(e));
      this.#ids.add(e.id);
    }
    return () => {
      for (const e of this.#events.splice(before)) this.#ids.delete(e.id);
    };
  }

  read(after: string | null, limit: number): EventPage {
    let from = 0;
    if (after !== null) {
      if (!/^(0|[1-9]\d{0,15})$/.test(after)) throw new BadCursor(after);
      from = Number(after);
    }
    const events = this.#events.slice(from, from + limit);
    return { events, cursor: events.length === 0 ? after : String(from + events.length) };
  }
}
