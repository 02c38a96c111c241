# Post-installation script of the example Windows server (postInstallationScriptExtension: ps1).
Set-TimeZone -Id "Romance Standard Time"
New-Item -Path C:\ovh-fleet -ItemType Directory -Force | Out-Null
