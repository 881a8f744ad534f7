/* proto.h: the face of src/proto, frank's protocol clients: IMAP4rev1
 * (RFC 3501, 9051), POP3 (RFC 1939, 2449) and SMTP submission (RFC 6409,
 * 5321).  They ride on src/net's blocking connections; grammars are pure
 * functions over bytes, apart from I/O, so tests and fuzzers drive them
 * directly.  Credentials go only through net_conn_write_secret(), so no
 * client can send a password on a connection without TLS. */
#ifndef FRANK_PROTO_H
#define FRANK_PROTO_H

#include <stddef.h>

#include "lib.h"
#include "net.h"

/* ===================================================================== */
/* IMAP client                                                           */
/* ===================================================================== */

/* (IMAP declarations) */




/* ===================================================================== */
/* POP3 client                                                           */
/* ===================================================================== */

/* (POP3 declarations) */




/* ===================================================================== */
/* SMTP submission client                                                */
/* ===================================================================== */

/* (SMTP declarations) */

#endif
