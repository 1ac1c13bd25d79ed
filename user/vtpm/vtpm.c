// SPDX-License-Identifier: MIT
/*
 * csvsm's vTPM: Debian's TPM 2.0 engine (libtpms) as a static Linux
 * program, run by the SVSM as a user-mode task (docs/vtpm.md).
 *
 *   vtpm [--channel PATH | --fd N] [--state DIR]
 *
 * The command channel (default /dev/vtpm, or an inherited descriptor such
 * as one end of a SOCK_SEQPACKET socket pair on a Linux host) carries one
 * whole TPM command per read() and takes one whole response per write().
 * The TPM's NV state goes through libtpms's NV callbacks into files of
 * DIR (default /var/tpm), written to a temporary name and renamed.
 *
 * Every start: the engine is initialised (manufactured when DIR holds no
 * state), started with TPM2_Startup(SU_CLEAR), and the two TCG
 * endorsement keys are made persistent if they are missing; then the
 * program serves commands. The guest's own first TPM2_Startup is served
 * after an orderly TPM2_Shutdown and a fresh _TPM_Init of the engine, so
 * it works whether or not this program started the TPM. End of file on
 * the channel ends the program.
 */
#include "abi/vtpm.h"

#include <errno.h>
#include <fcntl.h>
#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *state_dir = "/var/tpm";
/* The TPM was started by this program, not yet by the guest. */
static int self_started;

static int state_path(char *out, size_t cap, const char *name,
		      const char *suffix)
{
	int n = snprintf(out, cap, "%s/%s%s", state_dir, name, suffix);

	return n > 0 && (size_t)n < cap ? 0 : -1;
}

static TPM_RESULT nv_init(void)
{
	return TPM_SUCCESS;
}

/* No state yet is a first start, not an error (libtpms: TPM_RETRY). */
static TPM_RESULT nv_load(unsigned char **data, uint32_t *length,
			  uint32_t tpm_number, const char *name)
{
	char path[512];
	struct stat st;
	unsigned char *buf;
	ssize_t got = 0;
	int fd;

	(void)tpm_number;
	if (state_path(path, sizeof(path), name, ""))
		return TPM_FAIL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? TPM_RETRY : TPM_FAIL;
	if (fstat(fd, &st) || st.st_size <= 0 || st.st_size > (1 << 24)) {
		close(fd);
		return TPM_FAIL;
	}
	buf = malloc((size_t)st.st_size);
	while (buf && got < st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)(st.st_size - got));

		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if (!buf || got != st.st_size) {
		free(buf);
		return TPM_FAIL;
	}
	*data = buf;
	*length = (uint32_t)got;
	return TPM_SUCCESS;
}

/* A new file under a temporary name, synced, renamed over the old one. */
static TPM_RESULT nv_store(const unsigned char *data, uint32_t length,
			   uint32_t tpm_number, const char *name)
{
	char tmp[512], path[512];
	uint32_t done = 0;
	int fd;

	(void)tpm_number;
	if (state_path(path, sizeof(path), name, "") ||
	    state_path(tmp, sizeof(tmp), name, ".tmp"))
		return TPM_FAIL;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return TPM_FAIL;
	while (done < length) {
		ssize_t n = write(fd, data + done, length - done);

		if (n <= 0)
			break;
		done += (uint32_t)n;
	}
	if (done != length || fsync(fd)) {
		close(fd);
		unlink(tmp);
		return TPM_FAIL;
	}
	close(fd);
	return rename(tmp, path) ? TPM_FAIL : TPM_SUCCESS;
}

static TPM_RESULT nv_delete(uint32_t tpm_number, const char *name,
			    TPM_BOOL must_exist)
{
	char path[512];

	(void)tpm_number;
	if (state_path(path, sizeof(path), name, ""))
		return TPM_FAIL;
	if (unlink(path) && (errno != ENOENT || must_exist))
		return TPM_FAIL;
	return TPM_SUCCESS;
}

/* Runs one command built here; returns its response code. */
static uint32_t run(const uint8_t *cmd, uint32_t len, uint8_t *out,
		    uint32_t *out_len)
{
	unsigned char *rsp = NULL;
	uint32_t rsp_len = 0, rsp_size = 0, rc;

	if (TPMLIB_Process(&rsp, &rsp_len, &rsp_size, (unsigned char *)cmd,
			   len) != TPM_SUCCESS ||
	    rsp_len < TPM_HDR_SIZE) {
		free(rsp);
		return TPM_RC_FAILURE;
	}
	rc = vtpm_be32(rsp + 6);
	if (out && out_len) {
		*out_len = rsp_len < *out_len ? rsp_len : *out_len;
		memcpy(out, rsp, *out_len);
	}
	free(rsp);
	return rc;
}

static uint32_t simple(uint16_t tag, uint32_t cc, uint32_t arg, int arg_len)
{
	uint8_t c[16];

	vtpm_put_be16(c, tag);
	vtpm_put_be32(c + 2, TPM_HDR_SIZE + (uint32_t)arg_len);
	vtpm_put_be32(c + 6, cc);
	if (arg_len == 2)
		vtpm_put_be16(c + 10, (uint16_t)arg);
	else
		vtpm_put_be32(c + 10, arg);
	return run(c, TPM_HDR_SIZE + (uint32_t)arg_len, NULL, NULL);
}

/* The password session with an empty password (TCG Part 1 §19.6.13). */
static size_t put_pw_session(uint8_t *p)
{
	static const uint8_t s[13] = {0x00, 0x00, 0x00, 0x09, 0x40, 0x00, 0x00,
				      0x09, 0x00, 0x00, 0x01, 0x00, 0x00};

	memcpy(p, s, sizeof(s));
	return sizeof(s);
}

/*
 * Makes the endorsement key of `tmpl` persistent at `handle` unless a key
 * is there already: TPM2_CreatePrimary in the endorsement hierarchy,
 * TPM2_EvictControl, and TPM2_FlushContext of the transient copy, so no
 * object slot stays taken.
 */
static int provision_ek(uint32_t handle, const uint8_t *tmpl, size_t tlen)
{
	uint8_t c[512], r[1024];
	uint32_t rlen = sizeof(r), obj;
	size_t n = 0;

	if (simple(TPM_ST_NO_SESSIONS, TPM_CC_READ_PUBLIC, handle, 4) ==
	    TPM_RC_SUCCESS)
		return 0;
	n = TPM_HDR_SIZE;
	vtpm_put_be32(c + n, TPM_RH_ENDORSEMENT);
	n += 4;
	n += put_pw_session(c + n);
	/* inSensitive: size 4, empty userAuth, empty data. */
	memcpy(c + n, "\x00\x04\x00\x00\x00\x00", 6);
	n += 6;
	vtpm_put_be16(c + n, (uint16_t)tlen);
	memcpy(c + n + 2, tmpl, tlen);
	n += 2 + tlen;
	/* outsideInfo empty, creationPCR: no selection. */
	memcpy(c + n, "\x00\x00\x00\x00\x00\x00", 6);
	n += 6;
	vtpm_put_be16(c, TPM_ST_SESSIONS);
	vtpm_put_be32(c + 2, (uint32_t)n);
	vtpm_put_be32(c + 6, TPM_CC_CREATE_PRIMARY);
	if (run(c, (uint32_t)n, r, &rlen) != TPM_RC_SUCCESS || rlen < 14)
		return -1;
	obj = vtpm_be32(r + TPM_HDR_SIZE);

	n = TPM_HDR_SIZE;
	vtpm_put_be32(c + n, TPM_RH_OWNER);
	vtpm_put_be32(c + n + 4, obj);
	n += 8;
	n += put_pw_session(c + n);
	vtpm_put_be32(c + n, handle);
	n += 4;
	vtpm_put_be16(c, TPM_ST_SESSIONS);
	vtpm_put_be32(c + 2, (uint32_t)n);
	vtpm_put_be32(c + 6, TPM_CC_EVICT_CONTROL);
	rlen = sizeof(r);
	if (run(c, (uint32_t)n, r, &rlen) != TPM_RC_SUCCESS) {
		simple(TPM_ST_NO_SESSIONS, TPM_CC_FLUSH_CONTEXT, obj, 4);
		return -1;
	}
	return simple(TPM_ST_NO_SESSIONS, TPM_CC_FLUSH_CONTEXT, obj, 4) ==
			       TPM_RC_SUCCESS
		       ? 0
		       : -1;
}

static int tpm_power_on(void)
{
	static struct libtpms_callbacks cb = {
		.sizeOfStruct = sizeof(cb),
		.tpm_nvram_init = nv_init,
		.tpm_nvram_loaddata = nv_load,
		.tpm_nvram_storedata = nv_store,
		.tpm_nvram_deletename = nv_delete,
	};
	uint32_t min, max;

	if (TPMLIB_ChooseTPMVersion(TPMLIB_TPM_VERSION_2) != TPM_SUCCESS ||
	    TPMLIB_RegisterCallbacks(&cb) != TPM_SUCCESS)
		return -1;
	if (TPMLIB_SetBufferSize(VTPM_TPM_BUFFER_SIZE, &min, &max) !=
	    VTPM_TPM_BUFFER_SIZE)
		return -1;
	return TPMLIB_MainInit() == TPM_SUCCESS ? 0 : -1;
}

/* Power-on, Startup, the endorsement keys: the TPM the guest meets. */
static int tpm_boot(void)
{
	static const uint8_t rsa_prefix[] = {VTPM_EK_RSA_PREFIX};
	static const uint8_t ecc_prefix[] = {VTPM_EK_ECC_PREFIX};
	uint8_t rsa[VTPM_EK_RSA_SIZE] = {0}, ecc[VTPM_EK_ECC_SIZE] = {0};

	_Static_assert(sizeof(rsa_prefix) == VTPM_EK_RSA_PREFIX_SIZE, "L-1");
	_Static_assert(sizeof(ecc_prefix) == VTPM_EK_ECC_PREFIX_SIZE, "L-2");
	memcpy(rsa, rsa_prefix, sizeof(rsa_prefix));
	memcpy(ecc, ecc_prefix, sizeof(ecc_prefix));
	ecc[VTPM_EK_ECC_PREFIX_SIZE + 1] = 32;
	ecc[VTPM_EK_ECC_PREFIX_SIZE + 35] = 32;
	if (mkdir(state_dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "vtpm: %s: %s\n", state_dir, strerror(errno));
		return -1;
	}
	if (tpm_power_on()) {
		fprintf(stderr, "vtpm: libtpms initialisation failed\n");
		return -1;
	}
	if (simple(TPM_ST_NO_SESSIONS, TPM_CC_STARTUP, TPM_SU_CLEAR, 2) !=
	    TPM_RC_SUCCESS) {
		fprintf(stderr, "vtpm: TPM2_Startup failed\n");
		return -1;
	}
	self_started = 1;
	if (provision_ek(VTPM_EK_RSA_HANDLE, rsa, sizeof(rsa)) ||
	    provision_ek(VTPM_EK_ECC_HANDLE, ecc, sizeof(ecc))) {
		fprintf(stderr, "vtpm: endorsement key provisioning failed\n");
		return -1;
	}
	return 0;
}

/*
 * The guest's first TPM2_Startup after this program's own: shut the TPM
 * down in order (no disorderly-reset side effects such as a lost clock or
 * a dictionary-attack count) and initialise the engine again, so the
 * guest's Startup meets a TPM that waits for one.
 */
static int tpm_hand_over(void)
{
	if (simple(TPM_ST_NO_SESSIONS, TPM_CC_SHUTDOWN, TPM_SU_CLEAR, 2) !=
	    TPM_RC_SUCCESS)
		return -1;
	TPMLIB_Terminate();
	self_started = 0;
	return tpm_power_on();
}

/* A bare response header carrying `rc`. */
static void error_response(uint32_t rc, unsigned char **rsp, uint32_t *len)
{
	static uint8_t fail[TPM_HDR_SIZE];

	vtpm_put_be16(fail, TPM_ST_NO_SESSIONS);
	vtpm_put_be32(fail + 2, TPM_HDR_SIZE);
	vtpm_put_be32(fail + 6, rc);
	*rsp = fail;
	*len = TPM_HDR_SIZE;
}

static int serve(int fd)
{
	/* One byte more than any command, so an oversized one is seen. */
	static uint8_t cmd[VTPM_BUFFER_SIZE + 1];

	for (;;) {
		unsigned char *rsp = NULL, *out;
		uint32_t rsp_len = 0, rsp_size = 0, out_len;
		ssize_t n = read(fd, cmd, sizeof(cmd));

		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "vtpm: read: %s\n", strerror(errno));
			return 1;
		}
		if (self_started && n >= (ssize_t)TPM_HDR_SIZE &&
		    vtpm_be32(cmd + 6) == TPM_CC_STARTUP && tpm_hand_over()) {
			fprintf(stderr, "vtpm: re-initialisation failed\n");
			return 1;
		}
		if ((size_t)n > VTPM_TPM_BUFFER_SIZE) {
			error_response(TPM_RC_COMMAND_SIZE, &out, &out_len);
		} else if (TPMLIB_Process(&rsp, &rsp_len, &rsp_size, cmd,
					  (uint32_t)n) != TPM_SUCCESS ||
			   rsp_len < TPM_HDR_SIZE ||
			   rsp_len > VTPM_TPM_BUFFER_SIZE) {
			free(rsp);
			rsp = NULL;
			error_response(TPM_RC_FAILURE, &out, &out_len);
		} else {
			out = rsp;
			out_len = rsp_len;
		}
		n = write(fd, out, out_len);
		free(rsp);
		/* EMSGSIZE: the SVSM could not take it, and knows. */
		if (n < 0 && errno == EMSGSIZE)
			continue;
		if (n != (ssize_t)out_len) {
			fprintf(stderr, "vtpm: write: %s\n",
				n < 0 ? strerror(errno) : "short");
			return 1;
		}
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vtpm [--channel PATH | --fd N] [--state DIR]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *channel = "/dev/vtpm";
	int fd = -1;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--channel")) {
			channel = argv[++i];
		} else if (!strcmp(argv[i], "--fd")) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 0 || v > 1023)
				usage();
			fd = (int)v;
		} else if (!strcmp(argv[i], "--state")) {
			state_dir = argv[++i];
		} else {
			usage();
		}
	}
	if (fd < 0) {
		fd = open(channel, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "vtpm: %s: %s\n", channel,
				strerror(errno));
			return 1;
		}
	}
	if (tpm_boot())
		return 1;
	return serve(fd);
}
