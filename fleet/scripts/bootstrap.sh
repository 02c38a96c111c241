#!/bin/sh
# Post-installation script of the example fleet: sent base64-encoded as postInstallationScript.
set -eu
apt-get update -q || dnf -q makecache
echo "provisioned by ovh-fleet" > /etc/motd
