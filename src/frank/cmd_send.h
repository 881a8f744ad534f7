/* cmd_send.h: private to src/frank: "frank send", in cmd_send.c.  (To be
 * folded into commands.h when the verify branch, which adds it, is
 * merged.) */
#ifndef FRANK_CMD_SEND_H
#define FRANK_CMD_SEND_H

/* frank send ARGS... with argv[0] "send".  Returns the exit status: 0
 * sent, 1 not sent (the reason on standard error), 2 a usage error. */
int frank_cmd_send(int argc, char **argv);

#endif
