// The planted secret kinds of the secrets benchmark: each makes a line in a provider's real token
// format (fake values from the benchmark's seeded PRNG) and says which value in it is the secret.
export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const HEX = "0123456789abcdef";
export const B64 = ALNUM + "+/";
export const B64URL = ALNUM + "-_";
export const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const LOWER = "abcdefghijklmnopqrstuvwxyz";
export const LETTERS = LOWER + LOWER.toUpperCase();
export const DIGITS = "0123456789";

/** Planted secret kinds: the line to insert, the secret value and where it sits in the line. */
export function secretKinds(r) {
  const k = (kind, line, value) => ({ kind, line, value });
  const digits = (n) => r.str(DIGITS, n);
  // Mixed alphanumerics with at least one digit, as the generic rule requires of random values.
  const mixed = (n) => r.str(ALNUM, n - 2) + r.str(DIGITS, 1) + r.str(LOWER, 1);
  return {
    "aws-access-key-id": () => {
      const v = "AKIA" + r.str(B32, 16);
      return k("aws-access-key-id", `aws_access_key_id = ${v}`, v);
    },
    "aws-secret-access-key": () => {
      const v = r.str(B64, 38) + "9z";
      return k("aws-secret-access-key", `AWS_SECRET_ACCESS_KEY="${v}"`, v);
    },
    "github-pat": () => {
      const v = "ghp_" + r.str(ALNUM, 36);
      return k("github-pat", `const githubToken = "${v}";`, v);
    },
    "github-fine-grained-pat": () => {
      const v = `github_pat_${r.str(ALNUM, 22)}_${r.str(ALNUM, 59)}`;
      return k("github-fine-grained-pat", `GH_TOKEN: ${v}`, v);
    },
    "gitlab-pat": () => {
      const v = "glpat-" + r.str(ALNUM, 20);
      return k("gitlab-pat", `gitlab_token = '${v}'`, v);
    },
    "slack-bot-token": () => {
      const v = `xoxb-${digits(12)}-${digits(13)}-${r.str(ALNUM, 24)}`;
      return k("slack-bot-token", `SLACK_BOT_TOKEN=${v}`, v);
    },
    "slack-webhook-url": () => {
      const v = `https://hooks.slack.com/services/T${r.str(B32, 8)}/B${r.str(B32, 10)}/${r.str(ALNUM, 24)}`;
      return k("slack-webhook-url", `  webhook: "${v}"`, v);
    },
    "stripe-live-secret-key": () => {
      const v = "sk_live_" + r.str(ALNUM, 24);
      return k("stripe-live-secret-key", `stripe.api_key = "${v}"`, v);
    },
    "openai-api-key": () => {
      const v = `sk-proj-${r.str(B64URL, 24)}T3BlbkFJ${r.str(ALNUM, 24)}`;
      return k("openai-api-key", `OPENAI_API_KEY = "${v}"`, v);
    },
    "anthropic-api-key": () => {
      const v = `sk-ant-api03-${r.str(B64URL, 93)}AA`;
      return k("anthropic-api-key", `client = Anthropic(api_key="${v}")`, v);
    },
    "npm-access-token": () => {
      const v = "npm_" + r.str(ALNUM, 36);
      return k("npm-access-token", `//registry.npmjs.org/:_authToken=${v}`, v);
    },
    "pypi-upload-token": () => {
      const v = "pypi-AgEIcHlwaS5vcmc" + r.str(B64URL, 64);
      return k("pypi-upload-token", `password = ${v}`, v);
    },
    "sendgrid-api-key": () => {
      const v = `SG.${r.str(B64URL, 22)}.${r.str(B64URL, 43)}`;
      return k("sendgrid-api-key", `sg = SendGridAPIClient("${v}")`, v);
    },
    "twilio-api-key": () => {
      const v = "SK" + r.str(HEX, 32);
      return k("twilio-api-key", `TWILIO_API_KEY_SID = "${v}"`, v);
    },
    jwt: () => {
      const v = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${r.str(B64URL, 60)}.${r.str(B64URL, 43)}`;
      return k("jwt", `Authorization: Bearer ${v}`, v);
    },
    "postgres-connection-string": () => {
      const v = mixed(18);
      return k(
        "postgres-connection-string",
        `DATABASE_URL=postgres://orders_svc:${v}@db.internal:5432/orders`,
        v,
      );
    },
    "mongodb-connection-string": () => {
      const v = mixed(16);
      return k(
        "mongodb-connection-string",
        `  uri: "mongodb+srv://reporting:${v}@cluster0.mongodb.net/reports"`,
        v,
      );
    },
    "discord-webhook-url": () => {
      const v = `https://discord.com/api/webhooks/${digits(18)}/${r.str(B64URL, 68)}`;
      return k("discord-webhook-url", `DISCORD_WEBHOOK = "${v}"`, v);
    },
    "telegram-bot-token": () => {
      const v = `${digits(10)}:AA${r.str(B64URL, 33)}`;
      return k("telegram-bot-token", `bot = telebot.TeleBot("${v}")`, v);
    },
    "huggingface-token": () => {
      const v = "hf_" + r.str(LETTERS, 34);
      return k("huggingface-token", `HF_TOKEN=${v}`, v);
    },
    "gcp-api-key": () => {
      const v = "AIza" + r.str(B64URL, 35);
      return k("gcp-api-key", `const mapsKey = "${v}";`, v);
    },
    "digitalocean-token": () => {
      const v = "dop_v1_" + r.str(HEX, 64);
      return k("digitalocean-token", `DIGITALOCEAN_TOKEN: "${v}"`, v);
    },
    "shopify-token": () => {
      const v = "shpat_" + r.str(HEX, 32);
      return k("shopify-token", `SHOPIFY_ACCESS_TOKEN = '${v}'`, v);
    },
    "doppler-token": () => {
      const v = "dp.st." + r.str(ALNUM, 43);
      return k("doppler-token", `DOPPLER_TOKEN=${v}`, v);
    },
    "vault-token": () => {
      const v = "hvs." + r.str(B64URL, 90);
      return k("vault-token", `export VAULT_TOKEN=${v}`, v);
    },
    "dockerhub-pat": () => {
      const v = "dckr_pat_" + r.str(B64URL, 27);
      return k("dockerhub-pat", `docker login -u ci -p ${v}`, v);
    },
    "datadog-api-key": () => {
      const v = r.str(HEX, 32);
      return k("datadog-api-key", `DD_API_KEY=${v}`, v);
    },
    "azure-storage-connection-string": () => {
      const v = r.str(B64, 86) + "==";
      return k(
        "azure-storage-connection-string",
        `"DefaultEndpointsProtocol=https;AccountName=ordersstore;AccountKey=${v};EndpointSuffix=core.windows.net"`,
        v,
      );
    },
    "generic-secret": () => {
      const v = mixed(28);
      return k("generic-secret", `INTERNAL_API_SECRET = "${v}"`, v);
    },
  };
}
