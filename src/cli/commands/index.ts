import type { Command } from "commander";
import type { CliIO, ExitCode } from "../io";
import { registerDemo } from "./demo";
import { registerInit } from "./init";
import { registerRun } from "./run";

/** Registers one command on the program; `done` records the process exit code. */
export type RegisterCommand = (program: Command, io: CliIO, done: (code: ExitCode) => void) => void;

/** Every CLI command, in the order `sluice --help` lists them. */
export const commands: RegisterCommand[] = [registerRun, registerInit, registerDemo];
