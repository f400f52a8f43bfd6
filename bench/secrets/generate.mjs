// Generates a source tree for the secrets benchmark: TypeScript, Python, Go, YAML, JSON lockfiles,
// Markdown docs, .env files and test fixtures, written from a seeded PRNG so every run scans the same
// bytes. Besides ordinary code it holds false-positive traps (UUIDs, git and lockfile hashes, base64
// images, documentation example keys, `sk_test_` keys, `${VAR}` placeholders, secrets *names*
// without values) and plants fake secrets in the providers' real formats at recorded positions.
import { Buffer } from "node:buffer";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ALNUM, B64, HEX, secretKinds } from "./kinds.mjs";

// mulberry32: fast, seeded, good enough for shaping test data.
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

const WORDS = (
  "user order item cart payment invoice account session request response handler service client " +
  "server config options value result error status count index name label path file data cache " +
  "queue worker job task event stream buffer chunk record entry table column row schema model view " +
  "route router middleware context logger metric timer retry limit offset page total price amount " +
  "header cookie nonce hash digest signature key"
).split(" ");
// Words that secret rules key on: present in identifiers as in real code (tokenCount,
// validatePassword), about one word in fifty, so the keyword prefilter is exercised, not bypassed.
const SECRET_WORDS = "token secret password auth credential apiKey passwd".split(" ");

/** Makes random pieces of text from one PRNG. */
export function makeRng(seed) {
  const rnd = random(seed);
  const r = {
    int: (n) => Math.floor(rnd() * n),
    pick: (a) => a[Math.floor(rnd() * a.length)],
    chance: (p) => rnd() < p,
    str: (alphabet, n) => {
      let s = "";
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      return s;
    },
    word: () => (rnd() < 0.02 ? r.pick(SECRET_WORDS) : r.pick(WORDS)),
    camel: () => r.word() + cap(r.word()) + (r.chance(0.3) ? cap(r.word()) : ""),
    snake: () => r.word() + "_" + r.word(),
    uuid: () => `${r.str(HEX, 8)}-${r.str(HEX, 4)}-4${r.str(HEX, 3)}-a${r.str(HEX, 3)}-${r.str(HEX, 12)}`,
    sentence: (n) => Array.from({ length: n }, () => r.word()).join(" "),
  };
  return r;
}

const cap = (s) => s[0].toUpperCase() + s.slice(1);

/** A PEM private key block: lines of base64, planted as a whole. */
function pemKey(r) {
  const body = Array.from({ length: 12 }, () => r.str(B64, 64));
  return {
    kind: "private-key-rsa",
    lines: ["-----BEGIN RSA PRIVATE KEY-----", ...body, "-----END RSA PRIVATE KEY-----"],
    value: body.join("\n"),
  };
}

const TRAPS = [
  (r) => `const requestId = "${r.uuid()}";`,
  (r) => `    "integrity": "sha512-${r.str(B64, 86)}==",`,
  (r) =>
    `    "resolved": "https://registry.npmjs.org/${r.word()}/-/${r.word()}-${r.int(9)}.${r.int(20)}.${r.int(9)}.tgz",`,
  (r) => `commit ${r.str(HEX, 40)}`,
  (r) => `  sha256: ${r.str(HEX, 64)}`,
  (r) => `const logo = "data:image/png;base64,${r.str(B64, 120 + r.int(600))}";`,
  () => `aws_access_key_id = AKIAIOSFODNN7EXAMPLE`,
  () => `aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
  (r) => `stripe.api_key = "sk_test_${r.str(ALNUM, 24)}"`,
  () => `DATABASE_URL=postgres://user:password@localhost:5432/dev`,
  () => `  password: \${{ secrets.DB_PASSWORD }}`,
  () => `const token = await getAccessToken(client);`,
  () => `api_key = os.environ["API_KEY"]`,
  () => `SECRET_KEY = "your_secret_key_here"`,
  () => `password = "changeme"`,
  (r) => `  token_url: "https://auth.example.com/oauth/token/${r.int(9)}"`,
  () => `export const passwordMinLength = 12;`,
  () => `const secretName = "orders-db-credentials-v2";`,
  (r) => `  secretKeyRef: { name: ${r.word()}-secrets, key: password }`,
  () => `# Replace <your-api-key> with the key from the dashboard`,
  (r) => `expect(hash).toBe("${r.str(HEX, 64)}");`,
  (r) => `  "${r.pick(["etag", "checksum", "build", "revision", "md5"])}": "${r.str(HEX, 32)}",`,
  (r) => `const nonce = "${r.str(B64, 22)}==";`,
];

function codeLine(r, lang) {
  const id = r.camel();
  const n = r.int(1000);
  switch (lang) {
    case "py":
      return r.pick([
        `    ${r.snake()} = self.${r.snake()}(${r.word()}, limit=${n})`,
        `def ${r.snake()}(${r.word()}, ${r.word()}=None):`,
        `    if not ${r.word()}:`,
        `        raise ValueError("invalid ${r.sentence(3)}")`,
        `    return [${r.word()} for ${r.word()} in ${r.word()}s if ${r.word()}.${r.word()} > ${n}]`,
        `# ${r.sentence(8)}`,
        `    logger.info("%s ${r.sentence(4)}", ${r.word()})`,
      ]);
    case "go":
      return r.pick([
        `func (s *${cap(r.word())}Service) ${cap(id)}(ctx context.Context, ${r.word()} string) error {`,
        `\t${id} := make([]${cap(r.word())}, 0, ${n})`,
        `\tif err != nil {\n\t\treturn fmt.Errorf("${r.sentence(3)}: %w", err)\n\t}`,
        `\t${cap(r.word())} string \`json:"${r.word()}"\``,
        `// ${r.sentence(10)}`,
        `}`,
      ]);
    case "yaml":
      return r.pick([
        `  ${r.word()}: ${r.word()}-${n}`,
        `    - name: ${r.sentence(3)}`,
        `      run: npm run ${r.word()}`,
        `  ${r.word()}:`,
        `    replicas: ${r.int(6)}`,
        `    image: registry.internal/${r.word()}:${r.int(9)}.${r.int(30)}.${r.int(9)}`,
      ]);
    case "md":
      return r.pick([
        `${r.sentence(14)}.`,
        `## ${cap(r.sentence(3))}`,
        `- ${r.sentence(9)}`,
        "",
        "```sh",
        `sluice ${r.word()} --${r.word()} ${r.word()}`,
        "```",
      ]);
    default:
      return r.pick([
        `  const ${id} = await ${r.camel()}(${r.word()}, { ${r.word()}: ${n} });`,
        `export function ${id}(${r.word()}: ${cap(r.word())}): ${cap(r.word())} {`,
        `  if (!${r.word()}) throw new Error("${r.sentence(4)}");`,
        `  return ${r.word()}.${r.word()}.map((x) => x.${r.word()} * ${n});`,
        `// ${r.sentence(11)}`,
        `import { ${r.camel()} } from "../${r.word()}/${r.word()}";`,
        `}`,
        `  ${r.word()}s.push({ id: "${r.uuid()}", ${r.word()}: ${n} });`,
        `  headers.Authorization = \`Bearer \${${r.word()}Token}\`;`,
        `  const ${r.word()}Key = cacheKey(${r.word()}, ${r.word()});`,
      ]);
  }
}

const LANGS = [
  ["src", "ts", 0.4],
  ["app", "py", 0.2],
  ["cmd", "go", 0.15],
  ["deploy", "yaml", 0.1],
  ["docs", "md", 0.1],
  ["test/fixtures", "json", 0.05],
];

/**
 * Write the tree under `dir`: at least `bytes` bytes; plants `kinds × copies` secrets plus PEM keys.
 * Returns the file list and where each planted secret is (file, one-based line, its value).
 */
export function generateTree(dir, { bytes, seed = 7, copies = 2 }) {
  const r = makeRng(seed);
  const kinds = secretKinds(r);
  const plants = [];
  for (let c = 0; c < copies; c++) for (const make of Object.values(kinds)) plants.push(make());
  plants.push(pemKey(r), pemKey(r));
  const files = [];
  let total = 0;
  for (let f = 0; total < bytes; f++) {
    const [folder, ext] = pickLang(r);
    const rel = `${folder}/${r.word()}-${f}.${ext}`;
    const lines = fileLines(r, ext, 80 + r.int(900));
    const text = lines.join("\n") + "\n";
    files.push({ rel, lines });
    total += Buffer.byteLength(text);
  }
  // Planted secrets go into files spread over the tree, one per file, at a random line.
  const planted = [];
  plants.forEach((p, i) => {
    const file = files[Math.floor(((i + 0.5) * files.length) / plants.length)];
    const at = 1 + r.int(file.lines.length - 1);
    const inserted = p.lines ?? [p.line];
    file.lines.splice(at, 0, ...inserted);
    planted.push({ kind: p.kind, file: file.rel, line: at + 1 + (p.lines ? 1 : 0), value: p.value });
  });
  for (const { rel, lines } of files) {
    mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), lines.join("\n") + "\n");
  }
  // A planted secret's line moves when another plant lands above it in the same file: recompute.
  const byFile = new Map(files.map((f) => [f.rel, f.lines]));
  for (const p of planted) {
    const lines = byFile.get(p.file);
    const first = p.value.split("\n")[0];
    p.line = lines.findIndex((l) => l.includes(first)) + 1;
  }
  return { files: files.map((f) => f.rel), planted, bytes: total };
}

function pickLang(r) {
  let x = r.int(1000) / 1000;
  for (const l of LANGS) if ((x -= l[2]) < 0) return l;
  return LANGS[0];
}

function fileLines(r, ext, n) {
  const lines = [];
  if (ext === "json") {
    lines.push("{", `  "name": "${r.word()}-fixture",`, `  "lockfileVersion": 3,`, `  "packages": {`);
    for (let i = 0; i < n / 6; i++) {
      lines.push(
        `    "node_modules/${r.word()}-${r.word()}": {`,
        `      "version": "${r.int(9)}.${r.int(20)}.${r.int(9)}",`,
        TRAPS[2](r),
        TRAPS[1](r),
        `      "license": "MIT"`,
        `    },`,
      );
    }
    lines.push(`    "": {}`, "  }", "}");
    return lines;
  }
  for (let i = 0; i < n; i++)
    lines.push(...(r.chance(0.02) ? r.pick(TRAPS)(r) : codeLine(r, ext)).split("\n"));
  return lines;
}
