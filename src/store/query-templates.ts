/**
 * Kysely query templates for the store's hot paths. Building and compiling a Kysely query costs
 * several times more than executing the prepared statement it yields, and the engine writes a few
 * rows per step, so each query *shape* is built and compiled by Kysely once, with slot markers in
 * place of values, and later calls only bind new values into the compiled SQL.
 */
import { createError } from "../core/errors";
import type { Compilable, CompiledQuery, QueryResult } from "kysely";

/** The part of Kysely templates need; any `Kysely<DB>` is one. */
export interface QueryExecutor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

interface Template {
  compiled: CompiledQuery;
  /** For each compiled parameter, the index of the value that fills it. */
  slots: number[];
}

/**
 * The marker standing for value `i` while a template is compiled. NUL characters keep it from ever
 * colliding with a constant the builder itself parameterises.
 */
function slotMarker(i: number): string {
  return `\u0000slot:${i}\u0000`;
}

/** Shapes to keep; a shape is a query plus the set of patched columns, so the count stays small. */
const MAX_TEMPLATES = 256;

export class QueryTemplates {
  private readonly templates = new Map<string, Template>();

  constructor(private readonly db: QueryExecutor) {}

  /**
   * Executes the query of `shape` with `values`. On first use of a shape, `build` receives one slot
   * marker per value and must return the query with each marker where that value belongs (markers
   * may be reused or reordered, e.g. an id in a subquery); the same shape must always build the same
   * query. Constants the builder parameterises itself (`eb.val`) stay fixed in the template.
   */
  async execute(
    shape: string,
    values: readonly unknown[],
    build: (slots: readonly string[]) => Compilable<unknown>,
  ): Promise<QueryResult<unknown>> {
    let template = this.templates.get(shape);
    if (template === undefined) {
      template = this.compile(values.length, build);
      if (this.templates.size >= MAX_TEMPLATES) this.templates.clear();
      this.templates.set(shape, template);
    }
    const { compiled, slots } = template;
    const parameters = slots.map((i) => (i < 0 ? compiled.parameters[-i - 1] : values[i]));
    return this.db.executeQuery({ ...compiled, parameters });
  }

  /**
   * A row whose every column holds its slot marker, for `build`: `slotRow(["id", "name"], slots)` is
   * `{ id: slots[0], name: slots[1] }`. Typed as the row because the markers stand for its values.
   */
  static slotRow<T>(columns: readonly (keyof T & string)[], slots: readonly string[]): T {
    return Object.fromEntries(columns.map((column, i) => [column, slots[i]])) as T;
  }

  private compile(arity: number, build: (slots: readonly string[]) => Compilable<unknown>): Template {
    const markers = Array.from({ length: arity }, (_, i) => slotMarker(i));
    const compiled = build(markers).compile();
    // Slot i is a value index; -(k + 1) means "keep the template's own parameter k" (a constant).
    const slots = compiled.parameters.map((p, k) => {
      const i = typeof p === "string" ? markers.indexOf(p) : -1;
      return i >= 0 ? i : -(k + 1);
    });
    const used = new Set(slots.filter((i) => i >= 0));
    if (used.size !== arity) {
      throw createError("SLUICE_E_INTERNAL", "A store query template does not use every value it is given.");
    }
    return { compiled, slots };
  }
}
