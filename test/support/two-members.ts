/**
 * Helpers for the commands that write two members in one commit (transfers, referrals): an engine
 * with store fingerprints, entries and invariant checks over several members, and refusals checked
 * to leave every member (and the key) exactly as they were.
 */
import { expect } from "vitest";
import {
  LoyaltyError,
  createMemoryStore,
  type ErrorCode,
  type LoyaltyEngine,
  type LoyaltyStore,
  type ProgramDefinition,
} from "../../src/index.js";
import { memberViolations, readAllEntries, storeFingerprint } from "../../src/testing/index.js";
import { testEngine } from "./engine.js";

/** Monday 2 March 2026, 10:00 London (GMT). */
export const T0 = Date.parse("2026-03-02T10:00:00Z");

/** A path into a refusal's issues. */
export type Path = readonly (string | number)[];

export function setup(def: ProgramDefinition, start = T0, store: LoyaltyStore = createMemoryStore()) {
  const { engine, t } = testEngine(def, start, { store, maxAttempts: 50 });
  const pid = def.id;
  return {
    engine,
    store,
    t,
    pid,
    fingerprint: (members: readonly string[], keys: readonly string[] = []) =>
      storeFingerprint(store, pid, members, keys),
    entries: (m: string) => readAllEntries(store, pid, m),
    violations: async (members: readonly string[]) =>
      (await Promise.all(members.map((m) => memberViolations(store, pid, m, t.now())))).flat(),
  };
}

export async function enrollAll(engine: LoyaltyEngine, ids: readonly string[]) {
  for (const id of ids) await engine.enroll({ key: `enroll-${id}`, memberId: id });
}

/** Runs `p`, expects a LoyaltyError with `code` (and an issue at `path`, if given), and returns it. */
export async function refused(p: Promise<unknown>, code: ErrorCode, path?: Path): Promise<LoyaltyError> {
  let caught: unknown;
  let outcome: string;
  try {
    outcome = `it succeeded with ${JSON.stringify(await p).slice(0, 300)}`;
  } catch (error) {
    caught = error;
    outcome = `it threw ${String(error)}`;
  }
  expect(caught, `expected ${code}, but ${outcome}`).toBeInstanceOf(LoyaltyError);
  const e = caught as LoyaltyError;
  expect(e.code, `${e.message} ${JSON.stringify(e.issues)}`).toBe(code);
  if (path) expect(e.issues.map((i) => JSON.stringify(i.path))).toContain(JSON.stringify(path));
  return e;
}

/** Refused with `code` and nothing written on any of `members`, nor under `key`. */
export async function refusedCleanly(
  h: ReturnType<typeof setup>,
  members: readonly string[],
  key: string,
  run: () => Promise<unknown>,
  code: ErrorCode,
  path?: Path,
) {
  const before = await h.fingerprint(members, [key]);
  const error = await refused(run(), code, path);
  expect(await h.fingerprint(members, [key])).toBe(before);
  return error;
}
