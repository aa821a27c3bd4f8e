import { DecisionEngine, DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../decisionMemory/engine.js';
import type { PatternModule } from '../decisionMemory/modules/module.js';
import type { ReplaySubject } from './harness.js';

/**
 * The bare engine as a replay subject: the event's own time is the clock, feedback is learned at once.
 * @example const subject = engineSubject(new DecisionEngine());
 */
export function engineSubject(engine: DecisionEngine): ReplaySubject {
  return {
    propose: (event) => engine.propose(event, event.t),
    feedback: (event, truth, outcome, executed) => engine.learn(event, truth, outcome, event.t, executed),
  };
}

/** A fresh engine with the given modules (the CLI's and the tests' default subject). */
export function freshEngine(modules: readonly PatternModule[], settings: EngineSettings = DEFAULT_ENGINE_SETTINGS): DecisionEngine {
  return new DecisionEngine(settings, modules);
}
