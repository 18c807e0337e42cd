#!/usr/bin/env bash
# Start the NAS data pool over on fresh disks.
set -euo pipefail

zpool destroy tank
wipefs -a /dev/sdb
wipefs -a /dev/sdc
zpool create -o ashift=12 -O compression=lz4 tank mirror /dev/sdb /dev/sdc
zfs create tank/k8s
