/**
 * GitHub's skip instructions ("Skipping workflow runs"): a push or pull request whose head commit
 * message holds one of these strings, or ends with a `skip-checks: true` trailer, triggers no `push`
 * or `pull_request` workflow (`pull_request_target` and other events still run).
 */

/** Matched exactly, as documented (GitHub lists them in lower case only). */
const SKIP_STRINGS = ["[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]"];

/** Only `skip-checks:true` and `skip-checks: true` are documented. */
const SKIP_TRAILER = /^skip-checks: ?true$/;

/** The events a skip instruction stops. */
export const SKIPPABLE_EVENTS: readonly string[] = ["push", "pull_request"];

/** The skip instruction in a commit message, as quoted text for a reason, or undefined when none. */
export function skipInstruction(message: string): string | undefined {
  const found = SKIP_STRINGS.find((s) => message.includes(s));
  if (found) return `"${found}"`;
  // The trailer must be the last line of the message's last paragraph (its trailer block, which
  // GitHub asks to be the final trailer), and a blank line must separate that block from the subject.
  const paragraphs = message.trimEnd().split(/\n[ \t]*\n/);
  const last = paragraphs.at(-1)?.split("\n").at(-1)?.trim();
  if (paragraphs.length > 1 && last !== undefined && SKIP_TRAILER.test(last)) return `trailer "${last}"`;
  return undefined;
}
