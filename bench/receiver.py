#!/usr/bin/env python3
"""A local webhook receiver for the notification benchmark.

Listens on 127.0.0.1:PORT, answers every POST with 204 and records, per distinct `webhook-id`,
the wall-clock time of its first arrival; `GET /progress` returns the counts so far. On SIGTERM it
writes `{"arrivals": {id: unix_seconds}, "posts": n}` to OUT and exits.

A minimal HTTP/1.1 server on asyncio (keep-alive, Content-Length bodies only: what Vigil's webhook
client sends), several times faster than http.server's thread per connection, so that the receiver
is not what the benchmark measures.

Usage: receiver.py PORT OUT   (prints "ready" on stdout once listening)
"""
import asyncio
import json
import signal
import sys
import time

arrivals = {}
posts = 0


async def handle(reader, writer):
    global posts
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            now = time.time()
            lines = head.decode("latin-1").split("\r\n")
            method = lines[0].split(" ", 1)[0]
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            if length:
                await reader.readexactly(length)
            if method == "POST":
                posts += 1
                message_id = headers.get("webhook-id")
                if message_id and message_id not in arrivals:
                    arrivals[message_id] = now
                writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            else:
                body = json.dumps({"distinct": len(arrivals), "posts": posts,
                                   "last": max(arrivals.values()) if arrivals else None}).encode()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
    finally:
        writer.close()


async def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print("ready", flush=True)
    await stop.wait()
    server.close()
    with open(out, "w") as f:
        json.dump({"arrivals": arrivals, "posts": posts}, f)


if __name__ == "__main__":
    asyncio.run(main())
