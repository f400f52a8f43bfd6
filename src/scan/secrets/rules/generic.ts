/**
 * The catch-all: a value assigned to something named like a password, secret, token or API key,
 * with enough entropy to be random. It is the rule most prone to false positives, so its allowlists
 * (placeholders, templates, references, URLs) and its `generic-secret` filter are deliberately
 * strict, and it gives way to any specific rule that finds the same value.
 */
import { defineRule } from "./define";
import type { RuleSpec } from "../types";

const NAME = String.raw`(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_.-]?key|access[_.-]?key|auth[_.-]?key|private[_.-]?key|credentials?)`;
const OPERATOR = String.raw`["'\]]?\s*(?:=|:=|=>|:|\|\|=|\?=)\s*`;
const VALUE = String.raw`(?:"([^"\s]{8,256})"|'([^'\s]{8,256})'|\x60([^\x60\s]{8,256})\x60|([A-Za-z0-9+/=_~!@#$%^&*.-]{8,256})(?=[\s;,)]|$))`;

/** The generic high-entropy assignment rule. */
export const genericRules: RuleSpec[] = [
  defineRule({
    id: "generic-secret",
    description: "Secret-looking value assigned to a password, secret, token or API key",
    severity: "medium",
    // Starting at the name (not at the identifier's start) lets V8 skip ahead to its first letters.
    regex: new RegExp(String.raw`${NAME}[\w-]{0,20}?${OPERATOR}${VALUE}`, "i"),
    keywords: [
      "pass",
      "pwd",
      "secret",
      "token",
      "api_key",
      "apikey",
      "api-key",
      "api.key",
      "access_key",
      "accesskey",
      "access-key",
      "access.key",
      "auth_key",
      "authkey",
      "auth-key",
      "auth.key",
      "private_key",
      "privatekey",
      "private-key",
      "private.key",
      "credential",
    ],
    entropy: 3,
    assignmentAfterKeyword: true,
    filter: "generic-secret",
    generic: true,
    tags: ["generic"],
    allowlists: [
      {
        description: "variables, templates and references rather than values",
        regexes: [
          /^(?:\$\{|\$\(|\$[A-Za-z_]|<[^>]*>$|\{\{|%\(|%[sd]$|#\{|@@|\*{3,}|x{4,}|\.{3})/i,
          /^(?:https?|ftp|file|s3|gs):\/\//i,
          /^(?:[./~]|process\.env|os\.environ|env\.|secrets\.|vars\.|config\.|settings\.)/i,
          /^\$2[aby]?\$\d\d\$/,
          // Stripe test-mode and publishable keys are meant to be shared.
          /^(?:sk|rk|pk)_test_|^pk_live_/,
        ],
      },
      {
        description: "documentation and test placeholders",
        stopwords: [
          "example",
          "changeme",
          "change_me",
          "your_",
          "your-",
          "yourpass",
          "xxxx",
          "placeholder",
          "redacted",
          "replace",
          "insert",
          "dummy",
          "sample",
          "notsecret",
          "not-a-secret",
          "<",
        ],
      },
    ],
  }),
];
