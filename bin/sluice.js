#!/usr/bin/env node
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write("sluice: the CLI is not built yet; run `npm run build` in the sluice checkout.\n");
  process.exit(3);
}
await import(cli);
