/**
 * `POST /dedicated/server/{serviceName}/reinstall`, validated in the order OVHcloud appears to use
 * (API-NOTES §5.1, §7): body shape, operating system known (404), compatible with the server (409),
 * not past its endOfInstall (409 OperatingSystemIncompatible: the simulator's choice, the real
 * answer is not recorded), customizations against the template's inputs, storage against the
 * template and hardware, then no task already running (400 TaskAlreadyExists).
 */
import type { ReinstallBody, Template } from '../ovh/types.js';
import { buildCatalog, isoDate } from './catalog.js';
import { checkReinstallBody } from './body-schema.js';
import { checkCustomizations } from './customizations.js';
import { ovhError, type SimHttpError } from './error-templates.js';
import type { SimState } from './sim-state.js';
import { checkStorage } from './storage.js';
import { viewTask } from './tasks.js';
import type { SimServer, SimTask } from './types.js';

/** The first reason OVHcloud would refuse this reinstall, or null. */
export function checkReinstall(state: SimState, server: SimServer, body: unknown): SimHttpError | null {
  const shapeError = checkReinstallBody(body);
  if (shapeError) return shapeError;
  const request = body as ReinstallBody;
  const serverName = server.server.name;
  const operatingSystem = request.operatingSystem;
  const now = state.now();
  const template: Template | undefined = buildCatalog(now).templates.find(
    (t) => t.templateName === operatingSystem,
  );
  if (!template) return ovhError('Client::NotFound::OperatingSystem', { operatingSystem });
  if (
    !(server.compatibleTemplates.ovh ?? []).includes(operatingSystem) ||
    template.endOfInstall < isoDate(now)
  ) {
    return ovhError('Client::Conflict::OperatingSystemIncompatible', { operatingSystem, serverName });
  }
  const customizationError = checkCustomizations(template, request.customizations);
  if (customizationError) return customizationError;
  const storageError = checkStorage(request.storage, template, server.hardware, serverName);
  if (storageError) return storageError;
  const running: SimTask | undefined = state.runningTask(serverName);
  if (running) {
    return ovhError('Client::BadRequest::TaskAlreadyExists', {
      taskId: running.taskId,
      taskFunction: running.function,
      taskStatus: viewTask(running, now).status,
      serverName,
    });
  }
  return null;
}
