import type { Command } from "commander";
import type { CliIO, ExitCode } from "../io";
import { registerDb } from "./db";
import { registerDemo } from "./demo";
import { registerDeploy } from "./deploy";
import { registerGate } from "./gate";
import { registerInit } from "./init";
import { registerLogs } from "./logs";
import { registerRun } from "./run";
import { registerRuns } from "./runs";
import { registerScan } from "./scan";
import { registerValidate } from "./validate";

/** Registers one command on the program; `done` records the process exit code. */
export type RegisterCommand = (program: Command, io: CliIO, done: (code: ExitCode) => void) => void;

/** Every CLI command, in the order `sluice --help` lists them. */
export const commands: RegisterCommand[] = [
  registerRun,
  registerValidate,
  registerGate,
  registerScan,
  registerDb,
  registerDeploy,
  registerRuns,
  registerLogs,
  registerInit,
  registerDemo,
];
