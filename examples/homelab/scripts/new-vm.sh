#!/usr/bin/env bash
# Create a VM from the Ubuntu 24.04 cloud image with its own cloud-init snippet.
# usage: new-vm.sh VMID NAME SNIPPET [CORES] [MEMORY_MB]
set -euo pipefail

vmid=$1 name=$2 snippet=$3 cores=${4:-4} memory=${5:-8192}
image=/var/lib/vz/template/iso/noble-server-cloudimg-amd64.img

qm create "$vmid" --name "$name" --cpu host --cores "$cores" --memory "$memory" \
  --net0 virtio,bridge=vmbr0 --scsihw virtio-scsi-pci --agent enabled=1
qm importdisk "$vmid" "$image" local-lvm
qm set "$vmid" --scsi0 "local-lvm:vm-${vmid}-disk-0" --ide2 local-lvm:cloudinit \
  --boot order=scsi0 --serial0 socket --vga serial0 \
  --cicustom "user=local:snippets/${snippet}"
qm resize "$vmid" scsi0 +30G
qm start "$vmid"
