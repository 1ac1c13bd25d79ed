/* SPDX-License-Identifier: MIT */
/*
 * The disks the launcher attaches (--disk) and where the SVSM finds them.
 * On q35 the SVSM enumerates PCI itself (docs/virtio.md). On microvm
 * nothing tells a guest started with -bios where the virtio-mmio devices
 * are, so the launcher pins each disk to a transport of its choosing
 * (bus=virtio-mmio-bus.N, N from 0) and names those slots on the SVSM's
 * command line (virtio_mmio=...): the SVSM is told exactly where its
 * devices are, as a production host tells VMPL0 about its private slots.
 */
#include <stdio.h>
#include <string.h>

#include "launch.h"

int disk_parse(const char *spec, struct launch_disk *d, char *err,
	       size_t errlen)
{
	const char *comma = strchr(spec, ',');
	size_t plen = comma ? (size_t)(comma - spec) : strlen(spec);

	memset(d, 0, sizeof(*d));
	if (plen == 0) {
		snprintf(err, errlen, "--disk needs a file name");
		return -1;
	}
	d->path = spec;
	while (comma) {
		const char *word = comma + 1;
		size_t len;

		comma = strchr(word, ',');
		len = comma ? (size_t)(comma - word) : strlen(word);
		if (len == 2 && strncmp(word, "ro", 2) == 0) {
			d->read_only = true;
		} else if (len == 14 &&
			   strncmp(word, "iommu_platform", 14) == 0) {
			d->iommu_platform = true;
		} else {
			snprintf(err, errlen,
				 "--disk: unknown flag '%.*s' (ro, "
				 "iommu_platform; a file name cannot contain "
				 "a comma)",
				 (int)len, word);
			return -1;
		}
	}
	return 0;
}

uint64_t microvm_mmio_slot(unsigned int index)
{
	return MICROVM_MMIO_BASE + MICROVM_MMIO_SLOT * index;
}

int microvm_slots_word(unsigned int count, char *out, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return -1;
	out[0] = '\0';
	for (unsigned int i = 0; i < count; i++) {
		int n = snprintf(out + used, len - used, "%s0x%llx",
				 i ? "," : "virtio_mmio=",
				 (unsigned long long)microvm_mmio_slot(i));

		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

/* The file name up to its first comma, each comma of it doubled. */
static int quoted_path(const struct launch_disk *d, char *out, size_t len)
{
	const char *end = strchr(d->path, ',');
	size_t plen = end ? (size_t)(end - d->path) : strlen(d->path);
	size_t o = 0;

	for (size_t i = 0; i < plen; i++) {
		if (o + 3 > len)
			return -1;
		out[o++] = d->path[i];
		if (d->path[i] == ',')
			out[o++] = ',';
	}
	if (o + 1 > len)
		return -1;
	out[o] = '\0';
	return 0;
}

int disk_qemu_args(const struct launch_disk *d, unsigned int index,
		   enum machine_kind kind, char *drive, size_t drive_len,
		   char *device, size_t device_len)
{
	char path[4096];
	int n;

	if (quoted_path(d, path, sizeof(path)))
		return -1;
	n = snprintf(drive, drive_len,
		     "file=%s,if=none,id=csvsm-disk%u,format=raw%s", path,
		     index, d->read_only ? ",readonly=on" : "");
	if (n < 0 || (size_t)n >= drive_len)
		return -1;
	if (kind == MACHINE_MICROVM)
		n = snprintf(device, device_len,
			     "virtio-blk-device,drive=csvsm-disk%u,"
			     "bus=virtio-mmio-bus.%u%s",
			     index, index,
			     d->iommu_platform ? ",iommu_platform=on" : "");
	else
		n = snprintf(device, device_len,
			     "virtio-blk-pci,disable-legacy=on,"
			     "drive=csvsm-disk%u%s",
			     index,
			     d->iommu_platform ? ",iommu_platform=on" : "");
	return n < 0 || (size_t)n >= device_len ? -1 : 0;
}
