// SPDX-License-Identifier: MIT
/*
 * Debian's OpenSSL (libcrypto.a, linked statically) in a csvsm task:
 * initialisation, SHA-256 of fixed inputs, AES-256-GCM encryption and
 * decryption with a fixed key, the tag refused after tampering, and the
 * random generator seeded through getrandom. Only deterministic results are
 * printed, so csvsm's output can be compared with the host's.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

static void hex(const char *what, const unsigned char *p, size_t n)
{
	printf("%s: ", what);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static int sha256(void)
{
	static unsigned char big[1 << 20];
	unsigned char md[32];
	unsigned int n = 0;

	if (!EVP_Digest("abc", 3, md, &n, EVP_sha256(), NULL))
		return 1;
	hex("sha256(abc)", md, n);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 131 + 7);
	if (!EVP_Digest(big, sizeof(big), md, &n, EVP_sha256(), NULL))
		return 1;
	hex("sha256(1 MiB)", md, n);
	return 0;
}

static int gcm(int encrypt, const unsigned char *in, int len,
	       unsigned char *out, unsigned char *tag)
{
	static const unsigned char key[32] = "csvsm user-mode test key 256bit";
	static const unsigned char iv[12] = "nonce 12 byt";
	static const unsigned char aad[] = "header";
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0;
	int m = 0;
	int ok;

	ok = c &&
	     EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv, encrypt) &&
	     EVP_CipherUpdate(c, NULL, &n, aad, (int)sizeof(aad) - 1) &&
	     EVP_CipherUpdate(c, out, &n, in, len);
	if (ok && !encrypt)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag);
	ok = ok && EVP_CipherFinal_ex(c, out + n, &m);
	if (ok && encrypt)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag);
	EVP_CIPHER_CTX_free(c);
	return ok ? n + m : -1;
}

static int aes_gcm(void)
{
	static const unsigned char msg[] =
		"a message for the vTPM's future, 48 bytes long.";
	unsigned char ct[64];
	unsigned char pt[64];
	unsigned char tag[16];
	int n = gcm(1, msg, (int)sizeof(msg) - 1, ct, tag);

	if (n < 0)
		return 1;
	hex("aes-256-gcm ciphertext", ct, (size_t)n);
	hex("aes-256-gcm tag", tag, sizeof(tag));
	n = gcm(0, ct, n, pt, tag);
	printf("decrypt: %s\n",
	       n == (int)sizeof(msg) - 1 && !memcmp(pt, msg, (size_t)n)
		       ? "ok"
		       : "wrong");
	tag[0] ^= 1;
	printf("tampered tag: %s\n",
	       gcm(0, ct, (int)sizeof(msg) - 1, pt, tag) < 0 ? "refused"
							     : "accepted");
	return 0;
}

int main(void)
{
	unsigned char r1[32];
	unsigned char r2[32];

	if (!OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL))
		return 1;
	printf("%s\n", OpenSSL_version(OPENSSL_VERSION) ? "openssl ok" : "");
	if (sha256() || aes_gcm())
		return 2;
	if (RAND_bytes(r1, sizeof(r1)) != 1 || RAND_bytes(r2, sizeof(r2)) != 1)
		return 3;
	printf("RAND_bytes: two draws differ: %s\n",
	       memcmp(r1, r2, sizeof(r1)) ? "yes" : "no");
	return 0;
}
