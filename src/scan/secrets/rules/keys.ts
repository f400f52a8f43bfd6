/**
 * Private keys in PEM / armored form, JSON Web Tokens, and database URLs with a password in them.
 * PEM bodies span lines (or sit on one line with `\n` escapes inside JSON), so those rules look up to
 * 16 KiB past their `-----BEGIN` keyword; a body shorter than 64 characters or with little entropy is
 * a documentation placeholder, not a key.
 */
import { defineRule } from "./define";
import type { RuleSpec } from "../types";
import type { ScanSeverity } from "../../types";

const PEM_WINDOW = 16 * 1024;

function pem(id: string, description: string, label: string, severity: ScanSeverity = "critical"): RuleSpec {
  const sep = String.raw`(?:\s|\\[rn])*`;
  return defineRule({
    id,
    description,
    severity,
    regex: new RegExp(`-----BEGIN ${label}-----${sep}([\\s\\S]{64,12000}?)${sep}-----END ${label}-----`),
    keywords: [`BEGIN ${label}`],
    exactKeywords: true,
    entropy: 4.5,
    window: PEM_WINDOW,
    tags: ["private-key"],
  });
}

/** Private keys, age keys and JWTs. */
export const keyRules: RuleSpec[] = [
  pem("private-key-rsa", "RSA private key (PEM)", "RSA PRIVATE KEY"),
  pem("private-key-ec", "EC private key (PEM)", "EC PRIVATE KEY"),
  pem("private-key-dsa", "DSA private key (PEM)", "DSA PRIVATE KEY"),
  pem("private-key-openssh", "OpenSSH private key", "OPENSSH PRIVATE KEY"),
  pem("private-key-pgp", "PGP private key block", "PGP PRIVATE KEY BLOCK"),
  pem("private-key-pkcs8", "PKCS #8 private key (PEM)", "PRIVATE KEY"),
  pem("private-key-pkcs8-encrypted", "Encrypted PKCS #8 private key (PEM)", "ENCRYPTED PRIVATE KEY", "high"),
  defineRule({
    id: "age-secret-key",
    description: "age encryption secret key",
    severity: "critical",
    regex: /\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b/,
    keywords: ["AGE-SECRET-KEY-1"],
    exactKeywords: true,
    tags: ["private-key"],
  }),
  defineRule({
    id: "jwt",
    description: "JSON Web Token",
    severity: "medium",
    regex: /\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])/,
    keywords: ["eyJ"],
    exactKeywords: true,
    tags: ["jwt"],
  }),
];

/** A placeholder password: variables, templates, masks and the classic defaults. */
const PLACEHOLDER_PASSWORDS = {
  description: "placeholders and well-known defaults",
  regexes: [
    /^(?:\$\{.*\}|\$[A-Za-z_(].*|<[^>]*>|\{\{.*\}\}|%\(?\w*\)?s?|\*+|x+|\.+)$/i,
    /^(?:pass(?:word|wd)?|pwd|secret|changeme|postgres|root|admin|test|user|example|mysql|redis|guest|rabbitmq|mongo(?:db)?)$/i,
  ],
  stopwords: ["example", "changeme", "your_", "your-", "xxxx", "placeholder", "redacted"],
};

function databaseUrl(id: string, description: string, scheme: string, keywords: string[]): RuleSpec {
  return defineRule({
    id,
    description,
    severity: "high",
    regex: new RegExp(
      String.raw`\b(?:${scheme})(?:\+[a-z0-9]+)?:\/\/([^:@\s/"'\x60]*):([^@\s"'\x60/]{3,})@[^\s"'\x60/:@]+`,
      "i",
    ),
    secretGroup: 2,
    keywords,
    tags: ["database"],
    filter: "url-password",
    allowlists: [PLACEHOLDER_PASSWORDS],
  });
}

/** Database and broker URLs with a password, one rule per scheme. */
export const databaseRules: RuleSpec[] = [
  databaseUrl(
    "postgres-connection-string",
    "PostgreSQL connection URL with a password",
    "postgres(?:ql)?|pgsql",
    ["postgres", "pgsql"],
  ),
  databaseUrl("mysql-connection-string", "MySQL connection URL with a password", "mysqlx?|mariadb", [
    "mysql",
    "mariadb",
  ]),
  databaseUrl("mongodb-connection-string", "MongoDB connection URL with a password", "mongodb(?:\\+srv)?", [
    "mongodb",
  ]),
  databaseUrl("redis-connection-string", "Redis connection URL with a password", "rediss?", ["redis"]),
  databaseUrl("amqp-connection-string", "AMQP (RabbitMQ) connection URL with a password", "amqps?", ["amqp"]),
];
