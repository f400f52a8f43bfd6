/** Small terminal formatting helpers shared by the reporters and commands. */
import pc from "picocolors";
import type { Conclusion } from "../../store/types";

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, "0")}s`;
}

export function conclusionSymbol(c: Conclusion | null, color: boolean): string {
  const paint = (f: (s: string) => string, s: string) => (color ? f(s) : s);
  switch (c) {
    case "success":
      return paint(pc.green, "✓");
    case "failure":
      return paint(pc.red, "✗");
    case "cancelled":
      return paint(pc.yellow, "⊘");
    case "skipped":
      return paint(pc.dim, "−");
    default:
      return paint(pc.cyan, "●");
  }
}
