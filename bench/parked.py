"""Holds N long-polls parked in akkawsgi and reports the server's memory (run by bench/parked.sh)."""
import asyncio
import sys


async def park(port, i):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /park?ch=bench&timeout=300&action=http-204&id=%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
    await writer.drain()
    return reader, writer


async def main(port, count, pid, settle):
    connections = []
    for start in range(0, count, 500):
        connections += await asyncio.gather(*(park(port, i) for i in range(start, min(count, start + 500))))
    await asyncio.sleep(settle)
    with open("/proc/%s/status" % pid) as status:
        rss = next(line.split()[1] for line in status if line.startswith("VmRSS:"))
    print("held=%d rss_kib=%s" % (len(connections), rss), flush=True)
    await asyncio.sleep(3)  # still held while the server is asked for its counters
    for _, writer in connections:
        writer.close()


asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])))
