/**
 * Chat, webhook and e-mail service credentials: Slack (`xoxb-`, `xoxp-`, `xapp-`, hooks.slack.com
 * URLs), Discord (webhook URLs; bot tokens are three base64url parts, the first encoding the bot's
 * user id), Microsoft Teams incoming webhooks, Telegram bot tokens (`<bot id>:AA…`), SendGrid
 * (`SG.` + 22 + `.` + 43), Mailgun, Mailchimp (`…-us<n>`) and Twilio API keys (`SK` + 32 hex).
 */
import { assignedTo, defineRule } from "./define";
import type { RuleSpec } from "../types";

/** Chat, webhook and e-mail rules. */
export const messagingRules: RuleSpec[] = [
  defineRule({
    id: "slack-bot-token",
    description: "Slack bot token",
    severity: "high",
    regex: /\b(xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24})(?![A-Za-z0-9-])/,
    keywords: ["xoxb-"],
    exactKeywords: true,
    tags: ["slack", "chat"],
  }),
  defineRule({
    id: "slack-user-token",
    description: "Slack user token",
    severity: "high",
    regex: /\b(xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{28,34})(?![A-Za-z0-9-])/,
    keywords: ["xoxp-"],
    exactKeywords: true,
    tags: ["slack", "chat"],
  }),
  defineRule({
    id: "slack-app-token",
    description: "Slack app-level token",
    severity: "high",
    regex: /\b(xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,13}-[a-f0-9]{32,64})(?![A-Za-z0-9-])/,
    keywords: ["xapp-"],
    exactKeywords: true,
    tags: ["slack", "chat"],
  }),
  defineRule({
    id: "slack-webhook-url",
    description: "Slack incoming webhook URL",
    severity: "medium",
    regex:
      /(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56})(?![A-Za-z0-9+/])/,
    keywords: ["hooks.slack.com"],
    window: "line",
    tags: ["slack", "webhook"],
  }),
  defineRule({
    id: "discord-webhook-url",
    description: "Discord webhook URL",
    severity: "medium",
    regex:
      /(https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/[0-9]{17,20}\/[A-Za-z0-9_-]{60,68})(?![A-Za-z0-9_-])/,
    keywords: ["discord.com/api/webhooks", "discordapp.com/api/webhooks"],
    window: "line",
    tags: ["discord", "webhook"],
  }),
  defineRule({
    id: "discord-bot-token",
    description: "Discord bot token",
    severity: "high",
    regex:
      /discord[^\n]{0,80}?["'=:\s]([MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})(?![A-Za-z0-9_-])/i,
    keywords: ["discord"],
    tags: ["discord", "chat"],
  }),
  defineRule({
    id: "teams-webhook-url",
    description: "Microsoft Teams incoming webhook URL",
    severity: "medium",
    regex:
      /(https:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/[0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/[0-9a-f]{32}\/[0-9a-f-]{36}(?:\/[A-Za-z0-9_-]+)?)/,
    keywords: ["webhook.office.com"],
    window: "line",
    tags: ["teams", "webhook"],
  }),
  defineRule({
    id: "telegram-bot-token",
    description: "Telegram bot token",
    severity: "high",
    regex: /\b([0-9]{8,10}:AA[0-9A-Za-z_-]{33})(?![0-9A-Za-z_-])/,
    keywords: [":AA"],
    exactKeywords: true,
    window: "line",
    tags: ["telegram", "chat"],
  }),
  defineRule({
    id: "sendgrid-api-key",
    description: "SendGrid API key",
    severity: "high",
    regex: /\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/,
    keywords: ["SG."],
    exactKeywords: true,
    tags: ["sendgrid", "email"],
  }),
  defineRule({
    id: "mailgun-api-key",
    description: "Mailgun API key",
    severity: "high",
    regex: /mailgun[^\n]{0,80}?\b(key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\b/i,
    keywords: ["mailgun"],
    tags: ["mailgun", "email"],
  }),
  defineRule({
    id: "mailchimp-api-key",
    description: "Mailchimp API key",
    severity: "high",
    regex: /\b([0-9a-f]{32}-us[0-9]{1,2})\b/,
    keywords: ["-us"],
    exactKeywords: true,
    window: "line",
    tags: ["mailchimp", "email"],
  }),
  defineRule({
    id: "twilio-api-key",
    description: "Twilio API key",
    severity: "high",
    regex: /\b(SK[0-9a-fA-F]{32})\b/,
    keywords: ["SK"],
    exactKeywords: true,
    tags: ["twilio"],
  }),
  defineRule({
    id: "twilio-auth-token",
    description: "Twilio auth token (next to the word twilio)",
    severity: "high",
    regex: new RegExp(
      assignedTo(String.raw`twilio[\w.-]{0,20}?(?:auth|token|secret)`) + /([a-f0-9]{32})\b/.source,
      "i",
    ),
    keywords: ["twilio"],
    tags: ["twilio"],
  }),
];
