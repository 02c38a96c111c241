/**
 * The error table of `POST /dedicated/server/{serviceName}/reinstall`: every OVHcloud error class with
 * its HTTP status and message template, copied verbatim from the official OpenAPI
 * (ovh/ovhcloud-cli internal/assets/api-schemas/baremetal.json, snapshot 546f3c82, kept as
 * test/fixtures/reference/dedicated-server.openapi3.json; a test keeps the two equal). The official
 * client drops the `class` field of error bodies, so classify.ts recognises a class by status and
 * message, with each `{{.name}}` placeholder read as a wildcard.
 */

/** One documented error of the reinstall call. */
export interface ErrorTemplate {
  status: number;
  /** OVHcloud error class, e.g. `Client::BadRequest::TaskAlreadyExists`. */
  ovhClass: string;
  /** Message template with `{{.name}}` placeholders. */
  message: string;
}

export const REINSTALL_ERROR_TEMPLATES: readonly ErrorTemplate[] = [
  {
    status: 400,
    ovhClass: 'Client::BadRequest::CustomizationInvalidFormat',
    message: 'Invalid customization format for {{.name}} of type {{.type}}: {{.msg}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::CustomizationName',
    message: "Customization {{.customizationName}} doesn't exist for operating system {{.operatingSystem}}",
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::CustomizationSizeExceeded',
    message: 'Customization is {{.length}} big, which is exceeding limit of {{.limit}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::DiskGroup',
    message: '{{.diskGroupName}} is not installable on server {{.serverName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::HardwareRaidInvalidDisksArrays',
    message: 'Number of disks ({{.disks}}) must be a multiple of arrays ({{.arrays}})',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::HardwareRaidPartitioningDisks',
    message:
      'Partitioning multiple ({{.disks}}) disks is not possible while setting a hardware raid configuration on the same disk group, because the operating system will only see 1 single (virtual) disk',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::HostnameInvalidFormat',
    message:
      'Invalid hostname {{.label}}; must contain no more than 63 characters, start with a letter, end with a letter or a digit and contain only letters, digits and hyphens, see RFC 1035, section 2.3.1',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::HostnameSizeExceeded',
    message:
      'Hostname provided is {{.length}} length. It shall not be longer than {{.limit}} characters, see RFC 1035, section 2.3.4',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::IncompatibleParams',
    message: 'Incompatible {{.paramName1}} and {{.paramName2}} parameters',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionDuplicatedAttribute',
    message:
      '{{.attribute}} value {{.value}} must be unique for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionDuplicatedZpName',
    message:
      '{{.attribute}} value {{.value}} already exists for another ZFS partition that has a different raid level. Either choose another name for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}} or set the same RAID level for all partitions within zpool {{.value}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionForbiddenLvName',
    message:
      '{{.attribute}} value {{.value}} is forbidden (must be different from {{.forbiddenValues}}) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionForbiddenMountpoint',
    message:
      '{{.attribute}} value {{.value}} is forbidden (must be different from {{.forbiddenValues}}) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionForbiddenMountpointCanonical',
    message:
      '{{.attribute}} value {{.value}} must be a canonical path and cannot be a hidden path for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionForbiddenMountpointSuffix',
    message:
      "{{.attribute}} value {{.value}} cannot end with '/' for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}",
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionForbiddenZpName',
    message:
      '{{.attribute}} value {{.value}} is forbidden (must be different from {{.forbiddenValues}}) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionIncompatibleCustomPartitioning',
    message:
      "Operating system  {{.operatingSystem}} doesn't support custom partitioning layout in {{.diskGroupName}}",
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionIncompatibleFs',
    message:
      '{{.attribute}} value {{.value}} is not compatible for operating system {{.operatingSystem}} (must be one of {{.expectedValues}}) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionIncompatibleLvm',
    message:
      '{{.attribute}} value {{.value}} is not compatible for operating system {{.operatingSystem}} for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionIncompatibleParams',
    message:
      '{{.paramName1}} value {{.paramValue1}} incompatible with {{.paramName2}} value {{.paramValue2}} for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionIncompatibleRaidLevel',
    message:
      '{{.attribute}} value {{.value}} must be one of {{.expectedValues}} for operating system {{.operatingSystem}} for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionInvalidLvName',
    message:
      '{{.attribute}} value {{.value}} is invalid (length can be maximum 16 characters and exclusively composed of alphanumeric characters) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionInvalidUnixMountpoint',
    message:
      '{{.attribute}} value {{.value}} is invalid (Unix-style mountpoint: length cannot exceed 256 characters; only alphanumeric characters, slashes, dots, underscores and hyphens are allowed) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionInvalidUnixMountpointPrefix',
    message:
      "{{.attribute}} value {{.value}} is invalid (Unix-style mountpoint: must start with a '/') for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}",
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionInvalidWindowsMountpointLength',
    message:
      '{{.attribute}} value {{.value}} is invalid (Windows-style mountpoint: must contain at most 5 lowercase letters) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionInvalidWindowsMountpointRoot',
    message:
      '{{.attribute}} value {{.value}} is invalid (Windows-style mountpoint: first mountpoint must be c:) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionInvalidZpName',
    message:
      '{{.attribute}} value {{.value}} is invalid (if specified, zpool name must begin with a letter, be exclusively composed of alphanumeric characters, underscores, colons or dots, and its length can be maximum 239 characters) for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionLength',
    message:
      'Number of partitions defined in the layout is incorrect ({{.partitionsNumber}}): must be between {{.lengthMin}} and {{.lengthMax}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionMinSize',
    message:
      '{{.attribute}} value {{.value}} MiB must be bigger than {{.min}} for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionMissingRootMountpoint',
    message:
      '{{.attribute}} {{.value}} missing for operating system {{.operatingSystem}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PartitionRaidLevel',
    message:
      '{{.attribute}} value {{.value}} must be one of {{.expectedValues}} for partition {{.partitionName}} at position {{.partitionStep}} in {{.diskGroupName}}',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::PropertyName',
    message: '{{.propertyName}} is not a valid property name',
  },
  {
    status: 400,
    ovhClass: 'Client::BadRequest::TaskAlreadyExists',
    message:
      'Task {{.taskId}} of type {{.taskFunction}} with status {{.taskStatus}} is already running on server {{.serverName}}',
  },
  {
    status: 403,
    ovhClass: 'Client::Forbidden::BadAccess',
    message: 'An internal error has occurred due to a wrong configuration',
  },
  {
    status: 403,
    ovhClass: 'Client::Forbidden::OperatingSystemLicenseMissing',
    message: 'Operating system {{.operatingSystem}} requires a license on server {{.serverName}}',
  },
  {
    status: 403,
    ovhClass: 'Client::Forbidden::RetrieveAccess',
    message: 'An internal error has occurred due to a wrong configuration',
  },
  {
    status: 404,
    ovhClass: 'Client::NotFound::DiskGroup',
    message: '{{.diskGroupName}} could not be found on server {{.serverName}}',
  },
  {
    status: 404,
    ovhClass: 'Client::NotFound::OperatingSystem',
    message: 'Operating system {{.operatingSystem}} could not be found',
  },
  {
    status: 404,
    ovhClass: 'Client::NotFound::SchemeName',
    message: 'Partition scheme {{.schemeName}} not found for operating system {{.operatingSystem}}',
  },
  {
    status: 409,
    ovhClass: 'Client::Conflict::DisturbAlreadyExists',
    message:
      'Server resource {{.serverName}} is already locked by another process, blocking any new OS reinstallation',
  },
  {
    status: 409,
    ovhClass: 'Client::Conflict::HardwareRaidIncompatibleOnController',
    message:
      'Hardware RAID is not supported by controller of type {{.controllerType}} on {{.diskGroupName}} on server {{.serverName}}',
  },
  {
    status: 409,
    ovhClass: 'Client::Conflict::HardwareRaidIncompatibleOnDiskGroup',
    message: 'Hardware RAID is not supported by {{.diskGroupName}} on server {{.serverName}}',
  },
  {
    status: 409,
    ovhClass: 'Client::Conflict::HardwareRaidIncompatibleOnServer',
    message: 'Hardware RAID is not supported by server {{.serverName}}',
  },
  {
    status: 409,
    ovhClass: 'Client::Conflict::HardwareRaidTooManyDisks',
    message:
      'Hardware RAID involving more disks ({{.disksNumber}}) than the {{.diskgroupName}} has ({{.maxDisksNumber}}) is not possible on server {{.serverName}}',
  },
  {
    status: 409,
    ovhClass: 'Client::Conflict::OperatingSystemIncompatible',
    message: 'Operating system {{.operatingSystem}} is not compatible for server {{.serverName}}',
  },
  {
    status: 409,
    ovhClass: 'Client::Conflict::PartitioningTooManyDisks',
    message:
      'Partitioning involving more disks ({{.disksNumber}}) than the {{.diskgroupName}} has ({{.maxDisksNumber}}) is not possible on server {{.serverName}}',
  },
  {
    status: 409,
    ovhClass: 'Client::Conflict::PartitioningTooManyDisksOperatingSystem',
    message:
      'Partitioning involving more disks ({{.disksNumber}}) than the operating system {{.operatingSystem}} supports ({{.maxDisksNumber}}) is not possible',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::DefaultDiskGroup',
    message: 'Error while getting default installable disk group on server {{.serverName}}',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::DisturbCreate',
    message:
      'An error has occurred while locking server resource {{.serverName}} for OS reinstallation process',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::DisturbLink',
    message:
      'An error has occurred while locking server resource {{.serverName}} for OS reinstallation task {{.taskId}}',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::HardwareProfile',
    message: 'An error has occurred while retrieving details for server {{.serverName}}',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::HardwareRaidRetrieve',
    message: 'Error while retrieving hardware RAID configuration for {{.diskGroupName}}',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::OperatingSystemCompatibilityRetrieve',
    message:
      'Error while retrieving compatibility details for operating system {{.operatingSystem}} on server {{.serverName}}',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::OperatingSystemRetrieve',
    message: 'Error while retrieving details for operating system {{.operatingSystem}}',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::PartitionRetrieve',
    message: 'An error has occurred while retrieving partitions for operating system {{.operatingSystem}}',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::TaskCreate',
    message: 'An error has occurred while creating installation task on server {{.serverName}}',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::TaskDateRetrieve',
    message: 'Error while converting {{.date}} to {{.format}} format',
  },
  {
    status: 500,
    ovhClass: 'Server::InternalServerError::TaskRetrieve',
    message: 'Error while retrieving task {{.taskId}}',
  },
  {
    status: 501,
    ovhClass: 'Server::NotImplemented::DiskGroupMultipleConfigs',
    message: 'Multiple ({{.diskgroupsNumber}}) disk groups customization not implemented',
  },
  {
    status: 501,
    ovhClass: 'Server::NotImplemented::HardwareRaidMultipleConfigs',
    message: 'Multiple ({{.hwRaidConfigsNumber}}) hardware RAID configurations not implemented',
  },
];
