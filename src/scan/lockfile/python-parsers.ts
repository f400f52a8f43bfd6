/**
 * The Python lockfile parsers and manifest readers, loaded together on first use: Poetry and uv
 * lockfiles and pyproject.toml and Pipfile manifests need `smol-toml`.
 */
export { readPipfile, readPyproject } from "./manifest-python";
export { parsePipfileLock } from "./pipfile-lock";
export { parsePoetryLock } from "./poetry-lock";
export { parseUvLock } from "./uv-lock";
