import type { Command } from "commander";
import type { CliIO, ExitCode } from "../io";
import { registerInit } from "./init";

/** Registers one command on the program; `done` records the process exit code. */
export type RegisterCommand = (program: Command, io: CliIO, done: (code: ExitCode) => void) => void;

/** Every CLI command, in the order `sluice --help` lists them. */
export const commands: RegisterCommand[] = [registerInit];
