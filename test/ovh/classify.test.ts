/** Classification: every OVHcloud class and message template, auth refusals, statuses, client shapes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRegisteredCode } from '../../src/core/codes/registry.js';
import { API_CODES } from '../../src/core/codes/api-codes.js';
import { classifyFailure, classifyHttp, templateToRegExp } from '../../src/ovh/classify.js';
import { rejectionToFailure } from '../../src/ovh/client-rejection.js';
import { REINSTALL_ERROR_TEMPLATES } from '../../src/ovh/error-templates.js';

type Expected = [code: string, disposition: string];

/** What each class of the reinstall error table must become (stated here, not derived from the code). */
const EXPECTED: Record<string, Expected> = {
  'Client::BadRequest::CustomizationInvalidFormat': ['api-customization-invalid-format', 'terminal'],
  'Client::BadRequest::CustomizationName': ['api-customization-name', 'terminal'],
  'Client::BadRequest::CustomizationSizeExceeded': ['api-customization-size-exceeded', 'terminal'],
  'Client::BadRequest::DiskGroup': ['api-disk-group-invalid', 'terminal'],
  'Client::BadRequest::HardwareRaidInvalidDisksArrays': ['api-hardware-raid-invalid', 'terminal'],
  'Client::BadRequest::HardwareRaidPartitioningDisks': ['api-hardware-raid-invalid', 'terminal'],
  'Client::BadRequest::HostnameInvalidFormat': ['api-hostname-invalid', 'terminal'],
  'Client::BadRequest::HostnameSizeExceeded': ['api-hostname-invalid', 'terminal'],
  'Client::BadRequest::IncompatibleParams': ['api-incompatible-params', 'terminal'],
  'Client::BadRequest::PartitionDuplicatedAttribute': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionDuplicatedZpName': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionForbiddenLvName': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionForbiddenMountpoint': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionForbiddenMountpointCanonical': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionForbiddenMountpointSuffix': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionForbiddenZpName': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionIncompatibleCustomPartitioning': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionIncompatibleFs': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionIncompatibleLvm': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionIncompatibleParams': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionIncompatibleRaidLevel': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionInvalidLvName': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionInvalidUnixMountpoint': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionInvalidUnixMountpointPrefix': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionInvalidWindowsMountpointLength': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionInvalidWindowsMountpointRoot': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionInvalidZpName': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionLength': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionMinSize': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionMissingRootMountpoint': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PartitionRaidLevel': ['api-partition-invalid', 'terminal'],
  'Client::BadRequest::PropertyName': ['api-property-name', 'terminal'],
  'Client::BadRequest::TaskAlreadyExists': ['api-task-already-exists', 'busy'],
  'Client::Forbidden::BadAccess': ['api-auth-required', 'auth'],
  'Client::Forbidden::OperatingSystemLicenseMissing': ['api-os-license-missing', 'terminal'],
  'Client::Forbidden::RetrieveAccess': ['api-auth-required', 'auth'],
  'Client::NotFound::DiskGroup': ['api-disk-group-not-found', 'terminal'],
  'Client::NotFound::OperatingSystem': ['api-os-not-found', 'terminal'],
  'Client::NotFound::SchemeName': ['api-scheme-not-found', 'terminal'],
  'Client::Conflict::DisturbAlreadyExists': ['api-disturb-already-exists', 'busy'],
  'Client::Conflict::HardwareRaidIncompatibleOnController': ['api-hardware-raid-invalid', 'terminal'],
  'Client::Conflict::HardwareRaidIncompatibleOnDiskGroup': ['api-hardware-raid-invalid', 'terminal'],
  'Client::Conflict::HardwareRaidIncompatibleOnServer': ['api-hardware-raid-invalid', 'terminal'],
  'Client::Conflict::HardwareRaidTooManyDisks': ['api-hardware-raid-invalid', 'terminal'],
  'Client::Conflict::OperatingSystemIncompatible': ['api-os-incompatible', 'terminal'],
  'Client::Conflict::PartitioningTooManyDisks': ['api-partitioning-too-many-disks', 'terminal'],
  'Client::Conflict::PartitioningTooManyDisksOperatingSystem': [
    'api-partitioning-too-many-disks',
    'terminal',
  ],
  'Server::InternalServerError::DefaultDiskGroup': ['api-unavailable', 'transient'],
  'Server::InternalServerError::DisturbCreate': ['api-unavailable', 'transient'],
  'Server::InternalServerError::DisturbLink': ['api-unavailable', 'transient'],
  'Server::InternalServerError::HardwareProfile': ['api-unavailable', 'transient'],
  'Server::InternalServerError::HardwareRaidRetrieve': ['api-unavailable', 'transient'],
  'Server::InternalServerError::OperatingSystemCompatibilityRetrieve': ['api-unavailable', 'transient'],
  'Server::InternalServerError::OperatingSystemRetrieve': ['api-unavailable', 'transient'],
  'Server::InternalServerError::PartitionRetrieve': ['api-unavailable', 'transient'],
  'Server::InternalServerError::TaskCreate': ['api-unavailable', 'transient'],
  'Server::InternalServerError::TaskDateRetrieve': ['api-unavailable', 'transient'],
  'Server::InternalServerError::TaskRetrieve': ['api-unavailable', 'transient'],
  'Server::NotImplemented::DiskGroupMultipleConfigs': ['api-storage-not-implemented', 'terminal'],
  'Server::NotImplemented::HardwareRaidMultipleConfigs': ['api-storage-not-implemented', 'terminal'],
};

/** Classes whose message template is identical to another class's: the class cannot be told. */
const SHARED_TEMPLATE = new Set(
  REINSTALL_ERROR_TEMPLATES.filter((t) =>
    REINSTALL_ERROR_TEMPLATES.some((o) => o !== t && o.status === t.status && o.message === t.message),
  ).map((t) => t.ovhClass),
);

function fill(template: string): string {
  return template.replace(/\{\{\.([A-Za-z0-9_]+)\}\}/g, (_, name: string) => `<${name} value>`);
}

describe('the error table', () => {
  it('is exactly the reinstall error table of the official OpenAPI', () => {
    const openapi = JSON.parse(
      readFileSync('test/fixtures/reference/dedicated-server.openapi3.json', 'utf8'),
    ) as {
      paths: Record<
        string,
        {
          post: {
            responses: Record<
              string,
              {
                content?: {
                  'application/json'?: {
                    examples?: Record<string, { value: { class: string; message: string } }>;
                  };
                };
              }
            >;
          };
        }
      >;
    };
    const responses = openapi.paths['/dedicated/server/{serviceName}/reinstall']!.post.responses;
    const fromOpenApi = Object.entries(responses)
      .filter(([status]) => status !== '200')
      .flatMap(([status, r]) =>
        Object.values(r.content?.['application/json']?.examples ?? {}).map((e) => ({
          status: Number(status),
          ovhClass: e.value.class,
          message: e.value.message,
        })),
      );

    expect(REINSTALL_ERROR_TEMPLATES).toEqual(fromOpenApi);
    expect(Object.keys(EXPECTED).sort()).toEqual(fromOpenApi.map((t) => t.ovhClass).sort());
  });

  it('turns placeholders into wildcards and keeps the rest literal', () => {
    const pattern = templateToRegExp('Task {{.taskId}} of type {{.taskFunction}} (x)');

    expect(pattern.test('Task 12 of type reinstallServer (x)')).toBe(true);
    expect(pattern.test('Task 12 of type reinstallServer (y)')).toBe(false);
    expect(pattern.test('prefix Task 12 of type a (x)')).toBe(false);
  });
});

describe('classifyHttp over every class and message template', () => {
  it.each(REINSTALL_ERROR_TEMPLATES.map((t) => ({ ...t, filled: fill(t.message) })))(
    '$status $ovhClass',
    ({ status, ovhClass, filled }) => {
      const [code, disposition] = EXPECTED[ovhClass]!;

      const result = classifyHttp(status, filled);

      expect(result.code).toBe(code);
      expect(result.disposition).toBe(disposition);
      expect(result.ovhClass).toBe(SHARED_TEMPLATE.has(ovhClass) ? undefined : ovhClass);
      expect(isRegisteredCode(result.code)).toBe(true);
    },
  );

  it('recognises the production TaskAlreadyExists message', () => {
    const result = classifyHttp(
      400,
      'Task 563254948 of type reinstallServer with status todo is already running on server ns3048220.ip-51-255-75.eu',
    );

    expect(result).toEqual({
      code: 'api-task-already-exists',
      disposition: 'busy',
      ovhClass: 'Client::BadRequest::TaskAlreadyExists',
    });
  });
});

describe('classifyHttp without a template', () => {
  it.each([
    { status: 400, message: 'Invalid signature', code: 'api-auth-invalid-signature', disposition: 'auth' },
    {
      status: 403,
      message: 'This credential is not valid',
      code: 'api-auth-invalid-credential',
      disposition: 'auth',
    },
    {
      status: 403,
      message: 'This credential does not exist',
      code: 'api-auth-not-credential',
      disposition: 'auth',
    },
    {
      status: 403,
      message: 'This call has not been granted',
      code: 'api-auth-not-granted',
      disposition: 'auth',
    },
    { status: 403, message: 'Invalid application key', code: 'api-auth-invalid-key', disposition: 'auth' },
    { status: 400, message: 'Query out of time', code: 'api-auth-timestamp', disposition: 'auth' },
    { status: 401, message: 'You must login first', code: 'api-auth-required', disposition: 'auth' },
    { status: 403, message: null, code: 'api-auth-required', disposition: 'auth' },
    {
      status: 404,
      message: 'The requested object (serviceName = x) does not exist',
      code: 'api-not-found',
      disposition: 'not-found',
    },
    { status: 460, message: 'Service expired', code: 'api-service-expired', disposition: 'not-found' },
    { status: 429, message: 'Too many requests', code: 'api-rate-limited', disposition: 'waiting' },
    { status: 500, message: 'Internal Server Error', code: 'api-unavailable', disposition: 'transient' },
    { status: 503, message: null, code: 'api-unavailable', disposition: 'transient' },
    {
      status: 400,
      message: 'Invalid body: operatingSystem must be a string',
      code: 'api-bad-request',
      disposition: 'terminal',
    },
    {
      status: 405,
      message: 'The call does not answer to the POST HTTP method',
      code: 'api-bad-request',
      disposition: 'terminal',
    },
  ])('$status "$message" -> $code', ({ status, message, code, disposition }) => {
    expect(classifyHttp(status, message)).toMatchObject({ code, disposition });
  });
});

describe('rejections of the official client', () => {
  const hints = { idleTimeoutElapsed: false };

  it.each([
    {
      name: 'HTTP status',
      rejection: { error: 404, message: 'gone' },
      code: 'api-not-found',
      status: 404,
      ambiguous: false,
    },
    {
      name: 'HTTP status without body',
      rejection: { error: 502, message: null },
      code: 'api-unavailable',
      status: 502,
      ambiguous: true,
    },
    {
      name: 'negative errno ECONNREFUSED',
      rejection: { error: -111 },
      code: 'api-network',
      status: undefined,
      ambiguous: false,
    },
    {
      name: 'negative errno ECONNRESET',
      rejection: { error: -104 },
      code: 'api-network',
      status: undefined,
      ambiguous: true,
    },
    {
      name: 'negative errno ETIMEDOUT',
      rejection: { error: -110 },
      code: 'api-timeout',
      status: undefined,
      ambiguous: true,
    },
    {
      name: '{code} socket hang up',
      rejection: { error: { code: 'ECONNRESET', message: 'socket hang up' } },
      code: 'api-network',
      status: undefined,
      ambiguous: true,
    },
    {
      name: '{code} TLS',
      rejection: { error: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' } },
      code: 'api-tls-untrusted',
      status: undefined,
      ambiguous: false,
    },
    {
      name: '{code} DNS',
      rejection: { error: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x' } },
      code: 'api-network',
      status: undefined,
      ambiguous: false,
    },
    {
      name: '[OVH] parse',
      rejection: { error: '[OVH] Unable to parse JSON reponse' },
      code: 'api-unparseable-answer',
      status: undefined,
      ambiguous: true,
    },
    {
      name: '[OVH] time',
      rejection: { error: '[OVH] Unable to fetch OVH API time' },
      code: 'api-time-unavailable',
      status: undefined,
      ambiguous: false,
    },
    {
      name: 'OAuth2',
      rejection: { error: { statusCode: 401, error: 'Unauthorized', message: undefined } },
      code: 'api-auth-oauth2',
      status: 401,
      ambiguous: false,
    },
    { name: 'anything else', rejection: 'boom', code: 'api-network', status: undefined, ambiguous: true },
  ])('$name -> $code on POST', ({ rejection, code, status, ambiguous }) => {
    const error = classifyFailure(rejectionToFailure(rejection, hints), { method: 'POST', path: '/x' });

    expect(error).toMatchObject({ code, ambiguous });
    expect(error.status).toBe(status);
  });

  it('reads a socket hang up after the idle timeout as a timeout', () => {
    const failure = rejectionToFailure(
      { error: { code: 'ECONNRESET', message: 'socket hang up' } },
      { idleTimeoutElapsed: true },
    );

    expect(failure.kind).toBe('timeout');
  });

  it('never marks a GET ambiguous', () => {
    const error = classifyFailure(rejectionToFailure({ error: 503, message: null }, hints), {
      method: 'GET',
      path: '/x',
    });

    expect(error.ambiguous).toBe(false);
  });
});

describe('api codes', () => {
  it('are kebab-case, start with api- and have a summary and an action', () => {
    for (const [code, info] of Object.entries(API_CODES)) {
      expect(code).toMatch(/^api-[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(info.summary.length).toBeGreaterThan(10);
      expect(info.action.length).toBeGreaterThan(5);
    }
  });
});
