// ESLint: type-aware rules that catch what review misses (promises nobody awaits, values nobody
// reads, type imports that drag runtime code into a bundle) and the core's purity (no clock, no
// randomness). Formatting is Prettier's; the layering between folders is dependency-cruiser's
// (.dependency-cruiser.cjs).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** The pure core: decides from (program, state, command, now) alone. */
const core = ["src/program", "src/ledger", "src/accrual", "src/tiers", "src/expiry", "src/rewards", "src/shared"].map(
  (dir) => `${dir}/**/*.ts`,
);

export default tseslint.config(
  { ignores: ["dist/", "docs/api/", "coverage/", "node_modules/", "scratch/", "packaging/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-import-type-side-effects": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/no-unused-expressions": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: core,
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "The core takes `now` from the caller (the engine's clock)." },
        { object: "Math", property: "random", message: "The core takes ids and choices from the caller." },
        { object: "crypto", property: "randomUUID", message: "The core takes ids from the engine's generator." },
        { object: "performance", property: "now", message: "The core takes `now` from the caller." },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "`new Date()` reads the clock: the core takes `now` from the caller.",
        },
        {
          selector: "CallExpression[callee.name='Date'][arguments.length=0]",
          message: "`Date()` reads the clock: the core takes `now` from the caller.",
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "crypto", message: "No randomness or Node built-ins in the core." },
        { name: "process", message: "The core runs on edge runtimes: no process." },
      ],
    },
  },
  {
    // The bad-input corpora hand the engine values its types forbid, on purpose.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Tool configs that must be CommonJS (dependency-cruiser's).
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
  },
);
