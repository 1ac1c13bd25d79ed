/* SPDX-License-Identifier: MIT */
/*
 * The key-broker client's transport over virtio-vsock (docs/vsock.md):
 * one stream connection to the proxy on the host (CID 2, port
 * KBS_PROXY_VSOCK_PORT) for the whole attestation. The host sees and can
 * change every byte; the client does not rely on it for anything but
 * delivery.
 */
#include "svsm/vsock.h"

#include "abi/kbs_proxy.h"

#include "kbs_int.h"

/* A broker behind a proxy answers in seconds; the SVSM waits this long. */
#define KBS_VSOCK_TIMEOUT_US 30000000u

static enum svsm_err vs_send(void *ctx, const void *buf, size_t len)
{
	return vsock_send(ctx, buf, len, KBS_VSOCK_TIMEOUT_US, NULL);
}

static enum svsm_err vs_recv(void *ctx, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		size_t got = 0;
		enum svsm_err err =
			vsock_recv(ctx, p, len, KBS_VSOCK_TIMEOUT_US, &got);

		if (err != SVSM_OK)
			return err;
		if (got == 0)
			return SVSM_E_HW; /* end of stream in a frame */
		p += got;
		len -= got;
	}
	return SVSM_OK;
}

enum svsm_err kbs_vsock_open(struct kbs_transport *t)
{
	struct vsock_dev *v = vsock_default();
	struct vsock_conn *c;
	enum svsm_err err;

	if (!v)
		return SVSM_E_UNSUPPORTED;
	err = vsock_connect(v, KBS_PROXY_VSOCK_PORT, KBS_VSOCK_TIMEOUT_US, &c);
	if (err != SVSM_OK)
		return err;
	t->ctx = c;
	t->send = vs_send;
	t->recv = vs_recv;
	return SVSM_OK;
}

void kbs_vsock_close(struct kbs_transport *t)
{
	if (t->ctx)
		vsock_close(t->ctx);
	t->ctx = NULL;
}
