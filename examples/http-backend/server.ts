// Wiring only (not run by the tests, which build the same app on PGlite and on a server):
// DATABASE_URL=postgres://... then serve `app.fetch` (Bun and Deno serve a default export's
// `fetch`; on Node, `serve({ fetch: app.fetch })` from @hono/node-server).
import pg from "pg";
import { pgPool } from "loyalty-engine/postgres";
import { createApp } from "./app.js";
import { engineOn } from "./engine.js";

// A small pool per process: the engine holds a connection only for the length of one command.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
const app = createApp(await engineOn(pgPool(pool)));

export default app;
