"""Runs a command on a pseudo-terminal, answering prompts: pty-run.py ANSWERS_JSON CMD...

ANSWERS_JSON is a list of [prompt, reply] pairs: wait until `prompt` appears in the
output, then type `reply`. Prints everything the terminal showed, then exits with the
command's exit code. Used by the e2e tests to drive the hidden prompt as a user would.
"""
import json
import os
import pty
import select
import sys
import time


def main() -> int:
    answers = json.loads(sys.argv[1])
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
    seen = b""
    deadline = time.time() + 30
    while time.time() < deadline:
        if answers and answers[0][0].encode() in seen:
            prompt, reply = answers.pop(0)
            seen = seen.replace(prompt.encode(), b"<" + prompt.encode() + b">", 1)
            os.write(fd, reply.encode())
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    sys.stdout.write(seen.decode("utf-8", "replace"))
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
