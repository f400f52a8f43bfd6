/** How to get an advisory database: said wherever a scan finds none (its own module: tiny, loaded early). */
export function advisoryDbHelp(triedOnline: boolean): string {
  return `import one with \`sluice db import <all.zip>\` (OSV's exports: https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip) or give one with --db PATH (scan.deps.db)${triedOnline ? "" : ", or use --online"}`;
}
