/**
 * Routing (docs/notifications.md, "Routing"): which of a cycle's events each sink gets, from its
 * filters by severity, reason and server label. A filter left out lets everything through; the
 * label filter applies to server events (a halt of the rollout has no server and passes it). Pure.
 */
import type { SinkFilters } from '../config/notify-config.js';
import type { NotificationEvent } from './event.js';

/** The spec labels of each server, from the fleet the cycle read. */
export type LabelsOf = (serviceName: string) => Readonly<Record<string, string>> | undefined;

/** Whether `event` passes `filters`. */
export function matches(event: NotificationEvent, filters: SinkFilters, labelsOf: LabelsOf): boolean {
  if (filters.severities && !filters.severities.includes(event.severity)) return false;
  if (filters.reasons && !filters.reasons.includes(event.reason)) return false;
  if (filters.labels && event.serviceName !== null) {
    const labels = labelsOf(event.serviceName) ?? {};
    for (const [name, value] of Object.entries(filters.labels)) if (labels[name] !== value) return false;
  }
  return true;
}

/** The events a sink with `filters` gets. */
export function routeEvents(
  events: readonly NotificationEvent[],
  filters: SinkFilters,
  labelsOf: LabelsOf,
): NotificationEvent[] {
  return events.filter((e) => matches(e, filters, labelsOf));
}
