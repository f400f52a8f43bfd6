/**
 * The order `String.prototype.localeCompare` gives printable ASCII strings under the CLDR root
 * collation, computed without ICU. @cyclonedx/cyclonedx-library sorts every list with
 * `localeCompare` (`sortLists`), and V8's first `localeCompare` builds an ICU collator: 6–25 ms of a
 * cold `sluice scan sbom`. Lists whose strings are all printable ASCII are put in this order before
 * the library serialises them unsorted; anything else is left to the library.
 *
 * Root collation with CLDR's defaults (non-ignorable punctuation, lowercase first) compares the
 * primary weights of the whole strings first (punctuation and symbols, then digits, then letters
 * without case), then case: a lowercase letter before its capital. `collation.test.ts` checks this
 * against ICU.
 */

/** Printable ASCII by primary weight; capitals share their lowercase letter's weight. */
const PRIMARY_ORDER = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";

/** Primary weight by char code (1-based); 0 for characters outside printable ASCII. */
const WEIGHTS = (() => {
  const weights = new Uint8Array(128);
  for (let i = 0; i < PRIMARY_ORDER.length; i++) {
    const code = PRIMARY_ORDER.charCodeAt(i);
    weights[code] = i + 1;
    if (code >= 0x61 && code <= 0x7a) weights[code - 0x20] = i + 1;
  }
  return weights;
})();

/** True when every character of `text` is printable ASCII (U+0020–U+007E), which `compareRoot` orders. */
export function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/**
 * `a.localeCompare(b)` under the root collation, for printable ASCII strings (see
 * `isPrintableAscii`); 0 only for equal strings.
 */
export function compareRoot(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const wa = WEIGHTS[a.charCodeAt(i)]!;
    const wb = WEIGHTS[b.charCodeAt(i)]!;
    if (wa !== wb) return wa < wb ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  // Same letters and symbols throughout: the first difference is a letter's case, lowercase first.
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return ca > cb ? -1 : 1;
  }
  return 0;
}

/**
 * True when `localeCompare` without a locale uses the root collation here: on POSIX systems ICU
 * takes its default locale from LC_ALL, LC_MESSAGES or LANG (the first set), and `C`, `POSIX` and
 * English add no tailoring. Other languages may reorder ASCII (Danish sorts `aa` after `z`, Czech
 * `ch` after `h`). On Windows ICU asks the system, which costs what this avoids: false.
 */
export function defaultCollationIsRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (platform === "win32") return false;
  const id = env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG;
  if (id === undefined) return true;
  const language = id.split(/[_.@-]/, 1)[0]!.toLowerCase();
  return language === "" || language === "c" || language === "posix" || language === "en";
}
