/**
 * The change the demo's second run is about: a plausible feature commit to the example service (price
 * quotes with volume and promotion-code discounts, served as `POST /api/quotes`) that ships without a
 * single test. The route table imports the new module, so the tests load it and the coverage report counts
 * its lines; nothing fails, but line coverage drops, which is exactly what the quality gate is there for.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createError } from "../core/errors";

/** The commit message of the change, as a developer would write it. */
export const REGRESSION_COMMIT_MESSAGE = "Add price quotes with volume and promo-code discounts";

/** The new module, src/discount.ts. */
const DISCOUNT_SOURCE = `/**
 * Price quotes with discounts: volume tiers for large orders and promotion codes, which add up but never
 * take more than MAX_DISCOUNT_PERCENT off. Amounts are integer cents, so totals carry no rounding error.
 */
import type { FieldProblem, Validation } from "./items.js";

/** Volume tiers, largest first: ordering at least \`minQuantity\` units takes \`percent\` off. */
export const VOLUME_TIERS: readonly { minQuantity: number; percent: number }[] = [
  { minQuantity: 1000, percent: 15 },
  { minQuantity: 100, percent: 10 },
  { minQuantity: 10, percent: 5 },
];

/** Promotion codes (matched case-insensitively) and the percentage each takes off. */
export const PROMO_CODES: Readonly<Record<string, number>> = { WELCOME10: 10, SPRING5: 5 };

/** The most that volume and promotion discounts together may take off. */
export const MAX_DISCOUNT_PERCENT = 20;

/** What a client asks a quote for. */
export interface QuoteRequest {
  quantity: number;
  unitPriceCents: number;
  promoCode?: string;
}

/** A priced quote, as the API returns it. */
export interface Quote {
  quantity: number;
  unitPriceCents: number;
  subtotalCents: number;
  discountPercent: number;
  discountCents: number;
  totalCents: number;
  promoCode: string | null;
}

/** Checks a parsed JSON body for a quote, reporting every problem at once (as item creation does). */
export function validateQuoteRequest(body: unknown): Validation<QuoteRequest> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ field: "", message: "body must be a JSON object" }] };
  }
  const { quantity, unitPriceCents, promoCode } = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  if (typeof quantity !== "number" || !Number.isInteger(quantity) || quantity < 1) {
    problems.push({ field: "quantity", message: "quantity must be a positive integer" });
  }
  if (typeof unitPriceCents !== "number" || !Number.isInteger(unitPriceCents) || unitPriceCents < 0) {
    problems.push({ field: "unitPriceCents", message: "unitPriceCents must be a non-negative integer" });
  }
  if (promoCode !== undefined && (typeof promoCode !== "string" || !isPromoCode(promoCode))) {
    problems.push({ field: "promoCode", message: "unknown promotion code" });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      quantity: quantity as number,
      unitPriceCents: unitPriceCents as number,
      ...(typeof promoCode === "string" ? { promoCode } : {}),
    },
  };
}

function isPromoCode(code: string): boolean {
  return Object.hasOwn(PROMO_CODES, code.toUpperCase());
}

/** The volume discount for \`quantity\` units, in percent. */
export function volumeDiscountPercent(quantity: number): number {
  return VOLUME_TIERS.find((tier) => quantity >= tier.minQuantity)?.percent ?? 0;
}

/** Prices a validated request. */
export function priceQuote(request: QuoteRequest): Quote {
  const code = request.promoCode?.toUpperCase() ?? null;
  const promoPercent = code === null ? 0 : (PROMO_CODES[code] ?? 0);
  const volumePercent = volumeDiscountPercent(request.quantity);
  const discountPercent = Math.min(volumePercent + promoPercent, MAX_DISCOUNT_PERCENT);
  const subtotalCents = request.quantity * request.unitPriceCents;
  // Rounded down, so the customer never gets a fraction of a cent more than the discount promises.
  const discountCents = Math.floor((subtotalCents * discountPercent) / 100);
  return {
    quantity: request.quantity,
    unitPriceCents: request.unitPriceCents,
    subtotalCents,
    discountPercent,
    discountCents,
    totalCents: subtotalCents - discountCents,
    promoCode: code,
  };
}
`;

/** The route handler appended to src/routes.ts. */
const QUOTE_HANDLER = `
async function createQuote(
  req: IncomingMessage,
  res: ServerResponse,
  _params: Record<string, string>,
  _ctx: RouteContext,
): Promise<void> {
  const body = await readJsonBody(req);
  if (!body.ok) {
    const { status, message } = bodyFailures[body.failure];
    return sendError(res, status, body.failure, message);
  }
  const checked = validateQuoteRequest(body.value);
  if (!checked.ok) {
    return sendError(res, 400, "validation_failed", "the quote request is invalid", {
      details: checked.problems,
    });
  }
  sendJson(res, 200, priceQuote(checked.value));
}
`;

/** A text edit: `anchor` must occur exactly once in the file, and `insert` goes right after it. */
interface Edit {
  anchor: string;
  insert: string;
}

/** Wires the new module into src/routes.ts: import it, add the route, add its handler at the end. */
const ROUTES_EDITS: readonly Edit[] = [
  {
    anchor: 'import { isValidItemId, validateNewItem, type ItemStore } from "./items.js";\n',
    insert: 'import { priceQuote, validateQuoteRequest } from "./discount.js";\n',
  },
  {
    anchor: '  { method: "GET", template: "/api/items/:id", api: true, handle: getItem },\n',
    insert: '  { method: "POST", template: "/api/quotes", api: true, handle: createQuote },\n',
  },
];

/** Inserts each edit after its anchor; a missing or repeated anchor means the example changed. */
export function applyEdits(text: string, edits: readonly Edit[], file: string): string {
  let out = text;
  for (const { anchor, insert } of edits) {
    const at = out.indexOf(anchor);
    if (at < 0 || out.indexOf(anchor, at + 1) >= 0) {
      throw createError(
        "SLUICE_E_INTERNAL",
        `the demo cannot change ${file}: it expects exactly one line ${JSON.stringify(anchor.trim())}`,
      );
    }
    out = out.slice(0, at + anchor.length) + insert + out.slice(at + anchor.length);
  }
  return out;
}

/**
 * Makes the untested change in the repository's working tree (not committed) and returns the paths it
 * touched, relative to the repository.
 */
export async function applyRegression(repo: string): Promise<string[]> {
  const routesPath = join(repo, "src", "routes.ts");
  const routes = await readFile(routesPath, "utf8");
  const changed = applyEdits(routes, ROUTES_EDITS, "src/routes.ts");
  await writeFile(join(repo, "src", "discount.ts"), DISCOUNT_SOURCE);
  await writeFile(routesPath, `${changed.trimEnd()}\n${QUOTE_HANDLER}`);
  return ["src/discount.ts", "src/routes.ts"];
}
