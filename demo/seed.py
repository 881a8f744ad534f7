#!/usr/bin/python3
"""seed.py: fills the demo's mailboxes by sending through the real chain.

Legitimate mail goes in by submission (587-style port, STARTTLS, an app
password) to the sender's own frankd, which signs it with DKIM and relays it
by MX to the other domain's frankd.  The attacks go in the way attackers send:
straight to the victim's MX (port-25 style), from a loopback address the
sender's SPF record does not list, or signed and then altered.

Usage: seed.py DEMO_DIR   (reads DEMO_DIR/demo.env, written by frank-demo.sh)

Every message it sends is listed on standard output, one line each.  It
exits 1 with one line on standard error when a server refuses what the
demo needs.
"""
import email.message
import email.utils
import os
import smtplib
import ssl
import sys
import time

import dkim  # dkimpy (Debian: python3-dkim), only for the crafted attacks


def load_env(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                env[key] = value
    return env


class Demo:
    def __init__(self, directory):
        self.dir = directory
        self.env = load_env(os.path.join(directory, "demo.env"))
        self.day = 0

    def get(self, key):
        return self.env[key]

    # --- message building -------------------------------------------------

    def message(self, sender, to, subject, body, reply_to_msg=None, html=None,
                attachment=None):
        m = email.message.EmailMessage()
        m["From"] = sender
        m["To"] = to
        m["Subject"] = subject
        # Spread the dates over the last days, oldest first, so the index
        # reads as a history.
        self.day += 1
        when = time.time() - (12 - self.day) * 6 * 3600
        m["Date"] = email.utils.formatdate(when, localtime=False)
        domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "demo.test"
        m["Message-ID"] = email.utils.make_msgid(domain=domain)
        if reply_to_msg is not None:
            m["In-Reply-To"] = reply_to_msg["Message-ID"]
            m["References"] = reply_to_msg["Message-ID"]
        m.set_content(body)
        if html:
            m.add_alternative(html, subtype="html")
        if attachment:
            name, ctype, data = attachment
            maintype, subtype = ctype.split("/")
            m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        return m

    # --- the ways in --------------------------------------------------------

    def submit(self, who, msg):
        """Submission as a mail client does it: STARTTLS, then AUTH."""
        host = self.get(who.upper() + "_IP")
        port = int(self.get("SUBMISSION_PORT"))
        ctx = ssl.create_default_context(cafile=self.get(who.upper() + "_CERT"))
        # The certificate is pinned by the CA file: it is frankd's own,
        # self-signed, for its hostname, while we connect by address.
        ctx.check_hostname = False
        with smtplib.SMTP(host, port, timeout=30) as s:
            s.ehlo("demo-client.test")
            s.starttls(context=ctx)
            s.ehlo("demo-client.test")
            s.login(who, self.get(who.upper() + "_PASSWORD"))
            s.send_message(msg)
        print("submitted  %-28s -> %-20s %s" % (msg["From"], msg["To"], msg["Subject"]))

    def inject(self, source_ip, to_who, mail_from, msg_bytes, what):
        """Straight to the victim's MX, from source_ip, no AUTH."""
        host = self.get(to_who.upper() + "_IP")
        port = int(self.get("SMTP_PORT"))
        rcpt = self.get(to_who.upper() + "_ADDRESS")
        with smtplib.SMTP(host, port, timeout=30, source_address=(source_ip, 0),
                          local_hostname="mail.attacker.test") as s:
            s.sendmail(mail_from, [rcpt], msg_bytes)
        print("injected   from %-15s -> %-20s %s" % (source_ip, rcpt, what))

    def signed(self, msg, domain, selector, key_file, length=False, when=None):
        raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
        with open(key_file, "rb") as f:
            key = f.read()
        # dkimpy stamps t= with time.time(): an old signature borrows its clock.
        real_time = time.time
        if when is not None:
            time.time = lambda: when
        try:
            sig = dkim.sign(raw, selector.encode(), domain.encode(), key,
                            include_headers=[b"from", b"to", b"subject", b"date",
                                             b"message-id"],
                            length=length)
        finally:
            time.time = real_time
        return sig + raw


def wait_for(path_counts, seconds):
    """Waits until each Maildir holds at least its count of new messages."""
    deadline = time.time() + seconds
    while True:
        short = []
        for path, count in path_counts:
            have = 0
            for sub in ("new", "cur"):
                try:
                    have += len(os.listdir(os.path.join(path, sub)))
                except FileNotFoundError:
                    pass
            if have < count:
                short.append("%s: %d of %d" % (path, have, count))
        if not short:
            return
        if time.time() > deadline:
            raise SystemExit("seed.py: mail was not delivered in %d s (%s)"
                             % (seconds, "; ".join(short)))
        time.sleep(0.2)


def seed(demo):
    alice = "Alice Liddell <alice@alice.test>"
    bob = "Bob Builder <bob@bob.test>"
    photo = bytes(range(256)) * 64  # 16 KB, every byte value

    # 1. A conversation between the two domains, by submission and relay.
    lunch = demo.message(alice, bob, "Lunch on Friday?",
                         "Hi Bob,\n\nShall we have lunch on Friday? The usual place.\n\nAlice\n")
    demo.submit("alice", lunch)
    reply = demo.message(bob, alice, "Re: Lunch on Friday?",
                         "Friday works. A photo of the new menu is attached.\n\n"
                         "> Shall we have lunch on Friday?\n\nBob\n",
                         reply_to_msg=lunch,
                         attachment=("menu-photo.bin", "application/octet-stream", photo))
    demo.submit("bob", reply)
    plan = demo.message(alice, bob, "Re: Lunch on Friday?",
                        "Perfect, see you at noon. The agenda for after lunch is attached.\n",
                        reply_to_msg=reply,
                        attachment=("agenda.txt", "text/plain",
                                    b"12:00 lunch\n13:00 walk\n14:00 back to work\n"))
    demo.submit("alice", plan)
    news = demo.message("Bob's Weekly <bob@bob.test>", alice, "Bob's Weekly: issue 42",
                        "This week: bricks, mortar, and a new crane.\n"
                        "Read it in a browser for the pictures.\n",
                        html="<html><body><h1>Bob's Weekly</h1><p>This week: <b>bricks</b>, "
                             "mortar, and a <a href=\"https://bob.test/crane\">new crane</a>."
                             "</p></body></html>")
    demo.submit("bob", news)
    wait_for([(demo.get("ALICE_MAILDIR"), 2), (demo.get("BOB_MAILDIR"), 2)], 60)

    # 2. The attacks, each straight to alice's MX.
    attacker_ip = demo.get("ATTACKER_IP")
    forged = demo.message(bob, alice, "Urgent: new bank details",
                          "Please pay the invoice to the new account below.\n")
    demo.inject(attacker_ip, "alice", "bob@bob.test", forged.as_bytes(),
                "forged From bob.test, from an address bob.test's SPF does not list")

    altered = demo.message(bob, alice, "Invoice 2024-118",
                           "The amount due is 120 EUR.\n")
    raw = demo.signed(altered, "bob.test", "demo", demo.get("BOB_DKIM_KEY"))
    raw = raw.replace(b"120 EUR", b"9120 EUR")
    demo.inject(demo.get("BOB_IP"), "alice", "bob@bob.test", raw,
                "signed by bob.test, then altered on the way")

    partial = demo.message(bob, alice, "Minutes of the meeting",
                           "The minutes are below.\n")
    raw = demo.signed(partial, "bob.test", "demo", demo.get("BOB_DKIM_KEY"), length=True)
    raw += b"\r\nP.S. Also wire 500 EUR to the account in the invoice.\r\n"
    demo.inject(attacker_ip, "alice", "bob@bob.test", raw,
                "bob.test's l= signature replayed with text added, from the attacker")

    spoof = demo.message('"bob@bob.test" <billing@evil.test>', alice, "Your invoice is ready",
                         "Open the attachment to see your invoice.\n")
    demo.inject(attacker_ip, "alice", "billing@evil.test", spoof.as_bytes(),
                "display name claiming bob@bob.test, from evil.test")

    lookalike = demo.message("Bob Builder <bob@b0b.test>", alice, "Change of plans",
                             "Lunch is off. Can you send me the key code instead?\n")
    demo.inject(attacker_ip, "alice", "bob@b0b.test", lookalike.as_bytes(),
                "from b0b.test, a lookalike of bob.test")

    plain = demo.message("Prize Office <winner@evil.test>", alice, "You have won!",
                         "Claim your prize today.\n")
    demo.inject(attacker_ip, "alice", "winner@evil.test", plain.as_bytes(),
                "unsigned, from a domain that publishes nothing")

    old = demo.message(bob, alice, "Old news: the 2019 party",
                       "Photos from the 2019 party, found in the archive.\n")
    raw = demo.signed(old, "bob.test", "y2019", demo.get("BOB_DKIM_KEY"),
                      when=int(time.time()) - 3 * 365 * 86400)
    demo.inject(demo.get("ARCHIVE_IP"), "alice", "bob@bob.test", raw,
                "signed years ago with a key bob.test no longer publishes, resent by an archive")
    wait_for([(demo.get("ALICE_MAILDIR"), 9)], 60)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: seed.py DEMO_DIR\n")
        return 2
    try:
        seed(Demo(sys.argv[1]))
    except (OSError, smtplib.SMTPException, KeyError) as e:
        sys.stderr.write("seed.py: %s: %s\n" % (type(e).__name__, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
