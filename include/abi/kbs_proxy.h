/* SPDX-License-Identifier: MIT */
/*
 * The framing between the SVSM and its host proxy (tools/csvsm-aproxy),
 * csvsm's own: one HTTP exchange with the key broker per request frame.
 * The proxy is untrusted; it turns a request frame into an HTTP request
 * to the broker and the broker's answer into a response frame, and keeps
 * the broker's session cookie. Everything that matters is protected end
 * to end (the SNP report, the JWE, the broker's signature), so the proxy
 * can deny service but not forge. docs/attestation-proxy.md describes the
 * flow. All integers little-endian.
 *
 *   request  (SVSM -> proxy): kbs_proxy_req, then path_len bytes of path
 *                             (ASCII, starts with '/'), then body_len
 *                             bytes of body (JSON, for POST)
 *   response (proxy -> SVSM): kbs_proxy_rsp, then body_len bytes of the
 *                             HTTP answer's body
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define KBS_PROXY_MAGIC_REQ 0x5153424bu /* "KBSQ" */
#define KBS_PROXY_MAGIC_RSP 0x5253424bu /* "KBSR" */

#define KBS_PROXY_GET  1u
#define KBS_PROXY_POST 2u

/* Limits both sides enforce before reading a body. */
#define KBS_PROXY_PATH_MAX 256u
#define KBS_PROXY_BODY_MAX 65536u

/*
 * status of a response: the HTTP status, or 0 when the proxy could not
 * reach the broker (the body is then the proxy's one-line reason).
 */
#define KBS_PROXY_STATUS_UNREACHABLE 0u

/* The vsock port the proxy listens on (host side, CID 2). */
#define KBS_PROXY_VSOCK_PORT 1995u

struct kbs_proxy_req {
	uint32_t magic; /* KBS_PROXY_MAGIC_REQ */
	uint16_t method;
	uint16_t path_len;
	uint32_t body_len;
};

struct kbs_proxy_rsp {
	uint32_t magic; /* KBS_PROXY_MAGIC_RSP */
	uint32_t status;
	uint32_t body_len;
};

_Static_assert(sizeof(struct kbs_proxy_req) == 12, "kbs_proxy_req is 12 bytes");
_Static_assert(offsetof(struct kbs_proxy_req, body_len) == 8,
	       "kbs_proxy_req.body_len at 8");
_Static_assert(sizeof(struct kbs_proxy_rsp) == 12, "kbs_proxy_rsp is 12 bytes");
