/**
 * Operations and SaaS platforms: Shopify (`shpat_`/`shpss_`/`shpca_`/`shppa_` + 32 hex), Datadog
 * (32-hex API and 40-hex application keys, recognised by their variable names), New Relic (`NRAK-`,
 * `NRII-`, `NRJS-`, license keys ending `NRAL`), Sentry (DSNs and `sntrys_`/`sntryu_` tokens),
 * HashiCorp Vault (`hvs.`/`hvb.`/`hvr.`), Doppler (`dp.pt.` …), Postman (`PMAK-`), Linear
 * (`lin_api_`) and Grafana (`glsa_`, `glc_`).
 */
import { assignedTo, defineRule } from "./define";
import type { RuleSpec } from "../types";

/** Operations and SaaS platform rules. */
export const saasRules: RuleSpec[] = [
  defineRule({
    id: "shopify-token",
    description: "Shopify access token, shared secret or app password",
    severity: "high",
    regex: /\b(shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32})(?![a-fA-F0-9])/,
    keywords: ["shpat_", "shpss_", "shpca_", "shppa_"],
    exactKeywords: true,
    tags: ["shopify"],
  }),
  defineRule({
    id: "datadog-api-key",
    description: "Datadog API or application key",
    severity: "high",
    regex: new RegExp(
      assignedTo(String.raw`(?:datadog|\bdd)[\w.-]{0,20}?(?:api|app(?:lication)?)[\w.-]{0,10}?key`) +
        /([a-f0-9]{40}|[a-f0-9]{32})(?![a-f0-9])/.source,
      "i",
    ),
    keywords: ["datadog", "dd_api", "dd_app", "dd-api", "dd-app", "ddapi", "ddapp"],
    tags: ["datadog", "monitoring"],
  }),
  defineRule({
    id: "new-relic-key",
    description: "New Relic user API, ingest, browser or license key",
    severity: "high",
    regex: /\b(NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32}|NRJS-[a-f0-9]{19}|[a-f0-9]{36}NRAL)(?![A-Za-z0-9_-])/,
    keywords: ["NRAK-", "NRII-", "NRJS-", "NRAL"],
    exactKeywords: true,
    window: "line",
    tags: ["newrelic", "monitoring"],
  }),
  defineRule({
    id: "sentry-dsn",
    description: "Sentry DSN (its key lets anyone send events to the project)",
    severity: "low",
    regex: /\bhttps?:\/\/([0-9a-f]{32})(?::[0-9a-f]{32})?@[a-z0-9.-]+(?::[0-9]+)?\/[0-9]+\b/,
    keywords: ["sentry", "dsn"],
    window: "line",
    tags: ["sentry", "monitoring"],
  }),
  defineRule({
    id: "sentry-auth-token",
    description: "Sentry organisation or user auth token",
    severity: "high",
    regex: /\b(sntrys_eyJ[A-Za-z0-9+/=_-]{60,}|sntryu_[a-f0-9]{64})(?![A-Za-z0-9+/=_-])/,
    keywords: ["sntrys_", "sntryu_"],
    exactKeywords: true,
    tags: ["sentry", "monitoring"],
  }),
  defineRule({
    id: "vault-token",
    description: "HashiCorp Vault service, batch or recovery token",
    severity: "critical",
    regex: /\b(hv[sbr]\.[A-Za-z0-9_-]{24,})(?![A-Za-z0-9_-])/,
    keywords: ["hvs.", "hvb.", "hvr."],
    exactKeywords: true,
    tags: ["vault"],
  }),
  defineRule({
    id: "doppler-token",
    description: "Doppler personal, service, CLI, service-account, SCIM or audit token",
    severity: "high",
    regex: /\b(dp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,44})(?![A-Za-z0-9])/,
    keywords: ["dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."],
    exactKeywords: true,
    tags: ["doppler"],
  }),
  defineRule({
    id: "postman-api-key",
    description: "Postman API key",
    severity: "high",
    regex: /\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})(?![a-f0-9])/,
    keywords: ["PMAK-"],
    exactKeywords: true,
    tags: ["postman"],
  }),
  defineRule({
    id: "linear-api-key",
    description: "Linear API key",
    severity: "high",
    regex: /\b(lin_api_[A-Za-z0-9]{40})(?![A-Za-z0-9])/,
    keywords: ["lin_api_"],
    exactKeywords: true,
    tags: ["linear"],
  }),
  defineRule({
    id: "grafana-token",
    description: "Grafana service account or Grafana Cloud token",
    severity: "high",
    regex: /\b(glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2})(?![A-Za-z0-9+/=_])/,
    keywords: ["glsa_", "glc_"],
    exactKeywords: true,
    tags: ["grafana", "monitoring"],
  }),
];
