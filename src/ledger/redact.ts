/**
 * Redaction: an entry with the personal fields an erasure removes (docs/members.md), everything
 * else as it was. Amounts, lots, dates, ids and the command key stay, so the books fold and add up
 * exactly as before; the member's `erasure` entry that follows empties the profile in the state.
 *
 * What counts as personal: the profile (birthday, attributes, explicit segments) and the free text
 * a caller typed (adjust reasons, references, cancellation reasons, tier notes). Ids (member,
 * purchase, redemption, idempotency key) cannot be rewritten without breaking the books: keep
 * personal data out of them (a surrogate member id, docs/members.md). A donation's cause is one
 * of the program's causes, not text a caller typed: it stays.
 */
import type { Entry } from "./entries.js";

/** What an adjustment's required reason becomes. */
export const ERASED_REASON = "erased";

/** `entry` without its personal fields; the very same object when it has none. */
export function redactEntry(entry: Entry): Entry {
  switch (entry.kind) {
    case "enroll": {
      if (entry.birthday === null && Object.keys(entry.attributes).length === 0 && !entry.segments) return entry;
      const { segments: _segments, ...rest } = entry;
      return { ...rest, birthday: null, attributes: {} };
    }
    case "profile": {
      const { birthday: _birthday, ...rest } = entry;
      return { ...rest, attributes: {}, segments: { add: [], remove: [] } };
    }
    case "adjust":
      return entry.reason === ERASED_REASON && entry.reference === null
        ? entry
        : { ...entry, reason: ERASED_REASON, reference: null };
    case "spend":
    case "hold":
    case "redeem":
    case "transfer":
      return entry.reference === null ? entry : { ...entry, reference: null };
    case "import": {
      // The opening profile, the source's reference for the member, and the open holds' references.
      const holds = entry.holds?.map((h) => (h.reference === null ? h : { ...h, reference: null }));
      if (entry.birthday === null && Object.keys(entry.attributes).length === 0 && entry.source === null)
        if (holds === undefined || holds.every((h, i) => h === entry.holds![i])) return entry;
      return { ...entry, birthday: null, attributes: {}, source: null, ...(holds === undefined ? {} : { holds }) };
    }
    case "cancel":
      return entry.reason === null ? entry : { ...entry, reason: null };
    case "tier":
      return entry.note === null ? entry : { ...entry, note: null };
    default:
      return entry;
  }
}
