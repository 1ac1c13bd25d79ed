/* SPDX-License-Identifier: MIT */
/*
 * Programs at boot: the root file-system image the IGVM file carries
 * (`csvsm-igvm build --initfs`, measured with the launch, its place in the
 * boot-info page) is unpacked into the RAM file system, then the
 * programs named by the image's /etc/start (measured: one name per line)
 * and by the command line's `start=` (comma-separated) are started, in
 * that order.
 * A name with a '/' is a program of the image run to its end (its output
 * goes to the log); any other name is an SVSM service that runs a program
 * (see boot_start_programs() for the list).
 *
 * TRUST: the archive is measured, so a bad one is a build error, but it is
 * still read with every field checked (kernel/fs/cpio.c); the command line
 * comes from the loader: an unknown or unloadable name is logged and
 * skipped, never fatal.
 */
#define LOG_PREFIX "start: "
#include "svsm/arch/time.h"

#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/cpio.h"
#include "svsm/fs.h"
#include "svsm/log.h"
#include "svsm/store_boot.h"
#include "svsm/task.h"
#include "svsm/vtpm.h"
#include "svsm/vtpm_bridge.h"

#include "lib/string.h"

#define START_MAX_PROGRAMS 8u
#define START_NAME_MAX	   64u

/* Runs one program of the image to its end, logging what it printed. */
static void run_program(const char *path)
{
	const char *const argv[] = {path, NULL};
	const struct task_limits limits = {
		.max_pages = TASK_DEFAULT_MAX_PAGES,
		.max_fds = TASK_DEFAULT_MAX_FDS,
		.time_ms = TASK_DEFAULT_TIME_MS,
	};
	struct task_result res;
	struct task *t = NULL;
	const char *why = "";
	const char *text;
	size_t len = 0;
	enum svsm_err err;

	err = task_create_path(path, argv, NULL, &limits, &t, &why);
	if (err != SVSM_OK) {
		log_error("%s: %s (%s)", path, svsm_err_name(err), why);
		return;
	}
	task_run(t, &res);
	text = task_output(t, &len);
	if (len)
		log_printf("%.*s", (int)len, text);
	if (res.end == TASK_EXITED)
		log_notice("%s exited with %d", path, res.status);
	else
		log_error("%s ended abnormally (%d)", path, (int)res.end);
	task_destroy(t);
}

/* Unpacks the image; false (logged) when there is none or it is bad. */
static bool unpack(const struct boot_params *p)
{
	const void *archive;
	const char *why = "";
	enum svsm_err err;

	if (!p->initfs_size)
		return false;
	archive = arch_phys_to_virt(p->initfs_gpa, p->initfs_size);
	if (!archive) {
		log_error("the root file-system image is not mapped");
		return false;
	}
	err = task_init();
	if (err != SVSM_OK) {
		log_error("no tasks on this CPU (%s)", svsm_err_name(err));
		return false;
	}
	if (fs_unpack_cpio(archive, p->initfs_size, &why)) {
		log_error("the root file-system image is malformed: %s", why);
		return false;
	}
	log_info("root file-system image: %llu bytes at 0x%llx",
		 (unsigned long long)p->initfs_size,
		 (unsigned long long)p->initfs_gpa);
	return true;
}

/* Where the vTPM program keeps its NV state (user/vtpm: --state). */
#define VTPM_STATE_DIR "/var/tpm"

/*
 * The vTPM service: its state directory on the store first, under the
 * key kernel/core/store_boot.c chooses (the key broker the measured image
 * pins, the secure processor's derived key, the launcher's development
 * key; docs/storage.md, "Which key at boot"), then the program. A store
 * that cannot be opened (wrong key, tampering, an older disk than the
 * broker's counter, another VM's disk) or a key source that gives no key
 * (a broker that refuses or cannot be reached) keeps the vTPM stopped, so
 * it never serves a fresh TPM in place of a state it could not read;
 * without any store the state lives in RAM only, and the log says so.
 */
static enum svsm_err vtpm_service_start(void)
{
	struct store_boot_result r;
	uint64_t t0 = arch_time_ns();
	enum svsm_err err = store_boot_mount(VTPM_STATE_DIR, &r);

	if (err != SVSM_OK) {
		if (r.why != STORE_REFUSE_NONE)
			log_error("vtpm: not started: its store cannot be "
				  "opened (%s: %s)",
				  svsm_err_name(err),
				  store_refusal_name(r.why));
		return err;
	}
	/* The time to open (or format) the store: a make bench figure. */
	if (r.mounted)
		log_notice("vtpm: state in the store (%s in %llu us)",
			   r.formatted ? "new, formatted" : "opened",
			   (unsigned long long)((arch_time_ns() - t0) / 1000));
	return vtpm_start();
}

/*
 * The SVSM's services that run a program of the image: a name for start=
 * and /etc/start, how to start it, and for the vTPM how the host bridge
 * reaches it (include/svsm/vtpm.h); the list ends with an empty row.
 */
static const struct service {
	const char *name;
	enum svsm_err (*start)(void);
	vtpm_bridge_cmd_fn bridge_cmd;
} services[] = {
	{"vtpm", vtpm_service_start, vtpm_cmd},
	{NULL, NULL, NULL},
};

static const struct service *find_service(const char *name)
{
	for (const struct service *s = services; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static void start_one(const char *name)
{
	const struct service *s;
	enum svsm_err err;

	if (name[0] == '/') {
		run_program(name);
		return;
	}
	s = find_service(name);
	if (!s) {
		log_error("%s: no such service", name);
		return;
	}
	err = s->start();
	if (err != SVSM_OK)
		log_error("%s did not start (%s)", name, svsm_err_name(err));
	else
		log_notice("%s started", name);
}

/* The names of the image's /etc/start, one a line ('#' starts a comment). */
static void start_from_config(const struct boot_params *p)
{
	const void *archive = arch_phys_to_virt(p->initfs_gpa, p->initfs_size);
	struct cpio_entry e;
	const char *why = "";
	bool found = false;
	unsigned int count = 0;
	size_t i = 0;

	if (cpio_find(archive, p->initfs_size, "etc/start", &e, &found, &why) !=
		    SVSM_OK ||
	    !found)
		return;
	while (i < e.size && count < START_MAX_PROGRAMS) {
		char name[START_NAME_MAX];
		size_t n = 0;

		while (i < e.size && (e.data[i] == ' ' || e.data[i] == '\n'))
			i++;
		if (i < e.size && e.data[i] == '#') {
			while (i < e.size && e.data[i] != '\n')
				i++;
			continue;
		}
		while (i < e.size && e.data[i] != ' ' && e.data[i] != '\n') {
			if (n + 1 < sizeof(name))
				name[n] = (char)e.data[i];
			n++;
			i++;
		}
		if (!n)
			break;
		if (n >= sizeof(name)) {
			log_error("/etc/start: a name of %zu bytes", n);
			continue;
		}
		name[n] = '\0';
		start_one(name);
		count++;
	}
}

void boot_start_programs(void)
{
	const struct boot_params *p = boot_params();
	char name[BOOT_CMDLINE_MAX];
	bool have_fs = unpack(p);

	if (have_fs)
		start_from_config(p);
	for (unsigned int i = 0; i < START_MAX_PROGRAMS; i++) {
		if (!cmdline_start_item(p->cmdline, i, name, sizeof(name)))
			break;
		if (!have_fs)
			log_error("%s: no root file-system image", name);
		else
			start_one(name);
	}
}

void boot_host_bridge(void)
{
	const struct service *s;

	if (!cmdline_has(boot_params()->cmdline, "vtpm_bridge"))
		return;
	s = find_service("vtpm");
	if (!s || !s->bridge_cmd) {
		log_error("vtpm_bridge: this SVSM has no vTPM");
		return;
	}
	vtpm_host_bridge_run(s->bridge_cmd);
}
