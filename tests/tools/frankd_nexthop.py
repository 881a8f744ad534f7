#!/usr/bin/python3
"""frankd_nexthop.py PORTFILE OUTDIR CERT KEY: an aiosmtpd (Debian
python3-aiosmtpd) MX-like next hop on 127.0.0.1, an ephemeral port written
to PORTFILE, for frankd's relay tests.  It offers STARTTLS (not required)
and no AUTH.  What it answers depends on the recipient's local part:

  nouser...   550 5.1.1 at RCPT TO
  grey...     451 4.7.1 at the end of DATA to the first message that has
              one, then 250 (greylisting)
  slow...     451 4.3.0 at RCPT TO, always
  else        250

Each message taken is written to OUTDIR/msgN.eml (the bytes received) and
OUTDIR/msgN.env (MAIL FROM, one RCPT TO per line, then "tls yes|no").
Every DATA try is counted in OUTDIR/tries.  It runs until killed."""
import os
import sys

from aiosmtpd.smtp import SMTP

from aiosmtpd_store import serve_forever, store_message, tls_context


class NextHop:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0
        self.tries = 0
        self.greylisted = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("nouser"):
            return "550 5.1.1 <%s>: no such user here" % address
        if local.startswith("slow"):
            return "451 4.3.0 <%s>: mailbox busy, try later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        with open(os.path.join(self.outdir, "tries"), "w") as f:
            f.write("%d\n" % self.tries)
        grey = any(r.split("@")[0].startswith("grey") for r in envelope.rcpt_tos)
        if grey and not self.greylisted:
            self.greylisted = True
            return "451 4.7.1 Greylisted, try again later"
        self.count += 1
        return store_message(self.outdir, self.count, session, envelope, with_tls=True)


def main():
    portfile, outdir, cert, key = sys.argv[1:5]
    ctx = tls_context(cert, key)
    handler = NextHop(outdir)
    serve_forever(portfile, lambda: SMTP(handler, hostname="mx.next.test", tls_context=ctx,
                                         require_starttls=False))


if __name__ == "__main__":
    main()
