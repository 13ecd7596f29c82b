// The layering of src/ as rules (npm run lint:layers). Each folder lists the folders it may import;
// the list is a DAG, read top to bottom, so a folder never reaches back up and no two folders
// import each other. docs/architecture.md draws the same picture.
//
//   errors, shared                 the base: error type and texts, decimals, time, hashing
//   program                        the program as data (schema, compile)
//   ledger                         lots, entries, the fold: knows no program
//   events                         the outbox events an entry gives: knows no program
//   expiry                         expiry policies over lots
//   accrual                        earning rules, refunds, referrals
//   tiers                          qualification and reviews
//   rewards                        catalogue, redemption, conversions, transfers
//   store                          the port and the in-memory store: knows no decision
//   engine                         the facade: the only core-side folder that does I/O (through a store)
//   postgres                       a store: knows the port and the ledger's shapes, never the engine
//   testing                        the conformance kit: may use everything
//   insights                       loyalty measures over purchase histories (its own subpath export)
//   simulate                       a program replayed over a history: the engine on the memory store
//   cli                            `loyalty-engine`: reads files and argv, may use everything
/** Everything a command's decision and the engine run on. */
const engineAndBelow = [
  "errors",
  "shared",
  "program",
  "ledger",
  "events",
  "expiry",
  "accrual",
  "tiers",
  "rewards",
  "store",
  "engine",
];

const layers = {
  errors: [],
  shared: ["errors"],
  program: ["errors", "shared"],
  ledger: ["errors", "shared"],
  events: ["errors", "shared", "ledger"],
  expiry: ["errors", "shared", "program", "ledger"],
  accrual: ["errors", "shared", "program", "ledger", "expiry"],
  tiers: ["errors", "shared", "program", "ledger", "expiry", "accrual"],
  rewards: ["errors", "shared", "program", "ledger", "expiry", "accrual"],
  store: ["errors", "shared", "ledger", "events"],
  engine: engineAndBelow.filter((folder) => folder !== "engine"),
  postgres: ["errors", "shared", "ledger", "events", "store"],
  testing: engineAndBelow,
  insights: ["errors", "shared"],
  simulate: [...engineAndBelow, "insights"],
  cli: [...engineAndBelow, "postgres", "insights", "simulate"],
};

/** The core decides; none of it may import a Node built-in (it runs on edge runtimes). */
const core = [...engineAndBelow, "insights", "simulate"];

module.exports = {
  forbidden: [
    {
      name: "no-module-cycles",
      comment: "Two modules that import each other cannot be read, tested or moved one at a time.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-folder-cycles",
      comment: "Folders are layers: a folder never imports one that imports it, however indirectly.",
      severity: "error",
      scope: "folder",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "no-node-builtins-in-core",
      comment: "The core runs on edge runtimes (workerd, edge-runtime, Deno, Bun): no Node built-ins.",
      severity: "error",
      from: { path: `^src/(${core.join("|")})/` },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "descriptions-not-at-runtime",
      comment:
        "The program fields' texts are for program.schema.json only (npm run schema): the engine never reads them, so they stay out of the bundle.",
      severity: "error",
      from: { path: "^src/index\\.ts$" },
      to: { path: "^src/program/schema-descriptions\\.ts$", reachable: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  allowed: [
    // The package's entry points gather the public API.
    { from: { path: "^src/index\\.ts$" }, to: {} },
    // Any module may use npm packages and its own folder.
    { from: { path: "^src/" }, to: { dependencyTypesNot: ["local"] } },
    { from: { path: "^src/([^/]+)/" }, to: { path: "^src/$1/" } },
    ...Object.entries(layers)
      .filter(([, below]) => below.length > 0)
      .map(([folder, below]) => ({
        from: { path: `^src/${folder}/` },
        to: { path: `^src/(${below.join("|")})/` },
      })),
  ],
  allowedSeverity: "error",
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js"],
    },
  },
};
