import { Kysely, SqliteDialect } from "kysely";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueryTemplates } from "./query-templates";

interface TestDb {
  t: { a: string; b: string | null; n: number };
}

describe("QueryTemplates", () => {
  let db: Kysely<TestDb>;
  beforeEach(async () => {
    db = new Kysely<TestDb>({ dialect: new SqliteDialect({ database: new Database(":memory:") }) });
    await db.schema
      .createTable("t")
      .addColumn("a", "text")
      .addColumn("b", "text")
      .addColumn("n", "integer")
      .execute();
  });
  afterEach(() => db.destroy());

  it("compiles a shape once and binds new values on later calls", async () => {
    const templates = new QueryTemplates(db);
    const build = vi.fn((slots: readonly string[]) =>
      db.insertInto("t").values(QueryTemplates.slotRow<TestDb["t"]>(["a", "b", "n"], slots)),
    );
    await templates.execute("insert", ["x", null, 1], build);
    await templates.execute("insert", ["y", "z", 2], build);
    expect(build).toHaveBeenCalledTimes(1);
    expect(await db.selectFrom("t").selectAll().orderBy("n").execute()).toEqual([
      { a: "x", b: null, n: 1 },
      { a: "y", b: "z", n: 2 },
    ]);
  });

  it("maps reordered and repeated slots and keeps the builder's own constants", async () => {
    const templates = new QueryTemplates(db);
    await db.insertInto("t").values({ a: "k", b: "old", n: 1 }).execute();
    const build = ([key, value]: readonly string[]) =>
      db
        .updateTable("t")
        .set((eb) => ({ b: value as string, n: eb("n", "+", eb.val(10)) }))
        .where("a", "=", key as string)
        .where("b", "!=", value as string);
    const first = await templates.execute("update", ["k", "new"], build);
    const second = await templates.execute("update", ["k", "new"], build);
    expect([first.numAffectedRows, second.numAffectedRows]).toEqual([1n, 0n]);
    expect(await db.selectFrom("t").selectAll().execute()).toEqual([{ a: "k", b: "new", n: 11 }]);
  });

  it("refuses a template that drops a value (SLUICE_E_INTERNAL)", async () => {
    const templates = new QueryTemplates(db);
    const build = ([a]: readonly string[]) => db.insertInto("t").values({ a: a as string, b: null, n: 0 });
    await expect(templates.execute("bad", ["x", "unused"], build)).rejects.toMatchObject({
      code: "SLUICE_E_INTERNAL",
    });
  });
});
