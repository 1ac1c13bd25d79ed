/* SPDX-License-Identifier: MIT */
/*
 * A bounded printf-style formatter (see include/lib/format.h). It never
 * writes past `size` bytes and handles NULL strings. Shared by the kernel
 * console and the hosted unit tests, which check it against the C library.
 */
#include "lib/format.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* length the full output would have */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int count)
{
	while (count-- > 0)
		out_char(o, c);
}

struct spec {
	bool left;
	bool zero;
	int width;
	int precision; /* -1 when not given */
	int length;    /* 0 int, 1 long, 2 long long, -1 short, -2 char */
};

static void out_number(struct out *o, const struct spec *sp, uint64_t v,
		       bool negative, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	int pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	pad = sp->width - n - (negative ? 1 : 0);
	if (!sp->left && !sp->zero)
		out_pad(o, ' ', pad);
	if (negative)
		out_char(o, '-');
	if (!sp->left && sp->zero)
		out_pad(o, '0', pad);
	while (n)
		out_char(o, tmp[--n]);
	if (sp->left)
		out_pad(o, ' ', pad);
}

static void out_string(struct out *o, const struct spec *sp, const char *s)
{
	int n = 0;

	if (!s)
		s = "(null)";
	/* Check the bound first: %.Ns must not read s[N]. */
	while ((sp->precision < 0 || n < sp->precision) && s[n])
		n++;
	if (!sp->left)
		out_pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		out_char(o, s[i]);
	if (sp->left)
		out_pad(o, ' ', sp->width - n);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){.precision = -1};
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	if (*f == '*') {
		int w = va_arg(*ap, int);

		/* C11 7.21.6.1p5: a negative width is '-' plus its magnitude. */
		if (w < 0) {
			sp->left = true;
			w = w == INT32_MIN ? INT32_MAX : -w;
		}
		sp->width = w;
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			int p = va_arg(*ap, int);

			/* A negative precision is as if it were omitted. */
			sp->precision = p < 0 ? -1 : p;
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->precision = sp->precision * 10 + (*f++ - '0');
	}
	for (;; f++) {
		if (*f == 'l')
			sp->length++;
		else if (*f == 'z')
			sp->length = 1;
		else if (*f == 'h')
			sp->length--;
		else
			break;
	}
	return f;
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->length >= 2)
		return va_arg(*ap, unsigned long long);
	if (sp->length == 1)
		return va_arg(*ap, unsigned long);
	if (sp->length == -1)
		return (unsigned short)va_arg(*ap, unsigned int);
	if (sp->length <= -2)
		return (unsigned char)va_arg(*ap, unsigned int);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	if (sp->length >= 2)
		return va_arg(*ap, long long);
	if (sp->length == 1)
		return va_arg(*ap, long);
	if (sp->length == -1)
		return (short)va_arg(*ap, int);
	if (sp->length <= -2)
		return (signed char)va_arg(*ap, int);
	return va_arg(*ap, int);
}

static void out_conversion(struct out *o, const struct spec *sp, char conv,
			   va_list *ap)
{
	int64_t s;

	switch (conv) {
	case 'd':
	case 'i':
		s = arg_signed(sp, ap);
		/* Negate in unsigned arithmetic: INT64_MIN has no positive. */
		out_number(o, sp, s < 0 ? 0 - (uint64_t)s : (uint64_t)s, s < 0,
			   10, false);
		break;
	case 'u':
		out_number(o, sp, arg_unsigned(sp, ap), false, 10, false);
		break;
	case 'x':
	case 'X':
		out_number(o, sp, arg_unsigned(sp, ap), false, 16, conv == 'X');
		break;
	case 'p': {
		struct spec p = {.zero = true, .width = 16, .precision = -1};

		out_char(o, '0');
		out_char(o, 'x');
		out_number(o, &p, (uint64_t)(uintptr_t)va_arg(*ap, void *),
			   false, 16, false);
		break;
	}
	case 's':
		out_string(o, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		out_pad(o, ' ', sp->left ? 0 : sp->width - 1);
		out_char(o, (char)va_arg(*ap, int));
		out_pad(o, ' ', sp->left ? sp->width - 1 : 0);
		break;
	case '%':
		out_char(o, '%');
		break;
	default:
		/* Unknown conversion: print it verbatim, consume nothing. */
		out_char(o, '%');
		out_char(o, conv);
		break;
	}
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size, .len = 0};
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		struct spec sp;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!*fmt)
			break;
		out_conversion(&o, &sp, *fmt++, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
