/**
 * Cloud provider credentials (AWS, Google Cloud, Azure, DigitalOcean, Heroku, Cloudflare), from the
 * providers' documented formats: AWS key ids are 20 base32 characters after a 4-letter type prefix,
 * secret keys 40 base64 characters; Google API keys `AIza` + 35; Azure storage keys 64 bytes
 * of base64 (88 characters ending `==`); Azure AD client secrets carry `Q~` after four characters.
 */
import { ASSIGN, assignedTo as ctx, defineRule } from "./define";
import type { RuleSpec } from "../types";

/** Cloud provider rules. */
export const cloudRules: RuleSpec[] = [
  defineRule({
    id: "aws-access-key-id",
    description: "AWS access key id",
    severity: "critical",
    regex: /\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/,
    keywords: ["AKIA", "ASIA", "ABIA", "ACCA"],
    exactKeywords: true,
    tags: ["aws", "cloud"],
  }),
  defineRule({
    id: "aws-secret-access-key",
    description: "AWS secret access key",
    severity: "critical",
    regex: new RegExp(
      String.raw`aws[\w.-]{0,20}?secret[\w.-]{0,20}?${ASSIGN}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
      "i",
    ),
    keywords: ["aws"],
    entropy: 3.5,
    tags: ["aws", "cloud"],
  }),
  defineRule({
    id: "gcp-service-account",
    description: "Google Cloud service account key (JSON)",
    severity: "critical",
    regex: /private_key_id"\s*:\s*"([a-f0-9]{40})"/,
    keywords: ["private_key_id"],
    exactKeywords: true,
    tags: ["gcp", "cloud"],
  }),
  defineRule({
    id: "google-ai-api-key",
    description: "Google AI (Gemini) API key",
    severity: "high",
    regex:
      /(?:gemini|generativelanguage|google[_.-]?ai|genai)[^\n]{0,80}?\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/i,
    keywords: ["gemini", "generativelanguage", "google_ai", "googleai", "google-ai", "genai"],
    tags: ["google", "ai"],
  }),
  defineRule({
    id: "gcp-api-key",
    description: "Google Cloud API key",
    severity: "high",
    regex: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/,
    keywords: ["AIza"],
    exactKeywords: true,
    tags: ["gcp", "cloud"],
  }),
  defineRule({
    id: "azure-storage-connection-string",
    description: "Azure Storage connection string with an account key",
    severity: "critical",
    regex:
      /DefaultEndpointsProtocol=[^\n"';]*;(?:[A-Za-z]+=[^\n"';]*;){0,4}?AccountKey=([A-Za-z0-9+/]{86}==)/i,
    keywords: ["defaultendpointsprotocol"],
    tags: ["azure", "cloud"],
  }),
  defineRule({
    id: "azure-storage-account-key",
    description: "Azure Storage account key",
    severity: "critical",
    regex: new RegExp(
      String.raw`(?:accountkey|account[_.-]key|storage[_.-]?key|azure[\w.-]{0,20}?key)[\w.-]{0,10}?${ASSIGN}([A-Za-z0-9+/]{86}==)`,
      "i",
    ),
    keywords: [
      "accountkey",
      "account_key",
      "account-key",
      "account.key",
      "storagekey",
      "storage_key",
      "azure",
    ],
    tags: ["azure", "cloud"],
  }),
  defineRule({
    id: "azure-ad-client-secret",
    description: "Microsoft Entra ID (Azure AD) client secret",
    severity: "high",
    regex: /(?:^|[\s"'=:`(,])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/,
    keywords: ["Q~"],
    exactKeywords: true,
    window: "line",
    tags: ["azure", "cloud"],
  }),
  defineRule({
    id: "digitalocean-token",
    description: "DigitalOcean personal access, OAuth or refresh token",
    severity: "high",
    regex: /\b(do[opr]_v1_[a-f0-9]{64})(?![a-f0-9])/,
    keywords: ["dop_v1_", "doo_v1_", "dor_v1_"],
    exactKeywords: true,
    tags: ["digitalocean", "cloud"],
  }),
  defineRule({
    id: "heroku-api-key",
    description: "Heroku platform API key",
    severity: "high",
    regex: /\b(HRKU-[A-Za-z0-9_-]{50,70})(?![A-Za-z0-9_-])/,
    keywords: ["HRKU-"],
    exactKeywords: true,
    tags: ["heroku", "cloud"],
  }),
  defineRule({
    id: "heroku-legacy-api-key",
    description: "Heroku API key (UUID form, next to the word heroku)",
    severity: "high",
    regex: new RegExp(
      ctx(String.raw`heroku[\w.-]{0,20}?(?:api|key|token|secret|auth)`) +
        /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/.source,
      "i",
    ),
    keywords: ["heroku"],
    tags: ["heroku", "cloud"],
  }),
  defineRule({
    id: "cloudflare-api-token",
    description: "Cloudflare API token",
    severity: "high",
    regex: new RegExp(
      ctx(String.raw`(?:cloudflare|\bcf)[\w.-]{0,20}?(?:api|token|key)`) +
        /([A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])/.source,
      "i",
    ),
    keywords: ["cloudflare", "cf_api", "cf-api", "cf_token"],
    entropy: 3.5,
    tags: ["cloudflare", "cloud"],
  }),
];
