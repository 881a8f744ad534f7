"""aiosmtpd_store.py: what the aiosmtpd servers of the tests share (Debian
python3-aiosmtpd): writing a message they took to OUTDIR, and serving on
an ephemeral port of 127.0.0.1 written to PORTFILE."""
import asyncio
import os
import ssl


def store_message(outdir, count, session, envelope, with_tls=False):
    """OUTDIR/msgCOUNT.eml (the bytes as received, renamed in place whole)
    and OUTDIR/msgCOUNT.env (MAIL FROM, one RCPT TO per line, then
    "tls yes|no" when with_tls)."""
    base = os.path.join(outdir, "msg%d" % count)
    with open(base + ".eml.tmp", "wb") as f:
        f.write(envelope.original_content or envelope.content)
    with open(base + ".env", "w") as f:
        f.write(envelope.mail_from + "\n")
        for rcpt in envelope.rcpt_tos:
            f.write(rcpt + "\n")
        if with_tls:
            f.write("tls %s\n" % ("yes" if session.ssl else "no"))
    os.rename(base + ".eml.tmp", base + ".eml")
    return "250 2.0.0 Ok: stored as msg%d" % count


def tls_context(cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def serve_forever(portfile, factory):
    """Listens on 127.0.0.1, an ephemeral port, writes it to PORTFILE
    (renamed in place, so a reader never sees half), runs until killed."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % server.sockets[0].getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    loop.run_forever()
