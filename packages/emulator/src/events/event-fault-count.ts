import { type EventFaultKind } from '../stats/event-stats';
import { type Evidence } from '../stats/evidence';
import { type EmulatorMetrics } from '../stats/metrics';

/** Counts one injected event fault in the evidence and in the metrics (`event<Kind>`). */
export function countEventFault(
  evidence: Evidence,
  metrics: EmulatorMetrics,
  kind: EventFaultKind,
): void {
  evidence.events.faults[kind] += 1;
  metrics.faults.inc({ kind: `event${kind.charAt(0).toUpperCase()}${kind.slice(1)}` });
}
