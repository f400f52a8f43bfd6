/**
 * Payment providers and AI APIs. Stripe live keys (`sk_live_`, `rk_live_`; test-mode keys are not
 * secrets worth blocking on), Square (`EAAA…`, `sq0atp-`, `sq0csp-`), Braintree/PayPal access tokens
 * (`access_token$production$…`); OpenAI keys embed `T3BlbkFJ` (base64 of "OpenAI"), Anthropic keys
 * start `sk-ant-api03-` and end `AA`, Hugging Face `hf_` + 34 letters, Replicate `r8_`, Groq `gsk_`.
 */
import { assignedTo, defineRule } from "./define";
import type { RuleSpec } from "../types";

/** Payment provider rules. */
export const paymentRules: RuleSpec[] = [
  defineRule({
    id: "stripe-live-secret-key",
    description: "Stripe live secret key",
    severity: "critical",
    regex: /\b(sk_live_[0-9A-Za-z]{24,247})(?![0-9A-Za-z])/,
    keywords: ["sk_live_"],
    exactKeywords: true,
    tags: ["stripe", "payment"],
  }),
  defineRule({
    id: "stripe-restricted-key",
    description: "Stripe live restricted key",
    severity: "high",
    regex: /\b(rk_live_[0-9A-Za-z]{24,247})(?![0-9A-Za-z])/,
    keywords: ["rk_live_"],
    exactKeywords: true,
    tags: ["stripe", "payment"],
  }),
  defineRule({
    id: "square-access-token",
    description: "Square access token",
    severity: "critical",
    regex: /\b(EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/,
    keywords: ["EAAA", "sq0atp-"],
    exactKeywords: true,
    tags: ["square", "payment"],
  }),
  defineRule({
    id: "square-oauth-secret",
    description: "Square OAuth application secret",
    severity: "high",
    regex: /\b(sq0csp-[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/,
    keywords: ["sq0csp-"],
    exactKeywords: true,
    tags: ["square", "payment"],
  }),
  defineRule({
    id: "braintree-access-token",
    description: "PayPal Braintree production access token",
    severity: "critical",
    regex: /\b(access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})(?![0-9a-f])/,
    keywords: ["access_token$production$"],
    exactKeywords: true,
    tags: ["paypal", "braintree", "payment"],
  }),
];

/** AI API rules. */
export const aiRules: RuleSpec[] = [
  defineRule({
    id: "openai-api-key",
    description: "OpenAI API key",
    severity: "high",
    regex: /\b(sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/,
    keywords: ["T3BlbkFJ"],
    exactKeywords: true,
    window: "line",
    tags: ["openai", "ai"],
  }),
  defineRule({
    id: "anthropic-api-key",
    description: "Anthropic API key",
    severity: "high",
    regex: /\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)(?![A-Za-z0-9_-])/,
    keywords: ["sk-ant-"],
    exactKeywords: true,
    tags: ["anthropic", "ai"],
  }),
  defineRule({
    id: "huggingface-token",
    description: "Hugging Face user or organisation access token",
    severity: "high",
    regex: /\b((?:hf_|api_org_)[A-Za-z]{34})(?![A-Za-z0-9_-])/,
    keywords: ["hf_", "api_org_"],
    exactKeywords: true,
    tags: ["huggingface", "ai"],
  }),
  defineRule({
    id: "cohere-api-key",
    description: "Cohere API key",
    severity: "high",
    regex: new RegExp(
      assignedTo(String.raw`(?:cohere|\bco_api_key)`) + /([A-Za-z0-9]{40})(?![A-Za-z0-9])/.source,
      "i",
    ),
    keywords: ["cohere", "co_api_key"],
    entropy: 3.5,
    tags: ["cohere", "ai"],
  }),
  defineRule({
    id: "replicate-api-token",
    description: "Replicate API token",
    severity: "high",
    regex: /\b(r8_[A-Za-z0-9]{37})(?![A-Za-z0-9])/,
    keywords: ["r8_"],
    exactKeywords: true,
    tags: ["replicate", "ai"],
  }),
  defineRule({
    id: "groq-api-key",
    description: "Groq API key",
    severity: "high",
    regex: /\b(gsk_[A-Za-z0-9]{52})(?![A-Za-z0-9])/,
    keywords: ["gsk_"],
    exactKeywords: true,
    tags: ["groq", "ai"],
  }),
];
