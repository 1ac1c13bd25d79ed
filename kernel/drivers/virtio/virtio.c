/* SPDX-License-Identifier: MIT */
/*
 * The device-independent part of virtio initialisation (virtio 1.2
 * §3.1.1): reset, status bits, feature negotiation, and configuration
 * reads inside the configuration-generation loop (§2.5.1), for any
 * transport.
 *
 * TRUST: the device's status, feature words and configuration are host
 * input. Features are taken only when offered and allow-listed by the
 * driver; a device that drops FEATURES_OK, never finishes a reset or keeps
 * changing its configuration generation gets FAILED and an error, never a
 * hang.
 */
#define LOG_PREFIX "virtio: "
#include "svsm/virtio.h"

#include "svsm/log.h"

/* Bounded waits: polls of about 10 us each (1 s), and generation retries. */
#define VIRTIO_RESET_POLLS	100000u
#define VIRTIO_GENERATION_TRIES 16u

enum svsm_err virtio_reset(struct virtio_dev *d)
{
	d->ops->set_status(d, 0);
	for (uint32_t i = 0; i < VIRTIO_RESET_POLLS; i++) {
		if (d->ops->get_status(d) == 0)
			return SVSM_OK;
		d->ops->wait(d, 10);
	}
	log_notice("%s: reset did not complete", d->name);
	return SVSM_E_TIMEOUT;
}

void virtio_fail(struct virtio_dev *d)
{
	d->ops->set_status(
		d, (uint8_t)(d->ops->get_status(d) | VIRTIO_STATUS_FAILED));
}

static void add_status(struct virtio_dev *d, uint8_t bits)
{
	d->ops->set_status(d, (uint8_t)(d->ops->get_status(d) | bits));
}

enum svsm_err virtio_negotiate(struct virtio_dev *d, uint64_t wanted,
			       uint64_t required)
{
	uint64_t offered;
	uint64_t take;
	enum svsm_err err;

	d->features = 0;
	err = virtio_reset(d);
	if (err != SVSM_OK)
		return err;
	add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(d, VIRTIO_STATUS_DRIVER);
	required |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
	wanted |= required | VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM);
	offered = d->ops->get_features(d);
	take = offered & wanted;
	if ((take & required) != required) {
		log_notice("%s: features 0x%llx lack required 0x%llx", d->name,
			   (unsigned long long)offered,
			   (unsigned long long)required);
		virtio_fail(d);
		return SVSM_E_UNSUPPORTED;
	}
	d->ops->set_features(d, take);
	add_status(d, VIRTIO_STATUS_FEATURES_OK);
	if (!(d->ops->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) {
		log_notice("%s: device refused features 0x%llx", d->name,
			   (unsigned long long)take);
		virtio_fail(d);
		return SVSM_E_HW;
	}
	d->features = take;
	return SVSM_OK;
}

enum svsm_err virtio_driver_ok(struct virtio_dev *d)
{
	add_status(d, VIRTIO_STATUS_DRIVER_OK);
	if (d->ops->get_status(d) & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return SVSM_E_HW;
	return SVSM_OK;
}

static enum svsm_err read_raw(struct virtio_dev *d, uint32_t off,
			      unsigned int width, uint64_t *out)
{
	uint32_t lo = 0;
	uint32_t hi = 0;
	enum svsm_err err;

	/* 64-bit fields as two 32-bit halves (virtio 1.2 §4.1.3.1). */
	err = d->ops->config_read(d, off, width == 8 ? 4 : width, &lo);
	if (err == SVSM_OK && width == 8)
		err = d->ops->config_read(d, off + 4, 4, &hi);
	*out = (uint64_t)hi << 32 | lo;
	return err;
}

enum svsm_err virtio_config_read(struct virtio_dev *d, uint32_t off,
				 unsigned int width, uint64_t *out)
{
	*out = 0;
	if (width != 1 && width != 2 && width != 4 && width != 8)
		return SVSM_E_INVAL;
	for (unsigned int i = 0; i < VIRTIO_GENERATION_TRIES; i++) {
		uint32_t before = d->ops->config_generation(d);
		uint64_t v = 0;
		enum svsm_err err = read_raw(d, off, width, &v);

		if (err != SVSM_OK)
			return err;
		if (d->ops->config_generation(d) == before) {
			*out = v;
			return SVSM_OK;
		}
	}
	log_notice("%s: configuration generation never settled", d->name);
	return SVSM_E_HW;
}
