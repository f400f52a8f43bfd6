/**
 * The "items" resource: an in-memory store and the validation of what clients send. Kept free of HTTP so
 * the rules can be tested directly and the handlers stay thin.
 */

/** A stored item, as the API returns it. */
export interface Item {
  /** Decimal string of a positive integer, assigned in creation order. */
  id: string;
  name: string;
  quantity: number;
  /** ISO 8601 timestamp of creation. */
  createdAt: string;
}

/** What a client may send to create an item. */
export interface NewItem {
  name: string;
  quantity: number;
}

/** One reason a request body was rejected, pointing at the offending field. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Either the accepted value or every problem found (all of them, so a client can fix them at once). */
export type Validation<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export const MAX_NAME_LENGTH = 100;
export const MAX_QUANTITY = 1_000_000;

/** Checks a parsed JSON body for item creation. Unknown fields are rejected to catch client typos. */
export function validateNewItem(body: unknown): Validation<NewItem> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ field: "", message: "body must be a JSON object" }] };
  }
  const input = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(input)) {
    if (key !== "name" && key !== "quantity") problems.push({ field: key, message: "unknown field" });
  }
  const name = typeof input.name === "string" ? input.name.trim() : undefined;
  if (name === undefined) problems.push({ field: "name", message: "name is required and must be a string" });
  else if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    problems.push({ field: "name", message: `name must be 1 to ${MAX_NAME_LENGTH} characters` });
  }
  const quantity = input.quantity ?? 0;
  if (
    typeof quantity !== "number" ||
    !Number.isInteger(quantity) ||
    quantity < 0 ||
    quantity > MAX_QUANTITY
  ) {
    problems.push({ field: "quantity", message: `quantity must be an integer from 0 to ${MAX_QUANTITY}` });
  }
  if (problems.length > 0 || name === undefined) return { ok: false, problems };
  return { ok: true, value: { name, quantity: quantity as number } };
}

/** True when `id` could name an item (a positive decimal integer without leading zeros). */
export function isValidItemId(id: string): boolean {
  return /^[1-9]\d{0,15}$/.test(id);
}

/** Items held in memory: each process starts empty, which is what a canary experiment wants. */
export class ItemStore {
  private readonly items = new Map<string, Item>();
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Every item in creation order. */
  list(): Item[] {
    return [...this.items.values()];
  }

  /** The item with `id`, or undefined when there is none. */
  get(id: string): Item | undefined {
    return this.items.get(id);
  }

  /** Stores a validated item and returns it with its new id. */
  create(input: NewItem): Item {
    const item: Item = {
      id: String(this.nextId++),
      name: input.name,
      quantity: input.quantity,
      createdAt: this.now().toISOString(),
    };
    this.items.set(item.id, item);
    return item;
  }

  /** Number of stored items. */
  get size(): number {
    return this.items.size;
  }
}
