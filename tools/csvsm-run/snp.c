/* SPDX-License-Identifier: MIT */
/*
 * csvsm-run --snp: hands the IGVM file to a QEMU that has an IGVM loader
 * (QEMU 10.0 and later, built with --enable-igvm: `-object igvm-cfg`,
 * `-machine ...,igvm-cfg=`), which loads the file's SEV-SNP platform and
 * launches it through KVM (QEMU docs/system/igvm.rst and
 * docs/system/i386/amd-memory-encryption.rst; QEMU backends/igvm.c,
 * target/i386/sev.c). First it checks what the host needs, and says
 * exactly what is missing, each with its own exit status (launch.h):
 *
 *   4  KVM without SEV-SNP: /dev/kvm, or kvm_amd's sev_snp parameter
 *   5  no usable /dev/sev (the PSP driver, ccp)
 *   6  QEMU cannot be run, or lists no igvm-cfg object (no IGVM loader)
 *   7  QEMU lists no sev-snp-guest object
 *
 * What it cannot check from the host: that KVM and QEMU run a guest at
 * more than one VMPL (the SVSM at VMPL0 and the firmware at VMPL1), which
 * upstream KVM does not do yet; the SVSM learns it from the GHCB's HV
 * features at boot (docs/snp.md).
 *
 * CSVSM_RUN_KVM_DEVICE, CSVSM_RUN_KVM_AMD_PARAMS (a folder) and
 * CSVSM_RUN_SEV_DEVICE name other places to look, for tests.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi/igvm.h"

#include "launch.h"

#define KVM_AMD_PARAMS "/sys/module/kvm_amd/parameters"
#define SEV_DEVICE     "/dev/sev"
#define HELP_MAX       ((size_t)64 * 1024)

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

/* kvm_amd's sev_snp parameter reads "Y" (or "1") when SNP is on. */
static int check_kvm(char *msg, size_t len)
{
	char path[4096];
	char v[8] = "";
	FILE *f;

	const char *kvm = env_or("CSVSM_RUN_KVM_DEVICE", "/dev/kvm");

	if (access(kvm, R_OK | W_OK) != 0) {
		snprintf(msg, len, "%s: %s (KVM is needed for SEV-SNP)", kvm,
			 strerror(errno));
		return LAUNCH_EXIT_NO_KVM_SNP;
	}
	snprintf(path, sizeof(path), "%s/sev_snp",
		 env_or("CSVSM_RUN_KVM_AMD_PARAMS", KVM_AMD_PARAMS));
	f = fopen(path, "r");
	if (!f) {
		snprintf(msg, len,
			 "%s: %s (kvm_amd is not loaded, or too old for "
			 "SEV-SNP: Linux 6.11 or later)",
			 path, strerror(errno));
		return LAUNCH_EXIT_NO_KVM_SNP;
	}
	if (!fgets(v, sizeof(v), f))
		v[0] = '\0';
	fclose(f);
	if (v[0] != 'Y' && v[0] != '1') {
		snprintf(msg, len,
			 "%s is '%.*s': KVM has SEV-SNP off (enable SNP in "
			 "the firmware setup and load kvm_amd with sev_snp=1)",
			 path, (int)strcspn(v, "\n"), v);
		return LAUNCH_EXIT_NO_KVM_SNP;
	}
	return 0;
}

/* QEMU opens /dev/sev read-write to launch an SEV guest. */
static int check_sev_device(char *msg, size_t len)
{
	const char *dev = env_or("CSVSM_RUN_SEV_DEVICE", SEV_DEVICE);
	int fd = open(dev, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(msg, len,
			 "%s: %s (the AMD secure processor driver, ccp, is "
			 "not loaded or SEV is not initialised)",
			 dev, strerror(errno));
		return LAUNCH_EXIT_NO_SEV_DEVICE;
	}
	close(fd);
	return 0;
}

/*
 * Runs `qemu -object help` and reads what it prints into buf. 0, or -1
 * when QEMU cannot be run or fails.
 */
static int object_help(const char *qemu, char *buf, size_t cap)
{
	char *argv[] = {(char *)qemu, "-object", "help", NULL};
	size_t used = 0;
	int fds[2];
	int status;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDWR);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(fds[1], 1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 2);
		}
		close(fds[0]);
		execvp(qemu, argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], buf + used, cap - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used == cap - 1)
			break;
	}
	buf[used] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Whether one line of text, without its blanks, is word. */
static bool lists(const char *text, const char *word)
{
	size_t wlen = strlen(word);

	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		const char *s = p;
		size_t n = len;

		while (n && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
			n--;
		if (n == wlen && !memcmp(s, word, wlen))
			return true;
		p += len + (p[len] == '\n');
	}
	return false;
}

static int check_qemu(const char *qemu, char *msg, size_t len)
{
	char *help = malloc(HELP_MAX);
	int rc = 0;

	if (!help) {
		snprintf(msg, len, "out of memory");
		return LAUNCH_EXIT_QEMU_NO_IGVM;
	}
	if (object_help(qemu, help, HELP_MAX)) {
		snprintf(msg, len, "cannot run '%s -object help'", qemu);
		rc = LAUNCH_EXIT_QEMU_NO_IGVM;
	} else if (!lists(help, "igvm-cfg")) {
		snprintf(msg, len,
			 "%s has no IGVM loader (no igvm-cfg object): QEMU "
			 "10.0 or later, built with --enable-igvm, is needed",
			 qemu);
		rc = LAUNCH_EXIT_QEMU_NO_IGVM;
	} else if (!lists(help, "sev-snp-guest")) {
		snprintf(msg, len,
			 "%s has no sev-snp-guest object: QEMU 9.1 or later, "
			 "built for KVM on x86-64, is needed",
			 qemu);
		rc = LAUNCH_EXIT_QEMU_NO_SNP;
	}
	free(help);
	return rc;
}

int snp_check_host(const char *qemu, char *msg, size_t len)
{
	int rc = check_kvm(msg, len);

	if (!rc)
		rc = check_sev_device(msg, len);
	if (!rc)
		rc = check_qemu(qemu, msg, len);
	return rc;
}

int snp_file_policy(const struct igvm_file *f, uint64_t *policy)
{
	uint32_t mask = 0;

	for (size_t i = 0; i < f->header_count; i++) {
		const struct igvm_vhdr *h = &f->headers[i];
		struct igvm_vhs_supported_platform p;
		struct igvm_vhs_guest_policy g;

		if ((h->type & ~IGVM_VHT_OPTIONAL_BIT) ==
			    IGVM_VHT_SUPPORTED_PLATFORM &&
		    !igvm_vhdr_get(h, &p, sizeof(p)) &&
		    p.platform_type == IGVM_PLATFORM_SEV_SNP)
			mask = p.compatibility_mask;
		if (mask &&
		    (h->type & ~IGVM_VHT_OPTIONAL_BIT) ==
			    IGVM_VHT_GUEST_POLICY &&
		    !igvm_vhdr_get(h, &g, sizeof(g)) &&
		    (g.compatibility_mask & mask))
			*policy = g.policy;
	}
	return mask ? 0 : -1;
}

void snp_host_cbit(unsigned int *cbitpos, unsigned int *reduced)
{
	unsigned int eax = 0;
	unsigned int ebx = 0;
	unsigned int ecx = 0;
	unsigned int edx = 0;

	/* AMD APM vol. 3, CPUID Fn8000_001F: EBX[5:0] C-bit, [11:6] reduction. */
	*cbitpos = 51;
	*reduced = 1;
	if (__get_cpuid_max(0x80000000u, NULL) >= 0x8000001fu &&
	    __get_cpuid(0x8000001fu, &eax, &ebx, &ecx, &edx) && (eax & 2u) &&
	    (ebx & 0x3fu)) {
		*cbitpos = ebx & 0x3fu;
		*reduced = (ebx >> 6) & 0x3fu;
	}
}
