/**
 * docs/commands.md cannot drift from the engine: every command of the LoyaltyEngine facade has a
 * section, and every error code a section lists is one the command really raises, shown by running
 * the command into it (commands-scenarios.ts). A scenario the doc does not list fails too, so the
 * lists stay complete as far as the scenarios go.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, LoyaltyError } from "../../src/index.js";
import { commonScenario, scenarios, validCalls, world } from "./commands-scenarios.js";
import { root } from "./snippets.js";

const doc = readFileSync(join(root, "docs/commands.md"), "utf8");

/** Each `## \`name\`` section's listed codes (its `**Errors:**` line; none when it has none). */
function sections(markdown: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const part of markdown.split(/^## /m).slice(1)) {
    const name = /^`(\w+)`/.exec(part)?.[1];
    if (name === undefined) continue;
    const errors = /^\*\*Errors:\*\*(.*)$/m.exec(part)?.[1] ?? "";
    found.set(name, [...errors.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!));
  }
  return found;
}

const listed = sections(doc);

/** The facade's methods, read off an engine (its own keys: the facade is a plain object). */
async function facadeCommands(): Promise<string[]> {
  const { engine } = await world();
  return Object.keys(engine)
    .filter((k) => typeof (engine as unknown as Record<string, unknown>)[k] === "function")
    .sort();
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof LoyaltyError) return error.code;
    throw error;
  }
  return "(no error)";
}

describe("docs/commands.md", () => {
  it("has a section for every command of the engine, and none for a command it lacks", async () => {
    expect([...listed.keys()].sort()).toEqual(await facadeCommands());
  });

  it("lists only error codes that exist", () => {
    for (const [command, codes] of listed)
      for (const code of codes) expect({ command, code, exists: ERROR_CODES.includes(code as never) }).toMatchObject({ exists: true });
  });

  it("lists every refusal the scenarios know of", () => {
    for (const [command, byCode] of Object.entries(scenarios))
      for (const code of Object.keys(byCode)) expect({ command, listed: listed.get(command)?.includes(code) }).toEqual({ command, listed: true });
  });

  const cases = [...listed].flatMap(([command, codes]) => codes.map((code) => ({ command, code })));
  it.each(cases)("$command raises $code", async ({ command, code }) => {
    const scenario = scenarios[command]?.[code] ?? commonScenario(command, code);
    expect(scenario, `no scenario shows ${command} raising ${code}: add one to commands-scenarios.ts`).toBeDefined();
    expect(await codeOf(scenario!)).toBe(code);
  });

  it("the write commands of validCalls succeed as written (their failures come from the armed failure alone)", async () => {
    for (const [command, call] of Object.entries(validCalls))
      expect({ command, code: await codeOf(async () => call(await world(), "fresh-key")) }).toEqual({
        command,
        code: "(no error)",
      });
  });
});
