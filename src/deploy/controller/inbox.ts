/**
 * Results that arrive between ticks (health rounds, analysis verdicts, smoke tests), queued until the
 * next decision takes them. In memory: after a crash the strategies restart whatever produced them.
 */
import type { AnalysisObservation, HealthObservation, SmokeTestObservation } from "../strategy/types";

export class Inbox {
  #health: HealthObservation[] = [];
  #analyses: AnalysisObservation[] = [];
  #smokeTests: SmokeTestObservation[] = [];

  /** Called whenever something arrives, so the agent can decide at once instead of at its next tick. */
  constructor(private readonly onArrival: () => void = () => {}) {}

  health(o: HealthObservation): void {
    this.#health.push(o);
    this.onArrival();
  }

  analysis(o: AnalysisObservation): void {
    this.#analyses.push(o);
    this.onArrival();
  }

  smokeTest(o: SmokeTestObservation): void {
    this.#smokeTests.push(o);
    this.onArrival();
  }

  drain(): {
    health: HealthObservation[];
    analyses: AnalysisObservation[];
    smokeTests: SmokeTestObservation[];
  } {
    const out = { health: this.#health, analyses: this.#analyses, smokeTests: this.#smokeTests };
    this.#health = [];
    this.#analyses = [];
    this.#smokeTests = [];
    return out;
  }
}
