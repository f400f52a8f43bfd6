/** Conversions between plain JSON-like values and @actions/expressions data. */
import { data } from "@actions/expressions";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function toExpressionData(value: unknown): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  switch (typeof value) {
    case "string":
      return new data.StringData(value);
    case "number":
      return new data.NumberData(value);
    case "boolean":
      return new data.BooleanData(value);
    case "object": {
      if (Array.isArray(value)) return new data.Array(...value.map(toExpressionData));
      const d = new data.Dictionary();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined) d.add(k, toExpressionData(v));
      }
      return d;
    }
    default:
      return new data.StringData(String(value));
  }
}

export function fromExpressionData(d: data.ExpressionData): Json {
  switch (d.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.String:
      return (d as data.StringData).value;
    case data.Kind.Number:
      return (d as data.NumberData).value;
    case data.Kind.Boolean:
      return (d as data.BooleanData).value;
    case data.Kind.Array:
      return (d as data.Array).values().map(fromExpressionData);
    default: {
      const out: Record<string, Json> = {};
      for (const { key, value } of (d as data.Dictionary).pairs()) out[key] = fromExpressionData(value);
      return out;
    }
  }
}

/**
 * GitHub's conversion of an expression result to a string (used wherever a string is expected):
 * null → '', booleans → 'true'/'false', numbers in decimal, objects and arrays → 'Object'/'Array'.
 */
export function coerceToString(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return toExpressionData(value).coerceString();
  return Array.isArray(value) ? "Array" : "Object";
}

/** GitHub's truthiness: false, 0, -0, '', null and NaN are falsy; everything else is truthy. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === "") return false;
  if (typeof value === "number") return !(value === 0 || Number.isNaN(value));
  return true;
}
