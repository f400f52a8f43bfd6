/**
 * JUnit XML, as written by vitest (`--reporter=junit`), jest-junit, pytest (`--junitxml`), Maven
 * Surefire/Failsafe (`TEST-*.xml`), Gradle, PHPUnit and the many tools that copy Ant's format.
 *
 * The format has no single schema, so the parser reads the common core and ignores the rest:
 * `<testsuites>`/`<testsuite>` (nested at any depth), `<testcase>` and its outcome children
 * `<failure>`, `<error>`, `<skipped>`. Totals are counted from the cases because producers disagree
 * on what the suite attributes mean (jest-junit writes `tests="0"` for a suite that failed to run
 * and still lists an error case for it; pytest writes a case failing in call and in teardown as two
 * `<testcase>`s but counts it once); a suite that lists no cases at all contributes its counts
 * instead. Likewise `durationMs` sums the cases' times (and counts-only suites' times): suite times
 * overlap when suites run in parallel.
 */
import { parseError } from "./xml/text";
import { scanXml, type XmlAttributes, type XmlHandler } from "./xml/scanner";
import type { Report, ReportParser, TestCase, TestStatus, TestSummary } from "../types";

/** An open `<testsuite>`/`<testsuites>`: what its cases inherit, and its counts. */
interface SuiteFrame {
  name: string;
  file: string | undefined;
  /** Cases or child suites seen inside; a suite with neither is a counts-only suite. */
  hasContent: boolean;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  timeMs: number;
}

interface OpenCase {
  c: TestCase;
  depth: number;
  // The outcome element whose message we are still reading from text, if any.
  outcomeDepth: number;
  text: string;
  /** Whether `text` has a non-blank character yet. */
  seen: boolean;
}

// A message is one line; past this much text without a line end we stop reading it.
const MAX_MESSAGE_TEXT = 4096;

// Higher wins when a case has several outcome elements (jest-junit writes one <failure> per
// assertion message; a hand-written file may mix kinds).
const rank: Record<TestStatus, number> = { passed: 0, skipped: 1, errored: 2, failed: 3 };

const outcomes: Record<string, TestStatus> = { failure: "failed", error: "errored", skipped: "skipped" };

/**
 * A `time` attribute in seconds ("0.003"; "1,234.5" from Surefire 2, which formatted with grouping)
 * → milliseconds. Missing, negative or unreadable times count as 0: a bad duration is no reason to
 * reject the test results.
 */
export function timeMs(attrs: XmlAttributes): number {
  let seconds = attrs.number("time");
  if (seconds !== undefined && Number.isNaN(seconds)) {
    const value = attrs.get("time") as string;
    seconds = /^\s*\d{1,3}(,\d{3})+(\.\d*)?\s*$/.test(value) ? Number(value.replace(/,/g, "")) : NaN;
  }
  // Rounded to nanoseconds: vitest writes up to 10 decimals, and 0.0123 * 1000 is 12.299999999999999.
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0
    ? Math.round(seconds * 1e9) / 1e6
    : 0;
}

function count(attrs: XmlAttributes, name: string): number {
  const n = attrs.number(name) ?? 0;
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** First non-blank line, trimmed; undefined when there is none. */
export function firstLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  for (const line of text.split("\n", 50)) {
    const t = line.trim();
    if (t !== "") return t;
  }
  return undefined;
}

class JunitHandler implements XmlHandler {
  wantsText = false;
  readonly cases: TestCase[] = [];
  private depth = 0;
  private readonly suites: SuiteFrame[] = [];
  /** Counts of suites that listed no cases. */
  readonly extra = { passed: 0, failed: 0, errored: 0, skipped: 0, durationMs: 0 };
  private open_: OpenCase | undefined;
  // Consecutive cases mostly share a class name: reuse the string rather than allocate it again.
  private lastClass = "";

  constructor(
    private readonly input: string,
    private readonly file: string,
  ) {}

  open(name: string, attrs: XmlAttributes, offset: number): void {
    const depth = ++this.depth;
    if (depth === 1 && name !== "testsuites" && name !== "testsuite") {
      throw parseError(this.input, this.file, offset, `not a JUnit report: the root element is <${name}>`);
    }
    const current = this.open_;
    if (current !== undefined) {
      if (depth === current.depth + 1) this.outcome(current, name, attrs);
      return;
    }
    if (name === "testsuite" || name === "testsuites") this.openSuite(attrs);
    else if (name === "testcase") this.openCase(attrs, depth);
  }

  close(name: string): void {
    const depth = this.depth--;
    const current = this.open_;
    if (current !== undefined) {
      if (depth === current.outcomeDepth) this.endOutcomeText(current);
      if (depth === current.depth) {
        this.cases.push(current.c);
        this.open_ = undefined;
      }
      return;
    }
    if (name === "testsuite" || name === "testsuites") this.closeSuite();
  }

  text(text: string): void {
    const current = this.open_;
    if (current === undefined) return;
    current.text += text.length > MAX_MESSAGE_TEXT ? text.slice(0, MAX_MESSAGE_TEXT) : text;
    // Stop reading once the message line is complete (a stack trace can be long). Only the new
    // chunk is searched, so text split into many CDATA sections stays linear.
    let complete = current.text.length >= MAX_MESSAGE_TEXT;
    if (!complete && !current.seen) {
      const content = text.search(/\S/);
      current.seen = content !== -1;
      complete = current.seen && text.indexOf("\n", content) !== -1;
    } else if (!complete) complete = text.includes("\n");
    if (complete) this.endOutcomeText(current);
  }

  private openSuite(attrs: XmlAttributes): void {
    const parent = this.suites[this.suites.length - 1];
    if (parent !== undefined) parent.hasContent = true;
    this.suites.push({
      name: attrs.get("name") ?? parent?.name ?? "",
      file: attrs.get("file") ?? parent?.file,
      hasContent: false,
      tests: count(attrs, "tests"),
      failures: count(attrs, "failures"),
      errors: count(attrs, "errors"),
      skipped: count(attrs, attrs.has("skipped") ? "skipped" : "disabled"),
      timeMs: timeMs(attrs),
    });
  }

  private closeSuite(): void {
    const s = this.suites.pop();
    if (s === undefined || s.hasContent || s.tests === 0) return;
    const failed = Math.min(s.failures, s.tests);
    const errored = Math.min(s.errors, s.tests - failed);
    const skipped = Math.min(s.skipped, s.tests - failed - errored);
    this.extra.failed += failed;
    this.extra.errored += errored;
    this.extra.skipped += skipped;
    this.extra.passed += s.tests - failed - errored - skipped;
    this.extra.durationMs += s.timeMs;
  }

  private openCase(attrs: XmlAttributes, depth: number): void {
    const suite = this.suites[this.suites.length - 1];
    if (suite !== undefined) suite.hasContent = true;
    const c: TestCase = {
      name: attrs.get("name") ?? "",
      suite: this.className(attrs) ?? suite?.name ?? "",
      status: "passed",
      durationMs: timeMs(attrs),
    };
    const file = attrs.get("file") ?? suite?.file;
    if (file !== undefined && file !== "") c.file = file;
    const line = Number(attrs.get("line"));
    if (attrs.get("line") !== undefined && Number.isInteger(line) && line >= 0) {
      // pytest (junit_family=xunit1) writes its 0-based item location; everyone else is 1-based.
      const pytest = suite?.name === "pytest" && c.file?.endsWith(".py") === true;
      c.line = pytest ? line + 1 : line;
    }
    this.open_ = { c, depth, outcomeDepth: -1, text: "", seen: false };
  }

  private className(attrs: XmlAttributes): string | undefined {
    const key = attrs.has("classname") ? "classname" : "class";
    if (attrs.is(key, this.lastClass)) return this.lastClass;
    const value = attrs.get(key);
    if (value !== undefined) this.lastClass = value;
    return value;
  }

  /** A child of the open `<testcase>`; Surefire's rerun/flaky records never change its status. */
  private outcome(current: OpenCase, name: string, attrs: XmlAttributes): void {
    const status = outcomes[name];
    if (status === undefined || rank[status] <= rank[current.c.status]) return;
    current.c.status = status;
    const message = firstLine(attrs.get("message"));
    if (message !== undefined) {
      current.c.message = message;
      return;
    }
    delete current.c.message;
    current.outcomeDepth = this.depth;
    current.text = "";
    current.seen = false;
    this.wantsText = true;
  }

  private endOutcomeText(current: OpenCase): void {
    const message = firstLine(current.text);
    if (message !== undefined) current.c.message = message;
    current.outcomeDepth = -1;
    current.text = "";
    this.wantsText = false;
  }
}

/** Parses a JUnit XML document into a `Report` with `tests`. */
export function parseJunit(content: string, file: string): Report {
  const handler = new JunitHandler(content, file);
  scanXml(content, file, handler);
  const { cases, extra } = handler;
  const tests: TestSummary = { total: 0, ...extra, cases };
  for (const c of cases) {
    tests[c.status]++;
    tests.durationMs += c.durationMs;
  }
  tests.total = tests.passed + tests.failed + tests.errored + tests.skipped;
  tests.durationMs = Math.round(tests.durationMs * 1e6) / 1e6;
  return { format: "junit", file, tests };
}

// The first element after the XML declaration, comments and DOCTYPE must be a JUnit root.
// Each prolog item can only end at its own terminator, so a failing match cannot backtrack
// exponentially over a head full of `<?…?>` or comments.
const junitHead =
  /^\uFEFF?\s*(?:(?:<\?(?:[^?]|\?(?!>))*\?>|<!--(?:[^-]|-(?!->))*-->|<!DOCTYPE[^>]*>)\s*)*<testsuites?[\s/>]/;

/** The JUnit XML report parser (format `junit`). */
export const junitParser: ReportParser = {
  format: "junit",
  detect(head: string): boolean {
    return junitHead.test(head);
  },
  parse: parseJunit,
};
