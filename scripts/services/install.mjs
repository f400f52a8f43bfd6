// Installs the real services the test suite starts (nginx, HAProxy, wrk) from Debian's packages when
// they are missing, before the tests run (`npm test` runs this first). A no-op when all are present.
// Tests start each service on a free loopback port in a temp dir and stop it afterwards.
import { execFileSync } from "node:child_process";

const programs = { nginx: "nginx", haproxy: "haproxy", wrk: "wrk", prometheus: "prometheus" };

function has(program) {
  try {
    execFileSync("sh", ["-c", `command -v ${program} || test -x /usr/sbin/${program}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const missing = Object.entries(programs).filter(([program]) => !has(program));
if (missing.length > 0) {
  const packages = missing.map(([, pkg]) => pkg);
  if (process.getuid?.() !== 0) {
    console.error(
      `sluice tests: missing ${packages.join(", ")}; install them (apt-get install ${packages.join(" ")}).`,
    );
    process.exit(process.env.CI === "true" ? 1 : 0);
  }
  console.error(`sluice tests: installing ${packages.join(", ")} with apt-get…`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", ...packages], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}
