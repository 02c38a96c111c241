import type { CodeTable } from './registry.js';

const FIX_SPEC =
  'Correct the server spec named in the message and commit; ovh-fleet will not retry the same spec.';

/**
 * Codes of OVHcloud API errors, as the adapter (src/ovh/classify.ts) classifies them. Every
 * OvhApiError carries one of these in `.code`; its disposition says what the loop does next.
 */
export const API_CODES = {
  'api-task-already-exists': {
    summary: 'OVHcloud already runs a task (usually a reinstall) on this server (TaskAlreadyExists).',
    action: 'Nothing: ovh-fleet follows the running task instead of posting another reinstall.',
    exitCode: 1,
    next: 'none',
  },
  'api-disturb-already-exists': {
    summary: 'The server is locked by another OVHcloud process (DisturbAlreadyExists).',
    action: 'Wait for the other operation to finish; ovh-fleet tries again on a later cycle.',
    exitCode: 1,
    next: 'retry',
  },
  'api-os-incompatible': {
    summary: 'The operating system is not compatible with this server (OperatingSystemIncompatible).',
    action: 'Pick a template from `ovh-fleet templates --server SERVICE` and commit the spec.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-os-not-found': {
    summary: 'OVHcloud does not know this operating system template (NotFound::OperatingSystem).',
    action: 'Use a template name from `ovh-fleet templates` and commit the spec.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-os-license-missing': {
    summary: 'The operating system needs a license the server does not have (OperatingSystemLicenseMissing).',
    action: 'Order the license in the OVHcloud manager, or pick another operating system.',
    exitCode: 1,
    next: 'operator',
  },
  'api-customization-name': {
    summary: 'A customization is not an input of the chosen template (CustomizationName).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-customization-invalid-format': {
    summary: 'A customization value has the wrong type or format (CustomizationInvalidFormat).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-customization-size-exceeded': {
    summary: 'A customization is larger than OVHcloud accepts (CustomizationSizeExceeded).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-hostname-invalid': {
    summary: 'The hostname breaks RFC 1035 (HostnameInvalidFormat or HostnameSizeExceeded).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-incompatible-params': {
    summary: 'Two parameters of the reinstall cannot be used together (IncompatibleParams).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-property-name': {
    summary: 'The reinstall body carries an unknown property (PropertyName).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-partition-invalid': {
    summary: 'The partitioning layout of the storage section is refused (a Partition* error class).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-disk-group-invalid': {
    summary: 'The disk group cannot be installed on this server (BadRequest::DiskGroup).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-disk-group-not-found': {
    summary: 'The disk group does not exist on this server (NotFound::DiskGroup).',
    action: 'Use a diskGroupId from the server hardware (`ovh-fleet templates --server SERVICE`).',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-scheme-not-found': {
    summary: 'The partition scheme does not exist for this operating system (NotFound::SchemeName).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-hardware-raid-invalid': {
    summary: 'The hardware RAID settings are refused for this server (a HardwareRaid* error class).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-partitioning-too-many-disks': {
    summary:
      'The partitioning uses more disks than the disk group or the OS allows (PartitioningTooManyDisks*).',
    action: FIX_SPEC,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-storage-not-implemented': {
    summary: 'OVHcloud does not implement this storage request, e.g. several disk groups (501).',
    action: 'Keep one storage entry with one hardwareRaid entry at most, and commit the spec.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-bad-request': {
    summary: 'OVHcloud refused the request with a 4xx answer ovh-fleet does not recognise.',
    action: 'Read the message; if the spec is at fault correct it, otherwise report the message.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-not-found': {
    summary: 'The object does not exist at OVHcloud (server not in the account, template, task).',
    action: 'Check the serviceName or name in the message against the account.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-service-expired': {
    summary: 'The OVHcloud service has expired (HTTP 460).',
    action: 'Renew the service in the OVHcloud manager or remove its spec.',
    exitCode: 1,
    next: 'operator',
  },
  'api-rate-limited': {
    summary: 'OVHcloud answered 429 Too Many Requests.',
    action: 'Nothing: ovh-fleet backs off. If it persists, lower api.requestsPerMinute in fleet.yaml.',
    exitCode: 1,
    next: 'retry',
  },
  'api-unavailable': {
    summary: 'OVHcloud answered with a server error (5xx).',
    action: 'Nothing: reads are retried with backoff; a reinstall is checked against the task list first.',
    exitCode: 1,
    next: 'retry',
  },
  'api-network': {
    summary: 'The connection to the OVHcloud API failed (refused, reset, dropped, DNS).',
    action: 'Check the network path to the endpoint; ovh-fleet retries reads with backoff.',
    exitCode: 1,
    next: 'retry',
  },
  'api-timeout': {
    summary: 'The OVHcloud API did not answer in time.',
    action: 'Nothing: reads are retried; a reinstall is checked against the task list before any new post.',
    exitCode: 1,
    next: 'retry',
  },
  'api-unparseable-answer': {
    summary: 'The OVHcloud API answered with a body that is not JSON (e.g. an HTML error page).',
    action: 'Nothing: treated like a server error and retried for reads.',
    exitCode: 1,
    next: 'retry',
  },
  'api-malformed-answer': {
    summary: 'An OVHcloud answer does not have the documented shape.',
    action: 'Report the message (it names the field): the API changed or ovh-fleet has a bug.',
    exitCode: 1,
    next: 'retry',
  },
  'api-time-unavailable': {
    summary: 'The official client could not read the API time (GET /auth/time) needed to sign requests.',
    action: 'Check the network path to the endpoint; nothing was sent to OVHcloud.',
    exitCode: 1,
    next: 'retry',
  },
  'api-tls-untrusted': {
    summary: 'The certificate of the API endpoint is not trusted or does not match its name.',
    action:
      'For a simulator or proxy set OVH_CA_FILE to its CA certificate (PEM); otherwise check OVH_ENDPOINT.',
    exitCode: 1,
    next: 'operator',
  },
  'api-aborted': {
    summary: 'The request was cancelled (shutdown or caller deadline).',
    action: 'Nothing: the operation resumes on the next cycle.',
    exitCode: 1,
    next: 'retry',
  },
  'api-unsafe-path': {
    summary: 'The request path contains "/auth", which the official client would send unsigned.',
    action:
      'Report it: a serviceName or template name starting with "auth" cannot be used through the official client.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'api-auth-invalid-signature': {
    summary: 'OVHcloud refused the request signature (INVALID_SIGNATURE).',
    action: 'Check OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY belong together.',
    exitCode: 1,
    next: 'operator',
  },
  'api-auth-invalid-credential': {
    summary: 'The consumer key is not valid (INVALID_CREDENTIAL), e.g. expired or revoked.',
    action: 'Create a new consumer key and set OVH_CONSUMER_KEY.',
    exitCode: 1,
    next: 'operator',
  },
  'api-auth-not-credential': {
    summary: 'The consumer key does not exist (NOT_CREDENTIAL).',
    action: 'Set OVH_CONSUMER_KEY to a key created for OVH_APPLICATION_KEY.',
    exitCode: 1,
    next: 'operator',
  },
  'api-auth-invalid-key': {
    summary: 'The application key is not valid (INVALID_KEY).',
    action: 'Check OVH_APPLICATION_KEY and OVH_ENDPOINT (keys are per endpoint).',
    exitCode: 1,
    next: 'operator',
  },
  'api-auth-not-granted': {
    summary: 'The credential is not allowed to make this call (NOT_GRANTED_CALL or an IAM denial).',
    action:
      'Grant the call (e.g. POST /dedicated/server/*/reinstall) to the consumer key or the service account.',
    exitCode: 1,
    next: 'operator',
  },
  'api-auth-timestamp': {
    summary: 'OVHcloud refused the request timestamp even after the client re-read the API time.',
    action: 'Check the host clock (NTP); ovh-fleet already re-synchronised once.',
    exitCode: 1,
    next: 'operator',
  },
  'api-auth-required': {
    summary: 'OVHcloud asked for authentication (401) or refused access (403) without a known reason.',
    action: 'Check the credentials and their rights for this endpoint.',
    exitCode: 1,
    next: 'operator',
  },
  'api-auth-oauth2': {
    summary: 'The OAuth2 token request of the service account failed.',
    action:
      'Check OVH_CLIENT_ID and OVH_CLIENT_SECRET and the endpoint (OAuth2 exists on ovh-eu, ovh-ca, ovh-us only).',
    exitCode: 1,
    next: 'operator',
  },
} as const satisfies CodeTable;
