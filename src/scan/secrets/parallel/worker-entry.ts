/**
 * The worker threads' entry point when the build emits one (`dist/secrets-worker.js`): it loads only
 * the scanner, where starting a worker from the library bundle would load all of Sluice (≈ 0.25 s
 * more per worker, measured). Importing the pool is all it does: the pool starts itself as a worker.
 */
import "./worker-pool";
