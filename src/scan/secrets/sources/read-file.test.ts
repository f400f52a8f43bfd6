import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readBytes } from "./read-file";

const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-read-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** A small buffer source that records the sizes asked for, as the automaton's `readBuffer` would serve. */
function buffers(initial = 16) {
  const asked: number[] = [];
  let buf = Buffer.alloc(initial);
  const bufferOf = (size: number) => {
    asked.push(size);
    if (buf.length < size) buf = Buffer.alloc(size);
    return buf;
  };
  return { asked, bufferOf };
}

const text = (r: ReturnType<typeof readBytes>) => (typeof r === "string" ? r : r.toString("latin1"));

describe("readBytes", () => {
  it("reads a file whole, whatever its size against the first read and the limit", () => {
    for (const size of [0, 1, 15, 16, 17, 100, 5000]) {
      const content = "abcdefghij".repeat(Math.ceil(size / 10)).slice(0, size);
      const p = file(`f${size}.txt`, content);
      expect(text(readBytes(p, 10_000)), `size ${size}`).toBe(content);
      // A buffer smaller than the file is grown, and what was read before is read again.
      const { bufferOf } = buffers(4);
      expect(text(readBytes(p, 10_000, bufferOf)), `size ${size}, small buffer`).toBe(content);
    }
  });

  it("tells a file over the limit, also at one byte over it", () => {
    const p = file("limit.txt", "x".repeat(100));
    expect(text(readBytes(p, 100))).toBe("x".repeat(100));
    expect(readBytes(p, 99)).toBe("large");
    expect(readBytes(p, 10, buffers(4).bufferOf)).toBe("large");
    expect(readBytes(p, 99, buffers(1000).bufferOf)).toBe("large");
  });

  it("asks for no more than the first read while the file fits", () => {
    const { asked, bufferOf } = buffers();
    readBytes(file("small.txt", "hello"), 10 << 20, bufferOf);
    expect(asked).toEqual([1 << 20]);
  });

  it("skips binary files, links, directories and FIFOs", () => {
    expect(readBytes(file("bin.dat", Buffer.from([65, 0, 66])), 1000)).toBe("binary");
    // A NUL after the first 8000 bytes is text, as git decides.
    const late = Buffer.alloc(9000, 65);
    late[8500] = 0;
    expect(readBytes(file("late.dat", late), 10_000)).not.toBe("binary");
    const target = file("target.txt", "x");
    symlinkSync(target, path.join(dir, "link.txt"));
    expect(readBytes(path.join(dir, "link.txt"), 1000)).toBe("symlink");
    mkdirSync(path.join(dir, "sub"));
    expect(readBytes(path.join(dir, "sub"), 1000)).toBe("unreadable");
    expect(readBytes(path.join(dir, "missing.txt"), 1000)).toBe("unreadable");
    execFileSync("mkfifo", [path.join(dir, "fifo")]);
    expect(readBytes(path.join(dir, "fifo"), 1000)).toBe("unreadable");
  });

  it("stops reading a device that never ends once the buffer or the limit is reached", () => {
    expect(readBytes("/dev/zero", 1000, buffers(64).bufferOf)).toBe("unreadable");
    expect(readBytes("/dev/zero", 1000)).toBe("unreadable");
    expect(readBytes("/dev/null", 1000)).toBe("unreadable");
  });
});
