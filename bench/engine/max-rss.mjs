// Preloaded with `node --import` when GNU time is missing: records this process's peak RSS (KiB)
// into $SLUICE_BENCH_RSS_FILE when it exits, however it exits.
import { writeFileSync } from "node:fs";

const out = process.env.SLUICE_BENCH_RSS_FILE;
if (out) process.on("exit", () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
