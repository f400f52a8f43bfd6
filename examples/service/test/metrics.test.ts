import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Counter, Gauge, Histogram, Registry, formatValue } from "../src/metrics.js";

describe("Counter", () => {
  it("counts per label set and renders HELP, TYPE and samples", () => {
    const c = new Counter("jobs_total", "Jobs done.", ["kind"]);
    c.inc({ kind: "a" });
    c.inc({ kind: "a" }, 2);
    c.inc({ kind: "b" });
    assert.equal(c.get({ kind: "a" }), 3);
    assert.equal(c.get({ kind: "zzz" }), 0);
    assert.equal(
      c.render(),
      [
        "# HELP jobs_total Jobs done.",
        "# TYPE jobs_total counter",
        'jobs_total{kind="a"} 3',
        'jobs_total{kind="b"} 1',
      ].join("\n"),
    );
  });

  it("refuses to go down and requires every label", () => {
    const c = new Counter("x_total", "x", ["a"]);
    assert.throws(() => c.inc({ a: "1" }, -1));
    assert.throws(() => c.inc({}));
  });

  it("escapes label values", () => {
    const c = new Counter("x_total", "line\\one\ntwo", ["path"]);
    c.inc({ path: 'a"b\\c\nd' });
    assert.match(c.render(), /# HELP x_total line\\\\one\\ntwo/);
    assert.match(c.render(), /x_total\{path="a\\"b\\\\c\\nd"\} 1/);
  });

  it("rejects invalid names", () => {
    assert.throws(() => new Counter("1bad", "x", []));
    assert.throws(() => new Counter("ok", "x", ["le"]));
    assert.throws(() => new Counter("ok", "x", ["bad-label"]));
  });
});

describe("Histogram", () => {
  it("renders cumulative buckets, +Inf, sum and count", () => {
    const h = new Histogram("lat_seconds", "Latency.", ["route"], [0.1, 0.5]);
    h.observe({ route: "/x" }, 0.05);
    h.observe({ route: "/x" }, 0.3);
    h.observe({ route: "/x" }, 2);
    assert.equal(
      h.render(),
      [
        "# HELP lat_seconds Latency.",
        "# TYPE lat_seconds histogram",
        'lat_seconds_bucket{route="/x",le="0.1"} 1',
        'lat_seconds_bucket{route="/x",le="0.5"} 2',
        'lat_seconds_bucket{route="/x",le="+Inf"} 3',
        'lat_seconds_sum{route="/x"} 2.35',
        'lat_seconds_count{route="/x"} 3',
      ].join("\n"),
    );
  });

  it("needs a bucket", () => {
    assert.throws(() => new Histogram("h", "h", [], []));
  });
});

describe("Registry", () => {
  it("renders families in registration order with a final newline", () => {
    const r = new Registry();
    r.register(new Gauge("up", "Up.", () => 1));
    r.register(new Gauge("info", "Info.", () => 1, { version: "2.0.0" }));
    assert.equal(
      r.render(),
      '# HELP up Up.\n# TYPE up gauge\nup 1\n# HELP info Info.\n# TYPE info gauge\ninfo{version="2.0.0"} 1\n',
    );
  });

  it("refuses duplicate names", () => {
    const r = new Registry();
    r.register(new Gauge("up", "Up.", () => 1));
    assert.throws(() => r.register(new Gauge("up", "Up.", () => 1)));
  });
});

describe("formatValue", () => {
  it("uses Prometheus spellings for special values", () => {
    assert.equal(formatValue(Infinity), "+Inf");
    assert.equal(formatValue(-Infinity), "-Inf");
    assert.equal(formatValue(NaN), "NaN");
    assert.equal(formatValue(0.25), "0.25");
  });
});
