/**
 * `plan --format json`: the Plan as the stable document of DESIGN.md section 3, keys in a fixed
 * order, two-space indentation and a final newline. Equal plans give equal bytes.
 */
import type { Plan } from '../types.js';

/** The plan as JSON text (schema: PLAN_SCHEMA). */
export function renderPlanJson(plan: Plan): string {
  const document = {
    formatVersion: plan.formatVersion,
    planHash: plan.planHash,
    revision: plan.revision,
    generatedAt: plan.generatedAt,
    summary: plan.summary,
    servers: plan.servers.map((s) => ({
      serviceName: s.serviceName,
      file: s.file,
      action: s.action,
      reason: s.reason,
      message: s.message,
      digest: s.digest,
      from: s.from,
      to: s.to,
      changes: s.changes,
      erases: s.erases,
      notBefore: s.notBefore,
      batch: s.batch,
      labels: s.labels,
      cohort: s.cohort ?? null,
      canary: s.canary ?? false,
      waitsFor: s.waitsFor ?? [],
    })),
    diagnostics: plan.diagnostics.map((d) => ({
      file: d.file,
      line: d.line,
      column: d.column,
      severity: d.severity,
      code: d.code,
      message: d.message,
    })),
    halts: plan.halts ?? [],
    cohorts: plan.cohorts ?? [],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
