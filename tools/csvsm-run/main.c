/* SPDX-License-Identifier: MIT */
/*
 * csvsm-run: boots an IGVM file on the QEMU that distributions ship, which
 * has no IGVM loader. It parses and validates the file, lays out the guest
 * memory the file asks for (page data, filled parameter areas), writes the
 * pieces to a temporary directory, and starts QEMU with them as loader
 * blobs plus a reset stub that enters the boot VP context. Its exit status
 * tells how the SVSM ended:
 *   0 the SVSM reported success     1 the SVSM panicked or faulted
 *   2 usage or file error           3 QEMU failed or the VM stopped silently
 *   124 timeout                     129, 130, 143: ended by SIGHUP, SIGINT
 *                                   or SIGTERM (128 + the signal)
 * With --snp it hands the file to a QEMU with an IGVM loader instead, to
 * launch its SEV-SNP platform (snp.c), after checking the host: 4 KVM
 * without SEV-SNP, 5 no /dev/sev, 6 QEMU without IGVM, 7 QEMU without
 * SEV-SNP.
 *
 * However it ends, QEMU and the temporary folder go with it (qemu.c); only
 * a SIGKILLed launcher leaves the folder behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>

#include "launch.h"
#include "util.h"

#define MAX_ARGS  512
#define MAX_EXTRA 64

extern const uint8_t resetstub_image[];
extern const uint8_t resetstub_image_end[];

struct options {
	const char *igvm;
	const char *qemu;
	const char *accel;
	const char *cpu;
	char cmdline[256];
	uint64_t mem;
	uint32_t vcpus;
	unsigned int timeout;
	int gdb;
	int dry_run;
	int snp;
	bool vcpus_given;
	const char *vsock; /* --vsock: the host side's Unix-socket prefix */
	enum launch_vsock vsock_kind;
	unsigned int tpm_port;	  /* --tpm: the vTPM's mssim command port */
	const char *store_disk;	  /* --store-disk: the vTPM store's image */
	const char *store_devkey; /* --store-devkey: 64 hex digits or random */
	const char *kbs_serial;	  /* --kbs-serial: COM3's chardev socket */
	enum machine_kind machine;
	unsigned int disk_count;
	struct launch_disk disks[LAUNCH_MAX_DISKS];
	int extra_count;
	char *extra[MAX_EXTRA];
};

static int usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: csvsm-run [options] FILE.igvm [-- QEMU-ARGS...]\n"
		"  -m, --memory SIZE     guest RAM (default 256M)\n"
		"  -s, --smp N           vCPUs (default 2)\n"
		"  -a, --accel A         kvm, tcg or auto (default: kvm when /dev/kvm works)\n"
		"  -c, --cmdline STR     SVSM command line (IGVM COMMAND_LINE parameter)\n"
		"  -e, --exit-on-ready   end the VM when the SVSM is ready (for scripts)\n"
		"  -t, --timeout SEC     kill the VM after SEC seconds (exit 124)\n"
		"  -g, --gdb             wait for gdb on tcp::1234 before starting\n"
		"  -q, --qemu PATH       QEMU binary (default qemu-system-x86_64)\n"
		"      --cpu MODEL       QEMU CPU model (default max)\n"
		"  -M, --machine M       q35 (default; disks on virtio-pci) or microvm\n"
		"                        (disks on virtio-mmio, slots on the SVSM's\n"
		"                        command line)\n"
		"  -d, --disk FILE[,ro][,iommu_platform]\n"
		"                        a raw image as a virtio-blk disk (up to %d;\n"
		"                        ro: read-only, iommu_platform: the device\n"
		"                        offers ACCESS_PLATFORM)\n"
		"      --vsock PATH      a virtio-vsock device (guest CID 3): QEMU's\n"
		"                        vhost-vsock where /dev/vhost-vsock works,\n"
		"                        else csvsm-vsockd bridging to Unix sockets\n"
		"                        PATH_<port> (docs/vsock.md)\n"
		"      --kbs-serial PATH COM3 to the key broker's proxy: a chardev\n"
		"                        socket QEMU connects to (csvsm-aproxy\n"
		"                        --unix PATH), and kbs=com3 on the SVSM's\n"
		"                        command line (docs/attestation-proxy.md)\n"
		"      --tpm PORT        the SVSM's vTPM as the mssim TPM protocol on\n"
		"                        127.0.0.1:PORT (commands) and PORT+1\n"
		"                        (platform), through csvsm-mssim and a\n"
		"                        second UART (native only; docs/vtpm-host.md)\n"
		"      --store-disk FILE the vTPM's state on the raw image FILE (a\n"
		"                        disk, named on the SVSM's command line)\n"
		"      --store-devkey HEX|random\n"
		"                        its key, 64 hex digits (random: a new one,\n"
		"                        printed). DEVELOPMENT ONLY: the host knows\n"
		"                        this key (native only; docs/storage.md)\n"
		"  -n, --dry-run         print the QEMU command line and exit\n"
		"      --snp             launch the SEV-SNP platform on a QEMU with an\n"
		"                        IGVM loader (KVM with SEV-SNP; 1 vCPU by default)\n"
		"  -h, --help            this text\n"
		"      --version         the csvsm version\n"
		"Exit status: 0 success, 1 the SVSM failed, 2 usage or file error,\n"
		"3 QEMU failed, 124 timeout, 128+N ended by signal N (QEMU and\n"
		"the temporary files are removed first). --snp, when the host\n"
		"lacks: 4 KVM with SEV-SNP, 5 /dev/sev, 6 a QEMU with igvm-cfg,\n"
		"7 a QEMU with sev-snp-guest.\n",
		LAUNCH_MAX_DISKS);
	return rc;
}

static int kvm_works(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return 0;
	ok = ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
	close(fd);
	return ok;
}

static int append_cmdline(struct options *o, const char *word)
{
	size_t len = strlen(o->cmdline);

	if (len + strlen(word) + 2 > sizeof(o->cmdline))
		return -1;
	snprintf(o->cmdline + len, sizeof(o->cmdline) - len, "%s%s",
		 len ? " " : "", word);
	return 0;
}

/*
 * The SVSM's command-line words the launcher can check (docs/boot.md):
 * loglevel=N takes a TF-A level, 10..50. 0, or -1 with a message.
 */
static int check_cmdline_words(const char *s)
{
	while (*s) {
		size_t len = strcspn(s, " ");

		if (len > 9 && strncmp(s, "loglevel=", 9) == 0) {
			const char *v = s + 9;
			size_t vlen = len - 9;
			unsigned int level = 0;
			bool digits = vlen > 0 && vlen <= 2;

			for (size_t i = 0; digits && i < vlen; i++) {
				digits = v[i] >= '0' && v[i] <= '9';
				level = level * 10 + (unsigned int)(v[i] - '0');
			}
			if (!digits || level < 10 || level > 50) {
				fprintf(stderr,
					"csvsm-run: bad '%.*s': loglevel is "
					"10..50 (error 10, notice 20, warn 30, "
					"info 40, verbose 50)\n",
					(int)len, s);
				return -1;
			}
		} else if (len == 9 && strncmp(s, "loglevel=", 9) == 0) {
			fprintf(stderr,
				"csvsm-run: 'loglevel=' needs a value, 10..50\n");
			return -1;
		}
		s += len;
		s += strspn(s, " ");
	}
	return 0;
}

/*
 * After the options: exactly one IGVM file, then, after "--" (argv[argc]),
 * the QEMU arguments. 0, or -1 with a message.
 */
static int take_operands(int argc, int full_argc, char **argv,
			 struct options *o)
{
	if (optind >= argc) {
		fprintf(stderr, "csvsm-run: no IGVM file given\n");
		return -1;
	}
	o->igvm = argv[optind++];
	if (optind < argc) {
		fprintf(stderr,
			"csvsm-run: unexpected argument '%s' (QEMU arguments "
			"go after --)\n",
			argv[optind]);
		return -1;
	}
	for (int i = argc + 1; i < full_argc; i++) {
		if (o->extra_count == MAX_EXTRA) {
			fprintf(stderr,
				"csvsm-run: more than %d QEMU arguments\n",
				MAX_EXTRA);
			return -1;
		}
		o->extra[o->extra_count++] = argv[i];
	}
	return 0;
}

/*
 * The host-side devices: --vsock PATH, --kbs-serial PATH, --tpm PORT; 0,
 * or -1 (told).
 */
static int device_option(int c, const char *arg, struct options *o)
{
	uint64_t v;

	if (c == 'K' || c == 'B') {
		if (!*arg || strchr(arg, ',')) {
			fprintf(stderr,
				"csvsm-run: --%s needs a path without a "
				"comma\n",
				c == 'K' ? "vsock" : "kbs-serial");
			return -1;
		}
		if (c == 'K')
			o->vsock = arg;
		else
			o->kbs_serial = arg;
		return 0;
	}
	if (util_parse_size(arg, &v) || v < 1 || v > 65534) {
		fprintf(stderr,
			"csvsm-run: bad --tpm port '%s' (1-65534; PORT+1 is "
			"the platform port)\n",
			arg);
		return -1;
	}
	o->tpm_port = (unsigned int)v;
	return 0;
}

/*
 * The disks can be opened as asked (read-only ones for reading), and on
 * microvm the launcher names their slots on the SVSM's command line, so
 * the user's --cmdline must not name any. 0, or -1 with a message.
 */
static int check_disks(struct options *o)
{
	char word[128];
	unsigned int mmio = o->disk_count + (o->vsock ? 1u : 0u);

	for (unsigned int i = 0; i < o->disk_count; i++) {
		const struct launch_disk *d = &o->disks[i];
		size_t len = strcspn(d->path, ",");
		char path[4096];

		snprintf(path, sizeof(path), "%.*s", (int)len, d->path);
		if (access(path, d->read_only ? R_OK : R_OK | W_OK) != 0) {
			fprintf(stderr, "csvsm-run: --disk %s: %s\n", path,
				strerror(errno));
			return -1;
		}
	}
	if (o->machine != MACHINE_MICROVM || mmio == 0)
		return 0;
	if (mmio > LAUNCH_MAX_MMIO) {
		fprintf(stderr,
			"csvsm-run: microvm: %u virtio-mmio devices, the SVSM "
			"takes at most %u\n",
			mmio, LAUNCH_MAX_MMIO);
		return -1;
	}
	if (strstr(o->cmdline, "virtio_mmio=")) {
		fprintf(stderr, "csvsm-run: --cmdline names virtio_mmio= "
				"slots, but on microvm the launcher names the "
				"slots of its devices\n");
		return -1;
	}
	if (microvm_slots_word(mmio, word, sizeof(word)) ||
	    append_cmdline(o, word)) {
		fprintf(stderr, "csvsm-run: command line over 255 bytes with "
				"the virtio_mmio= slots\n");
		return -1;
	}
	return 0;
}

/* --machine (c 'M') and --disk ('d'); 0, or -1 with a message. */
static int machine_option(int c, const char *arg, struct options *o)
{
	char err[256];

	if (c == 'M') {
		if (strcmp(arg, "q35") == 0) {
			o->machine = MACHINE_Q35;
		} else if (strcmp(arg, "microvm") == 0) {
			o->machine = MACHINE_MICROVM;
		} else {
			fprintf(stderr, "csvsm-run: --machine must be q35 or "
					"microvm\n");
			return -1;
		}
		return 0;
	}
	if (o->disk_count == LAUNCH_MAX_DISKS) {
		fprintf(stderr,
			"csvsm-run: more than %d disks (the SVSM attaches at "
			"most %d)\n",
			LAUNCH_MAX_DISKS, LAUNCH_MAX_DISKS);
		return -1;
	}
	if (disk_parse(arg, &o->disks[o->disk_count], err, sizeof(err))) {
		fprintf(stderr, "csvsm-run: %s\n", err);
		return -1;
	}
	o->disk_count++;
	return 0;
}

/*
 * --store-disk and --store-devkey: the disk attached, and store_devkey= and
 * store_disk= on the SVSM's command line (docs/storage.md). "random" draws
 * a key and prints it, so the same disk can be opened again. 0, or -1 with
 * a message.
 */
static int store_options(struct options *o)
{
	char key[65], word[96];
	uint8_t raw[32];
	size_t len;

	if (!o->store_disk && !o->store_devkey)
		return 0;
	if (!o->store_disk || !o->store_devkey) {
		fprintf(stderr, "csvsm-run: --store-disk and --store-devkey go "
				"together\n");
		return -1;
	}
	if (strstr(o->cmdline, "store_devkey=") ||
	    strstr(o->cmdline, "store_disk=")) {
		fprintf(stderr, "csvsm-run: --store-devkey and a store word in "
				"--cmdline\n");
		return -1;
	}
	if (strcmp(o->store_devkey, "random") == 0) {
		if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
			fprintf(stderr, "csvsm-run: no random key: %s\n",
				strerror(errno));
			return -1;
		}
		for (size_t i = 0; i < sizeof(raw); i++)
			snprintf(key + 2 * i, 3, "%02x", raw[i]);
		fprintf(stderr, "csvsm-run: store key (development only): %s\n",
			key);
	} else {
		len = strlen(o->store_devkey);
		if (len != 64 ||
		    strspn(o->store_devkey, "0123456789abcdefABCDEF") != 64) {
			fprintf(stderr,
				"csvsm-run: --store-devkey takes 64 hex "
				"digits or 'random'\n");
			return -1;
		}
		memcpy(key, o->store_devkey, 65);
	}
	snprintf(word, sizeof(word), "store_devkey=%s store_disk=%u", key,
		 o->disk_count);
	if (strchr(o->store_disk, ',')) {
		fprintf(stderr, "csvsm-run: --store-disk: the name cannot "
				"contain a comma\n");
		return -1;
	}
	if (machine_option('d', o->store_disk, o) || append_cmdline(o, word)) {
		fprintf(stderr, "csvsm-run: --store-disk %s: not attached\n",
			o->store_disk);
		return -1;
	}
	return 0;
}

/* The launcher's long options; parse_args() has the short ones. */
static const struct option long_opts[] = {
	{"memory", required_argument, NULL, 'm'},
	{"smp", required_argument, NULL, 's'},
	{"accel", required_argument, NULL, 'a'},
	{"cmdline", required_argument, NULL, 'c'},
	{"exit-on-ready", no_argument, NULL, 'e'},
	{"timeout", required_argument, NULL, 't'},
	{"gdb", no_argument, NULL, 'g'},
	{"qemu", required_argument, NULL, 'q'},
	{"cpu", required_argument, NULL, 'C'},
	{"dry-run", no_argument, NULL, 'n'},
	{"snp", no_argument, NULL, 'S'},
	{"vsock", required_argument, NULL, 'K'},
	{"machine", required_argument, NULL, 'M'},
	{"disk", required_argument, NULL, 'd'},
	{"tpm", required_argument, NULL, 'T'},
	{"store-disk", required_argument, NULL, 'P'},
	{"store-devkey", required_argument, NULL, 'k'},
	{"kbs-serial", required_argument, NULL, 'B'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static int parse_args(int full_argc, char **argv, struct options *o)
{
	int argc = full_argc; /* the launcher's own: up to a "--" */
	uint64_t v;
	int c;

	for (int i = 1; i < full_argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			argc = i;
			break;
		}
	}
	while ((c = getopt_long(argc, argv, "m:s:a:c:et:gq:C:nhM:d:", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			if (util_parse_size(optarg, &o->mem) ||
			    o->mem < (32u << 20) || o->mem % (1u << 20)) {
				fprintf(stderr,
					"csvsm-run: bad memory size '%s' "
					"(whole MiB, at least 32M)\n",
					optarg);
				return -1;
			}
			break;
		case 's':
			if (util_parse_size(optarg, &v) || v < 1 || v > 64) {
				fprintf(stderr,
					"csvsm-run: bad vCPU count '%s' (1-64)\n",
					optarg);
				return -1;
			}
			o->vcpus = (uint32_t)v;
			o->vcpus_given = true;
			break;
		case 'a':
			if (strcmp(optarg, "kvm") != 0 &&
			    strcmp(optarg, "tcg") != 0 &&
			    strcmp(optarg, "auto") != 0) {
				fprintf(stderr,
					"csvsm-run: accel must be kvm, tcg or auto\n");
				return -1;
			}
			o->accel = optarg;
			break;
		case 'c':
			if (check_cmdline_words(optarg))
				return -1;
			if (append_cmdline(o, optarg)) {
				fprintf(stderr,
					"csvsm-run: command line over 255 bytes\n");
				return -1;
			}
			break;
		case 'e':
			if (append_cmdline(o, "exit_on_ready"))
				return -1;
			break;
		case 't':
			if (util_parse_size(optarg, &v) || v < 1 || v > 86400) {
				fprintf(stderr, "csvsm-run: bad timeout '%s'\n",
					optarg);
				return -1;
			}
			o->timeout = (unsigned int)v;
			break;
		case 'g':
			o->gdb = 1;
			break;
		case 'q':
			o->qemu = optarg;
			break;
		case 'C':
			o->cpu = optarg;
			break;
		case 'n':
			o->dry_run = 1;
			break;
		case 'S':
			o->snp = 1;
			break;
		case 'K':
		case 'B':
		case 'T':
			if (device_option(c, optarg, o))
				return -1;
			break;
		case 'M':
		case 'd':
			if (machine_option(c, optarg, o))
				return -1;
			break;
		case 'P':
			o->store_disk = optarg;
			break;
		case 'k':
			o->store_devkey = optarg;
			break;
		case 'h':
			exit(usage(stdout, 0));
		case 'V':
			exit(util_print_version("csvsm-run", NULL));
		default:
			return -1; /* getopt named the option */
		}
	}
	if (o->snp && (o->store_disk || o->store_devkey)) {
		fprintf(stderr,
			"csvsm-run: --snp: --store-disk and "
			"--store-devkey are development-only (on SEV-SNP "
			"the key comes from the secure processor)\n");
		return -1;
	}
	if (take_operands(argc, full_argc, argv, o) || store_options(o))
		return -1;
	return check_disks(o);
}

/*
 * QEMU's argument vector, built into one string store: each argument is
 * formatted into the store and its pointer appended to argv.
 */
struct argv_builder {
	char **argv;
	char *store;
	size_t store_len;
	size_t used;
	int n;
};

static __attribute__((format(printf, 2, 3))) bool
argv_add(struct argv_builder *b, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (b->n >= MAX_ARGS - 2)
		return false;
	va_start(ap, fmt);
	len = vsnprintf(b->store + b->used, b->store_len - b->used, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= b->store_len - b->used)
		return false;
	b->argv[b->n++] = b->store + b->used;
	b->used += (size_t)len + 1;
	return true;
}

/* In a function with a struct argv_builder *b that returns -1 on error. */
#define ARG(...)                               \
	do {                                   \
		if (!argv_add(b, __VA_ARGS__)) \
			return -1;             \
	} while (0)

/* Writes the stub and blobs under dir and builds QEMU's argument vector. */
static int write_and_build_argv(const struct options *o,
				const struct load_plan *plan, const char *dir,
				struct argv_builder *b)
{
	char err[512];

	ARG("%s", o->qemu);
	ARG("-machine");
	if (o->machine == MACHINE_MICROVM) {
		/*
		 * acpi=off: eight transports at MICROVM_MMIO_BASE; version 2,
		 * not QEMU's legacy default (hw/i386/microvm.c).
		 */
		ARG("microvm,acpi=off,accel=%s", o->accel);
		ARG("-global");
		ARG("virtio-mmio.force-legacy=false");
	} else {
		ARG("q35,accel=%s", o->accel);
	}
	ARG("-cpu");
	/*
	 * "max" everywhere, minus ARCH_CAPABILITIES under KVM: nested hosts
	 * often cannot set that MSR and QEMU aborts; the SVSM never reads it.
	 */
	ARG("%s", o->cpu			 ? o->cpu
		  : strcmp(o->accel, "kvm") == 0 ? "max,-arch-capabilities"
						 : "max");
	ARG("-m");
	ARG("%lluM", (unsigned long long)(o->mem >> 20));
	ARG("-smp");
	ARG("%u", o->vcpus);
	ARG("-nodefaults");
	ARG("-no-reboot");
	ARG("-display");
	ARG("none");
	ARG("-serial");
	ARG("stdio");
	if (o->tpm_port) {
		/* The second -serial is COM2 (0x2f8): the vTPM host bridge. */
		ARG("-chardev");
		ARG("socket,id=csvsm-vtpm,path=%s/vtpm.sock", dir);
		ARG("-serial");
		ARG("chardev:csvsm-vtpm");
	}
	if (o->kbs_serial) {
		/* COM3 (0x3e8): the key broker's proxy (kbs=com3). */
		ARG("-chardev");
		ARG("socket,id=csvsm-kbs,path=%s", o->kbs_serial);
		ARG("-device");
		ARG("isa-serial,chardev=csvsm-kbs,iobase=0x3e8,irq=5");
	}
	ARG("-device");
	ARG("isa-debug-exit,iobase=0xf4,iosize=0x04");
	ARG("-bios");
	ARG("%s/resetstub.bin", dir);
	if (util_write_file(b->argv[b->n - 1], plan->stub, sizeof(plan->stub),
			    err, sizeof(err)))
		goto fail;
	for (size_t i = 0; i < plan->blob_count; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/blob%zu.bin", dir, i);
		if (util_write_file(path, plan->blobs[i].data,
				    plan->blobs[i].size, err, sizeof(err)))
			goto fail;
		ARG("-device");
		ARG("loader,file=%s,addr=0x%llx,force-raw=on", path,
		    (unsigned long long)plan->blobs[i].gpa);
	}
	if (o->gdb) {
		ARG("-s");
		ARG("-S");
	}
	for (unsigned int i = 0; i < o->disk_count; i++) {
		char drive[4200];
		char device[256];

		if (disk_qemu_args(&o->disks[i], i, o->machine, drive,
				   sizeof(drive), device, sizeof(device)))
			return -1;
		ARG("-drive");
		ARG("%s", drive);
		ARG("-device");
		ARG("%s", device);
	}
	if (o->vsock_kind == VSOCK_VHOST) {
		ARG("-device");
		if (o->machine == MACHINE_MICROVM)
			ARG("vhost-vsock-device,guest-cid=3,"
			    "bus=virtio-mmio-bus.%u",
			    o->disk_count);
		else
			ARG("vhost-vsock-pci,guest-cid=3");
	} else if (o->vsock_kind == VSOCK_USER) {
		/* vhost-user maps guest RAM: it must be a shared memfd. */
		ARG("-object");
		ARG("memory-backend-memfd,id=csvsm-ram,size=%lluM,share=on",
		    (unsigned long long)(o->mem >> 20));
		ARG("-machine");
		ARG("memory-backend=csvsm-ram");
		ARG("-chardev");
		ARG("socket,id=csvsm-vsock,path=%s/vhost-vsock.sock", dir);
		ARG("-device");
		if (o->machine == MACHINE_MICROVM)
			ARG("vhost-user-vsock-device,chardev=csvsm-vsock,"
			    "bus=virtio-mmio-bus.%u",
			    o->disk_count);
		else
			ARG("vhost-user-vsock-pci,chardev=csvsm-vsock");
	}
	for (int i = 0; i < o->extra_count; i++)
		ARG("%s", o->extra[i]);
	b->argv[b->n] = NULL;
	return b->n;
fail:
	fprintf(stderr, "csvsm-run: %s\n", err);
	return -1;
}

/*
 * The QEMU command line for the file's SEV-SNP platform (QEMU
 * docs/system/igvm.rst, docs/system/i386/amd-memory-encryption.rst): q35
 * with the SNP guest object, guest_memfd-backed RAM, and the IGVM file
 * as the machine's igvm-cfg. The number of arguments, or -1.
 */
static int snp_argv(const struct options *o, uint64_t policy,
		    struct argv_builder *b)
{
	unsigned long long mib = (unsigned long long)(o->mem >> 20);
	char path[8192];
	size_t plen = 0;
	unsigned int cbit;
	unsigned int reduced;

	/* QEMU's option syntax: a comma in a value is written twice. */
	if (2 * strlen(o->igvm) >= sizeof(path))
		return -1;
	for (const char *p = o->igvm; *p; p++) {
		path[plen++] = *p;
		if (*p == ',')
			path[plen++] = ',';
	}
	path[plen] = '\0';
	snp_host_cbit(&cbit, &reduced);
	ARG("%s", o->qemu);
	ARG("-machine");
	ARG("q35,accel=kvm,confidential-guest-support=sev0,"
	    "memory-backend=ram0,igvm-cfg=igvm0");
	ARG("-object");
	ARG("memory-backend-memfd,id=ram0,size=%lluM,share=true,"
	    "prealloc=false",
	    mib);
	ARG("-object");
	ARG("sev-snp-guest,id=sev0,cbitpos=%u,reduced-phys-bits=%u,"
	    "policy=0x%llx",
	    cbit, reduced, (unsigned long long)policy);
	ARG("-object");
	ARG("igvm-cfg,id=igvm0,file=%s", path);
	ARG("-cpu");
	ARG("%s", o->cpu ? o->cpu : "EPYC-v4");
	ARG("-m");
	ARG("%lluM", mib);
	ARG("-smp");
	ARG("%u", o->vcpus);
	ARG("-nodefaults");
	ARG("-no-reboot");
	ARG("-display");
	ARG("none");
	ARG("-serial");
	ARG("stdio");
	ARG("-device");
	ARG("isa-debug-exit,iobase=0xf4,iosize=0x04");
	for (int i = 0; i < o->extra_count; i++)
		ARG("%s", o->extra[i]);
	b->argv[b->n] = NULL;
	return b->n;
}

/*
 * Runs QEMU with the helpers its devices need started first and ended
 * after: csvsm-vsockd (--vsock without vhost-vsock), csvsm-mssim (--tpm).
 */
static int run_with_helpers(const struct options *o, char **qargv,
			    const char *dir)
{
	char vsock_sock[4096], tpm_sock[4096];
	pid_t vsockd = 0, mssim = 0;
	int rc = 3;

	snprintf(vsock_sock, sizeof(vsock_sock), "%s/vhost-vsock.sock", dir);
	snprintf(tpm_sock, sizeof(tpm_sock), "%s/vtpm.sock", dir);
	if (o->vsock_kind == VSOCK_USER)
		vsockd = launch_start_vsockd(vsock_sock, o->vsock);
	if (vsockd >= 0 && o->tpm_port)
		mssim = launch_start_mssim(o->tpm_port, tpm_sock);
	if (vsockd >= 0 && mssim >= 0)
		rc = launch_run_qemu(qargv, o->timeout, o->gdb);
	if (mssim > 0)
		launch_stop_mssim(mssim);
	if (vsockd > 0)
		launch_stop_vsockd(vsockd);
	unlink(vsock_sock);
	unlink(tpm_sock);
	return rc;
}

/*
 * --kbs-serial: the SVSM reaches the key broker's proxy over COM3
 * (kbs=com3, docs/attestation-proxy.md). 0, or -1 with a message.
 */
static int kbs_serial_word(struct options *o)
{
	size_t n = strlen("kbs");
	bool named = false;

	/* A word "kbs" or "kbs=..." of the user's --cmdline. */
	for (const char *w = o->cmdline; *w; w += strcspn(w, " ")) {
		w += strspn(w, " ");
		if (!strncmp(w, "kbs", n) &&
		    (w[n] == '=' || w[n] == ' ' || !w[n]))
			named = true;
	}
	if (named) {
		fprintf(stderr, "csvsm-run: --kbs-serial and a kbs word in "
				"--cmdline\n");
		return -1;
	}
	if (append_cmdline(o, "kbs=com3")) {
		fprintf(stderr, "csvsm-run: command line over 255 bytes\n");
		return -1;
	}
	return 0;
}

/* What --snp cannot honour; 0, or -1 with a message. */
static int snp_check_options(struct options *o)
{
	const char *why = NULL;

	if (strcmp(o->accel, "tcg") == 0)
		why = "SEV-SNP needs KVM (--accel kvm)";
	else if (o->gdb)
		why = "--gdb: an SEV-SNP guest cannot be debugged this way";
	else if (o->cmdline[0])
		why = "--cmdline and --exit-on-ready: QEMU loads the IGVM "
		      "file as it is, and has no way to pass a command line";
	else if (o->vsock || o->kbs_serial)
		why = "--vsock and --kbs-serial are not supported with --snp "
		      "yet";
	else if (o->tpm_port)
		why = "--tpm: an SEV-SNP SVSM never offers its vTPM to the "
		      "host";
	else if (o->disk_count || o->machine != MACHINE_Q35)
		why = "--disk and --machine are not supported with --snp yet";
	if (why) {
		fprintf(stderr, "csvsm-run: --snp: %s\n", why);
		return -1;
	}
	o->accel = "kvm";
	if (!o->vcpus_given)
		o->vcpus = 1;
	return 0;
}

/* csvsm-run --snp: check the host, then run (or print) QEMU. */
static int run_snp(struct options *o, const struct igvm_file *f)
{
	static char store[16 * 1024];
	char *qargv[MAX_ARGS];
	uint64_t policy = 0x30000; /* QEMU's default without GUEST_POLICY */
	char msg[1024];
	int rc;
	int n;

	if (snp_file_policy(f, &policy)) {
		fprintf(stderr, "csvsm-run: %s has no SEV-SNP platform\n",
			o->igvm);
		return 2;
	}
	rc = snp_check_host(o->qemu, msg, sizeof(msg));
	if (rc && !o->dry_run) {
		fprintf(stderr, "csvsm-run: %s\n", msg);
		return rc;
	}
	if (rc)
		fprintf(stderr, "csvsm-run: this host could not run it: %s\n",
			msg);
	n = snp_argv(o, policy,
		     &(struct argv_builder){.argv = qargv,
					    .store = store,
					    .store_len = sizeof(store)});
	if (n < 0) {
		fprintf(stderr, "csvsm-run: too many QEMU arguments\n");
		return 2;
	}
	if (o->dry_run) {
		for (int i = 0; i < n; i++)
			printf("%s%s", qargv[i], i + 1 < n ? " " : "\n");
		return 0;
	}
	if ((rc = launch_pending_end()) != 0)
		return rc;
	return launch_run_qemu(qargv, o->timeout, false);
}

static void remove_dir(const char *dir, const struct load_plan *plan)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/resetstub.bin", dir);
	unlink(path);
	for (size_t i = 0; i < plan->blob_count; i++) {
		snprintf(path, sizeof(path), "%s/blob%zu.bin", dir, i);
		unlink(path);
	}
	rmdir(dir);
}

int main(int argc, char **argv)
{
	struct options o = {.qemu = "qemu-system-x86_64",
			    .accel = "auto",
			    .mem = 256u << 20,
			    .vcpus = 2};
	static struct load_plan plan;
	static char store[64 * 1024];
	char *qargv[MAX_ARGS];
	char dir[2048];
	const char *tmp = getenv("TMPDIR");
	sigset_t ending;
	char err[IGVM_ERR_LEN];
	struct igvm_file f;
	struct machine m;
	uint8_t *buf;
	size_t size = 0;
	int rc = 2;
	int n;

	/*
	 * Ending signals wait until the launcher can act on them: from here
	 * on, no exit leaves QEMU or the temporary folder behind.
	 */
	launch_ending_signals(&ending);
	sigaddset(&ending, SIGCHLD);
	sigprocmask(SIG_BLOCK, &ending, NULL);
	if (parse_args(argc, argv, &o) || (o.snp && snp_check_options(&o)))
		return 2; /* the message is out: one line */
	if (o.tpm_port && append_cmdline(&o, "vtpm_bridge")) {
		fprintf(stderr, "csvsm-run: command line over 255 bytes\n");
		return 2;
	}
	if (o.kbs_serial && kbs_serial_word(&o))
		return 2;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (snprintf(dir, sizeof(dir), "%s/csvsm-run.XXXXXX", tmp) >=
	    (int)sizeof(dir)) {
		fprintf(stderr, "csvsm-run: TMPDIR is too long\n");
		return 2;
	}
	if (strcmp(o.accel, "auto") == 0)
		o.accel = kvm_works() ? "kvm" : "tcg";
	if (o.vsock)
		o.vsock_kind = launch_vsock_kind();
	if (o.vsock_kind == VSOCK_VHOST)
		fprintf(stderr,
			"csvsm-run: /dev/vhost-vsock works: vsock goes "
			"to the host's AF_VSOCK (CID 3), not %s\n",
			o.vsock);
	buf = util_read_file(o.igvm, IGVM_MAX_FILE_SIZE, &size, err,
			     sizeof(err));
	if (!buf) {
		fprintf(stderr, "csvsm-run: %s\n", err);
		return 2;
	}
	if (igvm_parse(buf, size, &f, err)) {
		fprintf(stderr, "csvsm-run: %s: %s\n", o.igvm, err);
		free(buf);
		return 2;
	}
	if (o.snp) {
		rc = run_snp(&o, &f);
		goto out;
	}
	machine_init(&m, o.machine, o.mem, o.vcpus);
	memcpy(plan.stub, resetstub_image, sizeof(plan.stub));
	if ((size_t)(resetstub_image_end - resetstub_image) !=
		    sizeof(plan.stub) ||
	    plan_build(&f, &m, o.cmdline, &plan)) {
		fprintf(stderr, "csvsm-run: %s: %s\n", o.igvm,
			plan.err[0] ? plan.err
				    : "reset stub has the wrong size");
		goto out;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "csvsm-run: cannot create a folder in %s: %s\n",
			tmp, strerror(errno));
		goto out;
	}
	n = write_and_build_argv(
		&o, &plan, dir,
		&(struct argv_builder){.argv = qargv,
				       .store = store,
				       .store_len = sizeof(store)});
	if (n >= 0 && !o.dry_run && (rc = launch_pending_end()) != 0) {
		/*
		 * Ended before QEMU started: nothing to pass the signal on to.
		 */
	} else if (n < 0) {
		fprintf(stderr, "csvsm-run: too many QEMU arguments\n");
	} else if (o.dry_run) {
		for (int i = 0; i < n; i++)
			printf("%s%s", qargv[i], i + 1 < n ? " " : "\n");
		fprintf(stderr, "csvsm-run: files kept in %s\n", dir);
		rc = 0;
		goto out;
	} else {
		rc = run_with_helpers(&o, qargv, dir);
	}
	remove_dir(dir, &plan);
out:
	plan_free(&plan);
	igvm_file_free(&f);
	free(buf);
	/* A signal that arrived while nothing was running still ends us so. */
	if (!rc || rc == 1 || rc == 2 || rc == 3) {
		int end = launch_pending_end();

		if (end)
			rc = end;
	}
	return rc;
}
