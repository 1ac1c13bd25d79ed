/* SPDX-License-Identifier: MIT */
/*
 * The launcher's model of the VM it starts: the machine (memory, vCPUs)
 * and the guest-physical contents the IGVM file asks for.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "igvm.h"

struct ram_range {
	uint64_t base;
	uint64_t size;
};

/* The QEMU machine types the launcher starts (--machine). */
enum machine_kind {
	MACHINE_Q35,	 /* -M q35: PCI; disks on virtio-pci */
	MACHINE_MICROVM, /* -M microvm,acpi=off: disks on virtio-mmio */
};

/* What stock QEMU's machine gives a guest with `mem_size` of RAM. */
struct machine {
	enum machine_kind kind;
	uint64_t mem_size;
	uint32_t vcpus;
	unsigned int ram_count;
	struct ram_range ram[3];
};

/* A run of guest-physical bytes to load before the VM starts. */
struct blob {
	uint64_t gpa;
	size_t size;
	uint8_t *data;
};

struct load_plan {
	struct blob *blobs;
	size_t blob_count;
	uint8_t stub[65536];
	char err[512];
};

/*
 * Fills in the machine's RAM ranges for mem_size (QEMU 7.2,
 * hw/i386/pc_q35.c and hw/i386/microvm.c).
 */
void machine_init(struct machine *m, enum machine_kind kind, uint64_t mem_size,
		  uint32_t vcpus);
bool machine_is_ram(const struct machine *m, uint64_t gpa, uint64_t size);

/*
 * Walks the native-platform directives of `f` and produces what to load:
 * page data and inserted parameter areas (memory map, vCPU count and
 * command line filled for `m`) as blobs, and the reset stub patched with the
 * boot VP context. -1 with a message in plan->err for anything the launcher
 * cannot honour.
 */
int plan_build(const struct igvm_file *f, const struct machine *m,
	       const char *cmdline, struct load_plan *plan);
void plan_free(struct load_plan *plan);

/*
 * Disks (--disk FILE[,ro][,iommu_platform], disk.c): raw image files
 * attached as virtio-blk, on q35 as modern-only virtio-blk-pci functions,
 * on microvm as virtio-blk-device pinned to the virtio-mmio transports
 * from the bottom (transport N at MICROVM_MMIO_BASE + N * 0x200; QEMU
 * fills unpinned devices from the top). The SVSM attaches at most four
 * block devices and four virtio-mmio slots.
 */
#define LAUNCH_MAX_DISKS   4
#define MICROVM_MMIO_BASE  0xfeb00000ull
#define MICROVM_MMIO_SLOT  0x200ull
#define MICROVM_MMIO_SLOTS 8u /* with acpi=off (hw/i386/microvm.c) */
#define LAUNCH_MAX_MMIO	   4u /* the SVSM's VIRTIO_MMIO_MAX_SLOTS */

struct launch_disk {
	const char *path;
	bool read_only;	     /* ",ro": QEMU's readonly=on */
	bool iommu_platform; /* ",iommu_platform": offers ACCESS_PLATFORM */
};

/* Parses one --disk value; -1 with a message in err. */
int disk_parse(const char *spec, struct launch_disk *d, char *err,
	       size_t errlen);
/* The guest-physical base of microvm's virtio-mmio transport `index`. */
uint64_t microvm_mmio_slot(unsigned int index);
/*
 * The SVSM command-line word naming the virtio-mmio slots of `count`
 * devices placed on transports 0..count-1 ("virtio_mmio=0xfeb00000,...");
 * the empty string for none. -1 when it does not fit in len.
 */
int microvm_slots_word(unsigned int count, char *out, size_t len);
/*
 * QEMU's -drive and -device values for disk `index` on machine `kind`,
 * with the file name's commas doubled (QEMU's option syntax). -1 when a
 * value does not fit.
 */
int disk_qemu_args(const struct launch_disk *d, unsigned int index,
		   enum machine_kind kind, char *drive, size_t drive_len,
		   char *device, size_t device_len);

/* Patches the reset stub from a native VP context (vpctx.c). */
int vpctx_to_stub(const uint8_t *ctx, size_t len, const struct igvm_file *f,
		  uint8_t *stub, char *err, size_t errlen);

/* Reads guest-physical bytes from the file's native PAGE_DATA; -1 if absent. */
int plan_read_gpa(const struct igvm_file *f, uint64_t gpa, void *buf,
		  size_t len);

/*
 * Process control (qemu.c). The signals that end the launcher (SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT, unless started ignored): main() blocks them
 * first, so none can end it before QEMU and the folder are cleaned up.
 */
void launch_ending_signals(sigset_t *set);
/* 128 + the signal if one of them is pending (it is taken), else 0. */
int launch_pending_end(void);
/*
 * Runs QEMU with argv and waits for it, the timeout or an ending signal.
 * Returns the launcher's exit status (see main.c).
 */
int launch_run_qemu(char **argv, unsigned int timeout, bool gdb);

/*
 * csvsm-run --snp (snp.c). Exit statuses for a host that cannot launch an
 * SEV-SNP guest, one per missing piece.
 */
#define LAUNCH_EXIT_NO_KVM_SNP	  4 /* /dev/kvm, kvm_amd sev_snp */
#define LAUNCH_EXIT_NO_SEV_DEVICE 5 /* /dev/sev */
#define LAUNCH_EXIT_QEMU_NO_IGVM  6 /* QEMU without igvm-cfg */
#define LAUNCH_EXIT_QEMU_NO_SNP	  7 /* QEMU without sev-snp-guest */

/*
 * Checks KVM, /dev/sev and the QEMU binary in that order: 0, or the first
 * missing piece's exit status with one line in msg.
 */
int snp_check_host(const char *qemu, char *msg, size_t len);
/*
 * The policy of f's SEV-SNP platform (its GUEST_POLICY; *policy is left
 * alone without one). -1 when f has no SEV-SNP platform.
 */
int snp_file_policy(const struct igvm_file *f, uint64_t *policy);
/* The host's C-bit position and physical-address reduction (51, 1). */
void snp_host_cbit(unsigned int *cbitpos, unsigned int *reduced);

/*
 * vsock for the guest (vsock.c). launch_vsock_kind(): VSOCK_VHOST when
 * /dev/vhost-vsock can be opened (QEMU's vhost-vsock-pci: the host side
 * is AF_VSOCK), else VSOCK_USER (csvsm-vsockd and vhost-user-vsock-pci:
 * the host side is Unix sockets under the path given).
 */
enum launch_vsock {
	VSOCK_NONE,
	VSOCK_VHOST,
	VSOCK_USER
};
enum launch_vsock launch_vsock_kind(void);
/*
 * Starts csvsm-vsockd (next to the launcher, or $CSVSM_VSOCKD) with the
 * vhost-user socket `sock` and the Unix-socket prefix `uds`, and waits
 * (at most 5 s) until it listens. Its pid, or -1 with a message.
 */
pid_t launch_start_vsockd(const char *sock, const char *uds);
/*
 * Starts helper `name` (next to the launcher, or $env_name) with `args`
 * (NULL-terminated, at most 6) and PR_SET_PDEATHSIG, and waits up to 5 s
 * until it listens on `sock`: its pid, or -1 (told; the helper ended).
 */
pid_t launch_spawn_listener(const char *name, const char *env_name,
			    const char *const args[], const char *sock)
	__attribute__((nonnull(1, 3, 4)));
/* Waits a little for csvsm-vsockd to end by itself, then kills it. */
void launch_stop_vsockd(pid_t pid);

/*
 * A helper tool: next to this executable, unless the environment variable
 * env_name names one. 0, or -1 when the path does not fit.
 */
int launch_helper_path(const char *name, const char *env_name, char *out,
		       size_t len);
void launch_sleep_ms(long ms);

/*
 * --tpm PORT (tpm.c): starts csvsm-mssim (next to the launcher, or
 * $CSVSM_MSSIM) serving the mssim protocol on 127.0.0.1:PORT and PORT+1
 * for the SVSM's vTPM host bridge, whose UART's character device QEMU
 * connects to `sock`; waits (at most 5 s) until it listens. Its pid, or
 * -1 with a message.
 */
pid_t launch_start_mssim(unsigned int port, const char *sock);
/* Ends csvsm-mssim: SIGTERM, then SIGKILL after 5 s. */
void launch_stop_mssim(pid_t pid);
