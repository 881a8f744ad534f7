#!/usr/bin/python3
"""smtp_aiosmtpd_server.py PORTFILE OUTDIR CERT KEY USER PASSWORD: an
aiosmtpd submission server (Debian python3-aiosmtpd) on 127.0.0.1, an
ephemeral port written to PORTFILE.  It requires STARTTLS, and AUTH
(PLAIN or LOGIN) after it, with USER and PASSWORD.  Each message it takes
is written to OUTDIR/msgN.eml (the bytes as received) and OUTDIR/msgN.env
(MAIL FROM, then one RCPT TO per line).  It runs until it is killed."""
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from aiosmtpd_store import serve_forever, store_message, tls_context


class Store:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return store_message(self.outdir, self.count, session, envelope)


def main():
    portfile, outdir, cert, key, user, password = sys.argv[1:7]

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok)

    ctx = tls_context(cert, key)
    handler = Store(outdir)
    serve_forever(portfile, lambda: SMTP(handler, hostname="aiosmtpd.test", tls_context=ctx,
                                         require_starttls=True, authenticator=authenticator,
                                         auth_required=True, auth_require_tls=True))


if __name__ == "__main__":
    main()
