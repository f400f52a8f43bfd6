export * from "./core/errors";
