import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ItemStore, MAX_NAME_LENGTH, isValidItemId, validateNewItem } from "../src/items.js";

describe("validateNewItem", () => {
  it("accepts a name and defaults quantity to 0", () => {
    assert.deepEqual(validateNewItem({ name: "  widget " }), {
      ok: true,
      value: { name: "widget", quantity: 0 },
    });
  });

  it("accepts an explicit quantity", () => {
    assert.deepEqual(validateNewItem({ name: "bolt", quantity: 12 }), {
      ok: true,
      value: { name: "bolt", quantity: 12 },
    });
  });

  it("rejects bodies that are not objects", () => {
    for (const body of [null, 3, "x", [1]]) {
      const result = validateNewItem(body);
      assert.equal(result.ok, false);
    }
  });

  it("reports every problem at once", () => {
    const result = validateNewItem({ nmae: "typo", quantity: -1 });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.problems.map((p) => p.field).sort(), ["name", "nmae", "quantity"]);
  });

  it("bounds the name length and the quantity", () => {
    assert.equal(validateNewItem({ name: "" }).ok, false);
    assert.equal(validateNewItem({ name: "x".repeat(MAX_NAME_LENGTH + 1) }).ok, false);
    assert.equal(validateNewItem({ name: "x", quantity: 1.5 }).ok, false);
    assert.equal(validateNewItem({ name: "x", quantity: "3" }).ok, false);
  });
});

describe("isValidItemId", () => {
  it("accepts positive integers without leading zeros only", () => {
    assert.equal(isValidItemId("1"), true);
    assert.equal(isValidItemId("42"), true);
    for (const id of ["0", "01", "-1", "abc", "", "1.0"]) assert.equal(isValidItemId(id), false, id);
  });
});

describe("ItemStore", () => {
  it("assigns increasing ids and timestamps from the injected clock", () => {
    const store = new ItemStore(() => new Date("2025-01-02T03:04:05Z"));
    const a = store.create({ name: "a", quantity: 1 });
    const b = store.create({ name: "b", quantity: 2 });
    assert.equal(a.id, "1");
    assert.equal(b.id, "2");
    assert.equal(a.createdAt, "2025-01-02T03:04:05.000Z");
    assert.deepEqual(store.get("2"), b);
    assert.equal(store.get("3"), undefined);
    assert.deepEqual(store.list(), [a, b]);
    assert.equal(store.size, 2);
  });
});
