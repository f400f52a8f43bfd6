import { describe, expect, it } from "vitest";
import { describeExecutorContract } from "../contract";
import type { Executor } from "../types";
import { LocalExecutor } from "./local-executor";

const close = (e: Executor) => void (e as LocalExecutor).close();

describeExecutorContract("local (spawn helper)", () => new LocalExecutor(), close);
describeExecutorContract("local (direct spawn)", () => new LocalExecutor({ helper: false }), close);

describe("LocalExecutor", () => {
  it("keeps working after close(), with a new helper", async () => {
    const e = new LocalExecutor();
    const run = async () => {
      let out = "";
      const h = e.start(
        {
          command: "bash",
          args: ["-c", "echo hi"],
          cwd: process.cwd(),
          env: { PATH: process.env.PATH ?? "" },
        },
        { stdout: (c) => (out += c.toString()), stderr: () => {} },
      );
      expect((await h.exit).exitCode).toBe(0);
      return out;
    };
    expect(await run()).toBe("hi\n");
    await e.close();
    expect(await run()).toBe("hi\n");
    await e.close();
  });
});
