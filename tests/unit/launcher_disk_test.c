/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of the launcher's machine choice and disks
 * (tools/csvsm-run: machine_init for microvm, disk.c): the microvm memory
 * map, --disk parsing and its refusals, the QEMU -drive/-device values on
 * both machines (microvm disks pinned to transports from the bottom) and
 * the virtio_mmio= word that tells the SVSM where those transports are.
 */
#include <string.h>

#include "launch.h"
#include "test.h"

#define MB (1ull << 20)
#define GB (1ull << 30)

TEST(launcher_disk, microvm_memory_map)
{
	struct machine m;

	/* microvm_memory_init(): below 4 GiB up to 3 GiB, then above. */
	machine_init(&m, MACHINE_MICROVM, 256 * MB, 1);
	EXPECT_EQ(m.kind, MACHINE_MICROVM);
	ASSERT_EQ(m.ram_count, 2);
	EXPECT_EQ(m.ram[0].size, 0xa0000);
	EXPECT_EQ(m.ram[1].base, MB);
	EXPECT_EQ(m.ram[1].size, 255 * MB);
	/* q35 would switch to 2 GiB low memory here; microvm does not. */
	machine_init(&m, MACHINE_MICROVM, 0xb0000000ull, 1);
	ASSERT_EQ(m.ram_count, 2);
	EXPECT_EQ(m.ram[1].size, 0xb0000000ull - MB);
	machine_init(&m, MACHINE_MICROVM, 4 * GB, 1);
	ASSERT_EQ(m.ram_count, 3);
	EXPECT_EQ(m.ram[1].size, 3 * GB - MB);
	EXPECT_EQ(m.ram[2].base, 4 * GB);
	EXPECT_EQ(m.ram[2].size, GB);
	EXPECT_FALSE(machine_is_ram(&m, 3 * GB, 4096));
}

TEST(launcher_disk, parse_flags)
{
	struct launch_disk d;
	char err[256];

	ASSERT_EQ(disk_parse("a.img", &d, err, sizeof(err)), 0);
	EXPECT_TRUE(strcmp(d.path, "a.img") == 0);
	EXPECT_FALSE(d.read_only);
	EXPECT_FALSE(d.iommu_platform);
	ASSERT_EQ(disk_parse("b.img,ro", &d, err, sizeof(err)), 0);
	EXPECT_TRUE(d.read_only);
	EXPECT_FALSE(d.iommu_platform);
	ASSERT_EQ(disk_parse("c.img,iommu_platform,ro", &d, err, sizeof(err)),
		  0);
	EXPECT_TRUE(d.read_only);
	EXPECT_TRUE(d.iommu_platform);
}

TEST(launcher_disk, parse_refusals)
{
	struct launch_disk d;
	char err[256];

	EXPECT_EQ(disk_parse("", &d, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "file name") != NULL);
	EXPECT_EQ(disk_parse(",ro", &d, err, sizeof(err)), -1);
	EXPECT_EQ(disk_parse("a.img,rw", &d, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "unknown flag 'rw'") != NULL);
	EXPECT_EQ(disk_parse("a.img,", &d, err, sizeof(err)), -1);
	EXPECT_EQ(disk_parse("a.img,ro,", &d, err, sizeof(err)), -1);
	EXPECT_EQ(disk_parse("a.img,rox", &d, err, sizeof(err)), -1);
}

TEST(launcher_disk, qemu_arguments_on_both_machines)
{
	struct launch_disk d;
	char drive[256];
	char device[256];
	char err[256];

	ASSERT_EQ(disk_parse("/x/rw.img,iommu_platform", &d, err, sizeof(err)),
		  0);
	ASSERT_EQ(disk_qemu_args(&d, 0, MACHINE_Q35, drive, sizeof(drive),
				 device, sizeof(device)),
		  0);
	EXPECT_TRUE(strcmp(drive, "file=/x/rw.img,if=none,id=csvsm-disk0,"
				  "format=raw") == 0);
	EXPECT_TRUE(strcmp(device, "virtio-blk-pci,disable-legacy=on,"
				   "drive=csvsm-disk0,iommu_platform=on") == 0);
	ASSERT_EQ(disk_parse("/x/ro.img,ro", &d, err, sizeof(err)), 0);
	ASSERT_EQ(disk_qemu_args(&d, 2, MACHINE_MICROVM, drive, sizeof(drive),
				 device, sizeof(device)),
		  0);
	EXPECT_TRUE(strcmp(drive, "file=/x/ro.img,if=none,id=csvsm-disk2,"
				  "format=raw,readonly=on") == 0);
	EXPECT_TRUE(strcmp(device, "virtio-blk-device,drive=csvsm-disk2,"
				   "bus=virtio-mmio-bus.2") == 0);
	/* No room: refused, not cut short. */
	EXPECT_EQ(disk_qemu_args(&d, 2, MACHINE_MICROVM, drive, 20, device,
				 sizeof(device)),
		  -1);
	EXPECT_EQ(disk_qemu_args(&d, 2, MACHINE_MICROVM, drive, sizeof(drive),
				 device, 30),
		  -1);
}

TEST(launcher_disk, microvm_slots_word_names_the_pinned_transports)
{
	char w[128];

	/* virtio-mmio-bus.N is the transport at 0xfeb00000 + N * 0x200. */
	EXPECT_EQ(microvm_mmio_slot(0), 0xfeb00000ull);
	EXPECT_EQ(microvm_mmio_slot(7), 0xfeb00e00ull);
	ASSERT_EQ(microvm_slots_word(0, w, sizeof(w)), 0);
	EXPECT_TRUE(strcmp(w, "") == 0);
	ASSERT_EQ(microvm_slots_word(1, w, sizeof(w)), 0);
	EXPECT_TRUE(strcmp(w, "virtio_mmio=0xfeb00000") == 0);
	ASSERT_EQ(microvm_slots_word(4, w, sizeof(w)), 0);
	EXPECT_TRUE(strcmp(w, "virtio_mmio=0xfeb00000,0xfeb00200,0xfeb00400,"
			      "0xfeb00600") == 0);
	EXPECT_EQ(microvm_slots_word(4, w, 30), -1);
	EXPECT_EQ(microvm_slots_word(1, w, 0), -1);
}
