#!/usr/bin/python3
"""smtp_aiosmtpd_server.py PORTFILE OUTDIR CERT KEY USER PASSWORD: an
aiosmtpd submission server (Debian python3-aiosmtpd) on 127.0.0.1, an
ephemeral port written to PORTFILE.  It requires STARTTLS, and AUTH
(PLAIN or LOGIN) after it, with USER and PASSWORD.  Each message it takes
is written to OUTDIR/msgN.eml (the bytes as received) and OUTDIR/msgN.env
(MAIL FROM, then one RCPT TO per line).  It runs until it is killed."""
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Store:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.outdir, "msg%d" % self.count)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".env", "w") as f:
            f.write(envelope.mail_from + "\n")
            for rcpt in envelope.rcpt_tos:
                f.write(rcpt + "\n")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Ok: stored as msg%d" % self.count


def main():
    portfile, outdir, cert, key, user, password = sys.argv[1:7]

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok)

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    handler = Store(outdir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname="aiosmtpd.test", tls_context=ctx, require_starttls=True,
                     authenticator=authenticator, auth_required=True, auth_require_tls=True),
        "127.0.0.1", 0))
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % server.sockets[0].getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    loop.run_forever()


if __name__ == "__main__":
    main()
