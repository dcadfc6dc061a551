/*
 * struct frame: the capture -> parse boundary. A frame is borrowed from
 * libpcap (or a test) and valid only during the parse call; it carries no
 * pointers other than the packet bytes, so it could cross a privsep pipe.
 */
#ifndef IPD_FRAME_H
#define IPD_FRAME_H
#include <stddef.h>
#include <stdint.h>

struct frame {
	const uint8_t *data;
	size_t caplen;       /* bytes present */
	size_t wirelen;      /* bytes on the wire */
	int64_t ts_us;       /* capture time, microseconds since the epoch */
	int linktype;        /* DLT_* of the source */
	const char *iface;   /* interface name or file name; never NULL */
};

#endif
