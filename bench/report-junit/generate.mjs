// Deterministic generators for the report benchmarks: a JUnit file shaped like Maven Surefire and
// vitest output (self-closing passes, failures with escaped stack traces, skips, CDATA system-out,
// properties) and a Cobertura file shaped like coverage.py's. Seeded so every run parses the
// same bytes.

/** mulberry32: a tiny seeded PRNG. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = ["order", "invoice", "cart", "user", "session", "payment", "refund", "stock", "price", "token"];

function stack(rnd, cls) {
  let s = `org.opentest4j.AssertionFailedError: expected: &lt;${Math.floor(rnd() * 100)}&gt; but was: &lt;${Math.floor(rnd() * 100)}&gt;\n`;
  for (let i = 0; i < 12; i++) {
    s += `\tat ${cls}.${words[i % words.length]}Step(${cls.split(".").pop()}.java:${10 + i * 7})\n`;
  }
  return s + "\tat java.base/java.util.ArrayList.forEach(ArrayList.java:1596)\n";
}

/** A JUnit XML document of at least `bytes` UTF-8 bytes. */
export function generateJunit(bytes, seed = 1) {
  const rnd = random(seed);
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench" tests="0">\n'];
  let size = parts[0].length;
  let suite = 0;
  while (size < bytes) {
    const cls = `com.example.${words[suite % words.length]}.Service${suite}Test`;
    let s = `  <testsuite name="${cls}" time="${(rnd() * 3).toFixed(3)}" tests="50" errors="1" skipped="2" failures="3">\n`;
    s += `    <properties>\n      <property name="java.version" value="17.0.9"/>\n      <property name="os.name" value="Linux"/>\n    </properties>\n`;
    for (let i = 0; i < 50; i++) {
      const name = `${words[i % words.length]} handles case #${i} &amp; edge ${Math.floor(rnd() * 1000)}`;
      const head = `    <testcase name="${name}" classname="${cls}" time="${(rnd() / 10).toFixed(3)}"`;
      const roll = rnd();
      if (roll < 0.9) s += `${head}/>\n`;
      else if (roll < 0.95) {
        s += `${head}>\n      <failure message="expected: &lt;1&gt; but was: &lt;2&gt;" type="org.opentest4j.AssertionFailedError">${stack(rnd, cls)}</failure>\n`;
        s += `      <system-out><![CDATA[${"log line with <tags> & stuff\n".repeat(20)}]]></system-out>\n    </testcase>\n`;
      } else if (roll < 0.98) s += `${head}>\n      <skipped message="not on CI"/>\n    </testcase>\n`;
      else
        s += `${head}>\n      <error type="java.lang.IllegalStateException">${stack(rnd, cls)}</error>\n    </testcase>\n`;
    }
    s += `    <system-out><![CDATA[${"suite output line\n".repeat(40)}]]></system-out>\n  </testsuite>\n`;
    parts.push(s);
    size += s.length;
    suite++;
  }
  parts.push("</testsuites>\n");
  return parts.join("");
}

/** A Cobertura XML document (coverage.py style) of at least `bytes` bytes. */
export function generateCobertura(bytes, seed = 1) {
  const rnd = random(seed);
  const parts = [
    '<?xml version="1.0" ?>\n<coverage version="7.4.4" timestamp="1714557600000" lines-valid="0" lines-covered="0" line-rate="0" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">\n\t<sources>\n\t\t<source>/home/ci/project/src</source>\n\t</sources>\n\t<packages>\n',
  ];
  let size = parts[0].length;
  let pkg = 0;
  while (size < bytes) {
    let s = `\t\t<package name="app.${words[pkg % words.length]}${pkg}" line-rate="0.8" branch-rate="0.5" complexity="0">\n\t\t\t<classes>\n`;
    for (let c = 0; c < 10; c++) {
      s += `\t\t\t\t<class name="mod${c}.py" filename="app/${words[pkg % words.length]}${pkg}/mod${c}.py" complexity="0" line-rate="0.8" branch-rate="0.5">\n\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n`;
      for (let l = 1; l <= 120; l++) {
        const hits = rnd() < 0.8 ? 1 + Math.floor(rnd() * 20) : 0;
        if (l % 9 === 0) {
          const cov = Math.floor(rnd() * 3);
          s += `\t\t\t\t\t\t<line number="${l}" hits="${hits}" branch="true" condition-coverage="${Math.round((cov / 2) * 100)}% (${cov}/2)"${cov < 2 ? ` missing-branches="${l + 2}"` : ""}/>\n`;
        } else s += `\t\t\t\t\t\t<line number="${l}" hits="${hits}"/>\n`;
      }
      s += `\t\t\t\t\t</lines>\n\t\t\t\t</class>\n`;
    }
    s += `\t\t\t</classes>\n\t\t</package>\n`;
    parts.push(s);
    size += s.length;
    pkg++;
  }
  parts.push("\t</packages>\n</coverage>\n");
  return parts.join("");
}
