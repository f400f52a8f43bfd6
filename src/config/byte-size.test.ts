import { describe, expect, it } from "vitest";
import { parseByteSize } from "./byte-size";
import { sluiceConfigSchema } from "./schema";

describe("parseByteSize", () => {
  it("reads bytes, binary units (K, Ki, KiB…) and decimal ones (KB, MB, GB)", () => {
    expect(parseByteSize(1234)).toBe(1234);
    expect(parseByteSize("1234")).toBe(1234);
    expect(parseByteSize("20MiB")).toBe(20 * 1024 ** 2);
    expect(parseByteSize("20 mi")).toBe(20 * 1024 ** 2);
    expect(parseByteSize("1.5G")).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize("512KiB")).toBe(512 * 1024);
    expect(parseByteSize("50MB")).toBe(50e6);
    expect(parseByteSize("100b")).toBe(100);
  });

  it.each(["", "0", "-1", "20xx", "MiB", "1e3", 0, -5, Number.NaN])("rejects %j", (v) => {
    expect(parseByteSize(v)).toBeUndefined();
  });

  it("is what scan.secrets.maxFileSize holds in sluice.yml, in bytes", () => {
    const parse = (maxFileSize: unknown) =>
      sluiceConfigSchema.safeParse({ version: 1, scan: { secrets: { maxFileSize } } });
    const ok = parse("50MiB");
    expect(ok.success && ok.data.scan.secrets.maxFileSize).toBe(50 * 1024 ** 2);
    const bad = parse("lots");
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain('"lots" is not a size such as 20MiB');
  });
});
