/**
 * `loadForCommand`, the optional one-round-trip read of a command's members and idempotency key:
 * it answers as `loadMember` and `getIdempotency` do, and reads at one instant. A store that does
 * not offer it skips these tests (the capability is declared by the method being there).
 */
import { expect, it } from "vitest";
import { type ConformanceContext, P, enrollBatch } from "./context.js";

export function loadForCommand(context: ConformanceContext): void {
  const { make, close } = context;
  it("answers loadForCommand as loadMember and getIdempotency do, in the order asked (when the store offers it)", async (ctx) => {
    const store = await make();
    if (store.loadForCommand === undefined) {
      await close(store);
      ctx.skip();
      return;
    }
    expect(await store.loadForCommand(P, ["a", "b"], "k")).toEqual({ members: [null, null], idempotency: null });
    await store.commit(enrollBatch("m1", "k1"));
    await store.commit(enrollBatch("m2", "k2"));
    const [m1, m2] = [await store.loadMember(P, "m1"), await store.loadMember(P, "m2")];
    expect(await store.loadForCommand(P, ["m1"], "k1")).toEqual({
      members: [m1],
      idempotency: await store.getIdempotency(P, "k1"),
    });
    expect(await store.loadForCommand(P, ["m2", "nobody", "m1"], "k2")).toEqual({
      members: [m2, null, m1],
      idempotency: await store.getIdempotency(P, "k2"),
    });
    expect(await store.loadForCommand(P, ["m1", "m2"], "no-key")).toEqual({ members: [m1, m2], idempotency: null });
    expect(await store.loadForCommand(P, [], "k1")).toEqual({
      members: [],
      idempotency: await store.getIdempotency(P, "k1"),
    });
    expect(await store.loadForCommand(`${P}-other`, ["m1"], "k1")).toEqual({ members: [null], idempotency: null });
    await close(store);
  });

  it("reads a command's members and key at one instant: a member showing a commit comes with that commit's key", async (ctx) => {
    const store = await make();
    if (store.loadForCommand === undefined) {
      await close(store);
      ctx.skip();
      return;
    }
    const first = enrollBatch("m1", "v1");
    await store.commit(first);
    const snapshot = first.members[0]!.snapshot;
    const versions = 40;
    let done = false;
    const writer = (async () => {
      for (let v = 2; v <= versions; v++) {
        await store.commit({
          programId: P,
          members: [{ memberId: "m1", expectedVersion: v - 1, snapshot, entries: [], dueAt: null }],
          idempotency: {
            key: `v${v}`,
            payloadHash: `h${v}`,
            result: { v },
            committedAt: "2026-01-01T00:00:00.000Z",
          },
        });
      }
      done = true;
    })();
    // Readers ask for the key of a version ahead of the one they last saw: whenever the member
    // shows that version (or a later one), the key must be there too.
    let checked = 0;
    const readers = Array.from({ length: 3 }, async (_, r) => {
      let target = 2 + r;
      while (!done && target <= versions) {
        const read = await store.loadForCommand!(P, ["m1"], `v${target}`);
        const version = read.members[0]!.version;
        if (version >= target) {
          expect(read.idempotency?.result).toEqual({ v: target });
          checked++;
          target = version + 1 + r;
        } else expect(read.idempotency).toBeNull();
      }
    });
    await Promise.all([writer, ...readers]);
    expect((await store.loadMember(P, "m1"))?.version).toBe(versions);
    expect(checked).toBeGreaterThan(0);
    await close(store);
  });
}
