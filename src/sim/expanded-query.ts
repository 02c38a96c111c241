/**
 * The request side of expanded listing (API-NOTES §5.6): reads the `X-Pagination-*` headers of a
 * `GET /dedicated/server` or `GET …/task` into an {@link ExpandedQuery}, or answers 400 in
 * OVHcloud's error shape for a bad one. Which fields exist and their types come from the models of
 * API-NOTES §3.1 (DedicatedWithIAM) and §3.2 (Task). Pure: no state, no clock.
 */
import type { SimHttpError } from './error-templates.js';
import { classError } from './error-templates.js';

/** The only mode the simulator knows; OVHcloud's control panel sends it (API-NOTES §5.6). */
export const EXPANDED_MODE = 'CachedObjectList-Pages';
/** Page size when `X-Pagination-Size` is absent: the control panel's default (simulator's choice). */
export const DEFAULT_EXPANDED_PAGE_SIZE = 5_000;
/** Largest accepted `X-Pagination-Size` by default; OVHcloud's real limit is not confirmed. */
export const DEFAULT_EXPANDED_PAGE_SIZE_LIMIT = 10_000;

/** Type of a field as filters and sort see it; `object` fields can be neither filtered nor sorted. */
export type FieldType = 'string' | 'number' | 'boolean' | 'object';

/** The fields of one expanded model, and which one is the object's id in the plain id list. */
export interface ExpandedModel {
  /** Model name used in error messages, e.g. `dedicated.server.DedicatedWithIAM`. */
  name: string;
  idField: string;
  fields: Readonly<Record<string, FieldType>>;
}

/** `dedicated.server.DedicatedWithIAM` (API-NOTES §3.1). */
export const SERVER_MODEL: ExpandedModel = {
  name: 'dedicated.server.DedicatedWithIAM',
  idField: 'name',
  fields: {
    availabilityZone: 'string',
    bootId: 'number',
    bootScript: 'string',
    commercialRange: 'string',
    datacenter: 'string',
    efiBootloaderPath: 'string',
    iam: 'object',
    ip: 'string',
    linkSpeed: 'number',
    monitoring: 'boolean',
    name: 'string',
    newUpgradeSystem: 'boolean',
    noIntervention: 'boolean',
    os: 'string',
    powerState: 'string',
    professionalUse: 'boolean',
    rack: 'string',
    region: 'string',
    rescueMail: 'string',
    rescueSshKey: 'string',
    reverse: 'string',
    rootDevice: 'string',
    serverId: 'number',
    state: 'string',
    supportLevel: 'string',
  },
};

/** `dedicated.server.Task` (API-NOTES §3.2). */
export const TASK_MODEL: ExpandedModel = {
  name: 'dedicated.server.Task',
  idField: 'taskId',
  fields: {
    comment: 'string',
    doneDate: 'string',
    function: 'string',
    lastUpdate: 'string',
    needSchedule: 'boolean',
    note: 'string',
    plannedInterventionId: 'number',
    startDate: 'string',
    status: 'string',
    tags: 'object',
    taskId: 'number',
    ticketReference: 'string',
  },
};

/** A filter operator of `X-Pagination-Filter`. */
export type FilterOp = 'eq' | 'ne' | 'lt' | 'gt' | 'like' | 'in';
const OPS: readonly FilterOp[] = ['eq', 'ne', 'lt', 'gt', 'like', 'in'];

/** One `field:op=value` item, its value(s) decoded and converted to the field's type. */
export interface ExpandedFilter {
  field: string;
  op: FilterOp;
  /** One value, or several for `in`. */
  values: (string | number | boolean)[];
}

/** A checked expanded-listing request. */
export interface ExpandedQuery {
  /** Page number, from 1. */
  number: number;
  size: number;
  sort: { field: string; order: 'ASC' | 'DESC' } | null;
  filters: ExpandedFilter[];
  /** `Pragma: no-cache` was sent: the answer must be current. */
  noCache: boolean;
}

/** Reads a request header (lower-case name), undefined when absent. */
export type HeaderReader = (name: string) => string | undefined;

/** Whether a `Pragma` header value asks for a current answer (`no-cache`). */
export function isNoCache(pragma: string | undefined): boolean {
  return pragma !== undefined && /(^|,)\s*no-cache\s*(,|$)/i.test(pragma);
}

function badRequest(message: string): SimHttpError {
  return classError(400, 'Client::BadRequest', message);
}

function positiveInteger(header: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw badRequest(`Invalid ${header} header "${raw}": expected an integer >= 1`);
  return Number(text);
}

function checkField(model: ExpandedModel, field: string, header: string): FieldType {
  const type = model.fields[field];
  if (type === undefined)
    throw badRequest(
      `Invalid ${header} header: unknown field "${field}" of ${model.name} (known: ${Object.keys(model.fields).join(', ')})`,
    );
  if (type === 'object')
    throw badRequest(`Invalid ${header} header: field "${field}" is an object and cannot be used here`);
  return type;
}

function convert(type: FieldType, field: string, raw: string): string | number | boolean {
  if (type === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(raw))
      throw badRequest(`Invalid X-Pagination-Filter header: "${raw}" is not a number (field ${field})`);
    return Number(raw);
  }
  if (type === 'boolean') {
    if (raw !== 'true' && raw !== 'false')
      throw badRequest(`Invalid X-Pagination-Filter header: "${raw}" is not true or false (field ${field})`);
    return raw === 'true';
  }
  return raw;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(
      `Invalid X-Pagination-Filter header: value "${raw}" is not URL-encoded (write a literal % as %25)`,
    );
  }
}

/** Parses `field:op=value&field:op=value` (values URL-encoded; `in` values comma-separated). */
export function parseFilters(model: ExpandedModel, header: string | undefined): ExpandedFilter[] {
  if (header === undefined) return [];
  const filters: ExpandedFilter[] = [];
  for (const item of header.split('&')) {
    if (item.trim() === '') continue;
    const m = /^([^:=]+):([a-z]+)=(.*)$/s.exec(item.trim());
    if (!m)
      throw badRequest(`Invalid X-Pagination-Filter header: "${item}" is not of the form field:op=value`);
    const [, field = '', opText = '', rawValue = ''] = m;
    const op = opText as FilterOp;
    if (!OPS.includes(op))
      throw badRequest(
        `Invalid X-Pagination-Filter header: unknown operator "${opText}" (known: ${OPS.join(', ')})`,
      );
    const type = checkField(model, field, 'X-Pagination-Filter');
    if (op === 'like' && type !== 'string')
      throw badRequest(`Invalid X-Pagination-Filter header: like needs a text field, ${field} is a ${type}`);
    if ((op === 'lt' || op === 'gt') && type === 'boolean')
      throw badRequest(`Invalid X-Pagination-Filter header: ${op} cannot compare the boolean field ${field}`);
    const raws = op === 'in' ? rawValue.split(',') : [rawValue];
    filters.push({ field, op, values: raws.map((r) => convert(type, field, decode(r))) });
  }
  return filters;
}

/**
 * The expanded query of a request, or null when the request did not ask for expanded listing
 * (no `X-Pagination-Mode`): the endpoint then answers plain ids, exactly as before.
 */
export function readExpandedQuery(
  model: ExpandedModel,
  header: HeaderReader,
  pageSizeLimit: number,
): ExpandedQuery | null {
  const mode = header('x-pagination-mode');
  if (mode === undefined) return null;
  if (mode.trim() !== EXPANDED_MODE)
    throw badRequest(`Unsupported X-Pagination-Mode "${mode}" (supported: ${EXPANDED_MODE})`);
  const size = positiveInteger('X-Pagination-Size', header('x-pagination-size'), DEFAULT_EXPANDED_PAGE_SIZE);
  if (size > pageSizeLimit)
    throw badRequest(
      `Invalid X-Pagination-Size header: ${size} is above the maximum page size of ${pageSizeLimit}`,
    );
  const number = positiveInteger('X-Pagination-Number', header('x-pagination-number'), 1);
  const sortField = header('x-pagination-sort')?.trim();
  const orderText = header('x-pagination-sort-order')?.trim().toUpperCase();
  if (orderText !== undefined && orderText !== '' && orderText !== 'ASC' && orderText !== 'DESC')
    throw badRequest(`Invalid X-Pagination-Sort-Order header "${orderText}": expected ASC or DESC`);
  let sort: ExpandedQuery['sort'] = null;
  if (sortField !== undefined && sortField !== '') {
    checkField(model, sortField, 'X-Pagination-Sort');
    sort = { field: sortField, order: orderText === 'DESC' ? 'DESC' : 'ASC' };
  }
  return {
    number,
    size,
    sort,
    filters: parseFilters(model, header('x-pagination-filter')),
    noCache: isNoCache(header('pragma')),
  };
}
