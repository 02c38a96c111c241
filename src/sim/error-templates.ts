/**
 * OVHcloud's error classes and message templates for `POST /dedicated/server/{sn}/reinstall`,
 * copied verbatim from the official OpenAPI (test/fixtures/reference/dedicated-server.openapi3.json,
 * the `examples` of the reinstall responses; origin: ovh/ovhcloud-cli
 * internal/assets/api-schemas/baremetal.json, snapshot 546f3c82). `{{.name}}` placeholders are
 * filled by {@link ovhError}.
 */

/** class => [HTTP status, message template] */
export const REINSTALL_ERRORS = {
  'Client::BadRequest::CustomizationInvalidFormat': [
    400,
    'Invalid customization format for {{.name}} of type {{.type}}: {{.msg}}',
  ],
  'Client::BadRequest::CustomizationName': [
    400,
    "Customization {{.customizationName}} doesn't exist for operating system {{.operatingSystem}}",
  ],
  'Client::BadRequest::CustomizationSizeExceeded': [
    400,
    'Customization is {{.length}} big, which is exceeding limit of {{.limit}}',
  ],
  'Client::BadRequest::DiskGroup': [400, '{{.diskGroupName}} is not installable on server {{.serverName}}'],
  'Client::BadRequest::HardwareRaidInvalidDisksArrays': [
    400,
    'Number of disks ({{.disks}}) must be a multiple of arrays ({{.arrays}})',
  ],
  'Client::BadRequest::HardwareRaidPartitioningDisks': [
    400,
    'Partitioning multiple ({{.disks}}) disks is not possible while setting a hardware raid configuration on the same disk group, because the operating system will only see 1 single (virtual) disk',
  ],
  'Client::BadRequest::HostnameInvalidFormat': [
    400,
    'Invalid hostname {{.label}}; must contain no more than 63 characters, start with a letter, end with a letter or a digit and contain only letters, digits and hyphens, see RFC 1035, section 2.3.1',
  ],
  'Client::BadRequest::HostnameSizeExceeded': [
    400,
    'Hostname provided is {{.length}} length. It shall not be longer than {{.limit}} characters, see RFC 1035, section 2.3.4',
  ],
  'Client::BadRequest::IncompatibleParams': [
    400,
    'Incompatible {{.paramName1}} and {{.paramName2}} parameters',
  ],
  'Client::BadRequest::PartitionDuplicatedAttribute': [
    400,
    '{{.attribute}} value {{.value}} must be unique for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionDuplicatedZpName': [
    400,
    '{{.attribute}} value {{.value}} already exists for another ZFS partition that has a different raid level. Either choose another name for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}} or set the same RAID level for all partitions within zpool {{.value}}',
  ],
  'Client::BadRequest::PartitionForbiddenLvName': [
    400,
    '{{.attribute}} value {{.value}} is forbidden (must be different from {{.forbiddenValues}}) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionForbiddenMountpoint': [
    400,
    '{{.attribute}} value {{.value}} is forbidden (must be different from {{.forbiddenValues}}) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionForbiddenMountpointCanonical': [
    400,
    '{{.attribute}} value {{.value}} must be a canonical path and cannot be a hidden path for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionForbiddenMountpointSuffix': [
    400,
    "{{.attribute}} value {{.value}} cannot end with '/' for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}",
  ],
  'Client::BadRequest::PartitionForbiddenZpName': [
    400,
    '{{.attribute}} value {{.value}} is forbidden (must be different from {{.forbiddenValues}}) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionIncompatibleCustomPartitioning': [
    400,
    "Operating system  {{.operatingSystem}} doesn't support custom partitioning layout in {{.diskGroupName}}",
  ],
  'Client::BadRequest::PartitionIncompatibleFs': [
    400,
    '{{.attribute}} value {{.value}} is not compatible for operating system {{.operatingSystem}} (must be one of {{.expectedValues}}) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionIncompatibleLvm': [
    400,
    '{{.attribute}} value {{.value}} is not compatible for operating system {{.operatingSystem}} for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionIncompatibleParams': [
    400,
    '{{.paramName1}} value {{.paramValue1}} incompatible with {{.paramName2}} value {{.paramValue2}} for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionIncompatibleRaidLevel': [
    400,
    '{{.attribute}} value {{.value}} must be one of {{.expectedValues}} for operating system {{.operatingSystem}} for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionInvalidLvName': [
    400,
    '{{.attribute}} value {{.value}} is invalid (length can be maximum 16 characters and exclusively composed of alphanumeric characters) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionInvalidUnixMountpoint': [
    400,
    '{{.attribute}} value {{.value}} is invalid (Unix-style mountpoint: length cannot exceed 256 characters; only alphanumeric characters, slashes, dots, underscores and hyphens are allowed) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionInvalidUnixMountpointPrefix': [
    400,
    "{{.attribute}} value {{.value}} is invalid (Unix-style mountpoint: must start with a '/') for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}",
  ],
  'Client::BadRequest::PartitionInvalidWindowsMountpointLength': [
    400,
    '{{.attribute}} value {{.value}} is invalid (Windows-style mountpoint: must contain at most 5 lowercase letters) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionInvalidWindowsMountpointRoot': [
    400,
    '{{.attribute}} value {{.value}} is invalid (Windows-style mountpoint: first mountpoint must be c:) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionInvalidZpName': [
    400,
    '{{.attribute}} value {{.value}} is invalid (if specified, zpool name must begin with a letter, be exclusively composed of alphanumeric characters, underscores, colons or dots, and its length can be maximum 239 characters) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionLength': [
    400,
    'Number of partitions defined in the layout is incorrect ({{.partitionsNumber}}): must be between {{.lengthMin}} and {{.lengthMax}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionMinSize': [
    400,
    '{{.attribute}} value {{.value}} MiB must be bigger than {{.min}} for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionMissingRootMountpoint': [
    400,
    '{{.attribute}} {{.value}} missing for operating system {{.operatingSystem}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PartitionRaidLevel': [
    400,
    '{{.attribute}} value {{.value}} must be one of {{.expectedValues}} for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  ],
  'Client::BadRequest::PropertyName': [400, '{{.propertyName}} is not a valid property name'],
  'Client::BadRequest::TaskAlreadyExists': [
    400,
    'Task {{.taskId}} of type {{.taskFunction}} with status {{.taskStatus}} is already running on server {{.serverName}}',
  ],
  'Client::Forbidden::BadAccess': [403, 'An internal error has occurred due to a wrong configuration'],
  'Client::Forbidden::OperatingSystemLicenseMissing': [
    403,
    'Operating system {{.operatingSystem}} requires a license on server {{.serverName}}',
  ],
  'Client::Forbidden::RetrieveAccess': [403, 'An internal error has occurred due to a wrong configuration'],
  'Client::NotFound::DiskGroup': [404, '{{.diskGroupName}} could not be found on server {{.serverName}}'],
  'Client::NotFound::OperatingSystem': [404, 'Operating system {{.operatingSystem}} could not be found'],
  'Client::NotFound::SchemeName': [
    404,
    'Partition scheme {{.schemeName}} not found for operating system {{.operatingSystem}}',
  ],
  'Client::Conflict::DisturbAlreadyExists': [
    409,
    'Server resource {{.serverName}} is already locked by another process, blocking any new OS reinstallation',
  ],
  'Client::Conflict::HardwareRaidIncompatibleOnController': [
    409,
    'Hardware RAID is not supported by controller of type {{.controllerType}} on {{.diskGroupName}} on server {{.serverName}}',
  ],
  'Client::Conflict::HardwareRaidIncompatibleOnDiskGroup': [
    409,
    'Hardware RAID is not supported by {{.diskGroupName}} on server {{.serverName}}',
  ],
  'Client::Conflict::HardwareRaidIncompatibleOnServer': [
    409,
    'Hardware RAID is not supported by server {{.serverName}}',
  ],
  'Client::Conflict::HardwareRaidTooManyDisks': [
    409,
    'Hardware RAID involving more disks ({{.disksNumber}}) than the {{.diskgroupName}} has ({{.maxDisksNumber}}) is not possible on server {{.serverName}}',
  ],
  'Client::Conflict::OperatingSystemIncompatible': [
    409,
    'Operating system {{.operatingSystem}} is not compatible for server {{.serverName}}',
  ],
  'Client::Conflict::PartitioningTooManyDisks': [
    409,
    'Partitioning involving more disks ({{.disksNumber}}) than the {{.diskgroupName}} has ({{.maxDisksNumber}}) is not possible on server {{.serverName}}',
  ],
  'Client::Conflict::PartitioningTooManyDisksOperatingSystem': [
    409,
    'Partitioning involving more disks ({{.disksNumber}}) than the operating system {{.operatingSystem}} supports ({{.maxDisksNumber}}) is not possible',
  ],
  'Server::InternalServerError::DefaultDiskGroup': [
    500,
    'Error while getting default installable disk group on server {{.serverName}}',
  ],
  'Server::InternalServerError::DisturbCreate': [
    500,
    'An error has occurred while locking server resource {{.serverName}} for OS reinstallation process',
  ],
  'Server::InternalServerError::DisturbLink': [
    500,
    'An error has occurred while locking server resource {{.serverName}} for OS reinstallation task {{.taskId}}',
  ],
  'Server::InternalServerError::HardwareProfile': [
    500,
    'An error has occurred while retrieving details for server {{.serverName}}',
  ],
  'Server::InternalServerError::HardwareRaidRetrieve': [
    500,
    'Error while retrieving hardware RAID configuration for {{.diskGroupName}}',
  ],
  'Server::InternalServerError::OperatingSystemCompatibilityRetrieve': [
    500,
    'Error while retrieving compatibility details for operating system {{.operatingSystem}} on server {{.serverName}}',
  ],
  'Server::InternalServerError::OperatingSystemRetrieve': [
    500,
    'Error while retrieving details for operating system {{.operatingSystem}}',
  ],
  'Server::InternalServerError::PartitionRetrieve': [
    500,
    'An error has occurred while retrieving partitions for operating system {{.operatingSystem}}',
  ],
  'Server::InternalServerError::TaskCreate': [
    500,
    'An error has occurred while creating installation task on server {{.serverName}}',
  ],
  'Server::InternalServerError::TaskDateRetrieve': [
    500,
    'Error while converting {{.date}} to {{.format}} format',
  ],
  'Server::InternalServerError::TaskRetrieve': [500, 'Error while retrieving task {{.taskId}}'],
  'Server::NotImplemented::DiskGroupMultipleConfigs': [
    501,
    'Multiple ({{.diskgroupsNumber}}) disk groups customization not implemented',
  ],
  'Server::NotImplemented::HardwareRaidMultipleConfigs': [
    501,
    'Multiple ({{.hwRaidConfigsNumber}}) hardware RAID configurations not implemented',
  ],
} as const satisfies Record<string, readonly [number, string]>;

/** One of the error classes above. */
export type ReinstallErrorClass = keyof typeof REINSTALL_ERRORS;

/** An error answer of the simulated API: HTTP status and JSON body. */
export class SimHttpError extends Error {
  override readonly name = 'SimHttpError';
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(typeof body['message'] === 'string' ? body['message'] : `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** Fills `{{.name}}` placeholders; unknown placeholders stay as they are. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\.(\w+)\}\}/g, (whole, key: string) =>
    Object.hasOwn(values, key) ? String(values[key]) : whole,
  );
}

/** The error OVHcloud answers for `errorClass`, with its template filled from `values`. */
export function ovhError(
  errorClass: ReinstallErrorClass,
  values: Record<string, string | number>,
): SimHttpError {
  const [status, template] = REINSTALL_ERRORS[errorClass];
  return new SimHttpError(status, { class: errorClass, message: fillTemplate(template, values) });
}

/** A `{class, message}` error with a class that is not in the reinstall table. */
export function classError(status: number, errorClass: string, message: string): SimHttpError {
  return new SimHttpError(status, { class: errorClass, message });
}
