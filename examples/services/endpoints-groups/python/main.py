import asyncio
import json
import os
import sys

import nats
from nats.micro import add_service
from nats.micro.request import ServiceError


def operands(req):
    """The two integers of a request such as `84 2`."""
    fields = req.data.decode().split()
    try:
        a, b = (int(field) for field in fields)
    except ValueError:
        raise ServiceError("400", "expected two integers")
    return a, b


async def main():
    nc = await nats.connect(os.environ.get("NATS_URL", "nats://127.0.0.1:4222"))

    # A service is declared with a name, a version and a description. The
    # name is what callers and monitoring tools look it up by; several
    # instances may share it. `add_service` also subscribes the service to
    # the discovery subjects under `$SRV`.
    svc = await add_service(
        nc,
        name="calculator",
        version="1.0.0",
        description="Adds and divides integers",
    )

    # A group puts its endpoints under a common subject prefix: `add` and
    # `divide` listen on `calc.add` and `calc.divide`. Every endpoint joins
    # a queue group, so the requests are spread over all running instances.
    calc = svc.add_group(name="calc")

    async def add(req):
        a, b = operands(req)
        await req.respond(str(a + b).encode())

    # A handler that cannot answer raises a `ServiceError`: the service
    # replies with its code and description in the headers
    # `Nats-Service-Error-Code` and `Nats-Service-Error`, and counts it as
    # an error in its statistics.
    async def divide(req):
        a, b = operands(req)
        if b == 0:
            raise ServiceError("400", "division by zero")
        await req.respond(str(a // b).encode())

    await calc.add_endpoint(name="add", handler=add)
    await calc.add_endpoint(name="divide", handler=divide)
    print("Service calculator 1.0.0 started")

    # To a caller, an endpoint is an ordinary request subject. An error
    # reply has an empty body and the two error headers. The service and
    # its caller share one connection here, so the server has the
    # endpoints' subscriptions before the first request.
    async def call(subject, data):
        reply = await nc.request(subject, data.encode(), timeout=2)
        headers = reply.headers or {}
        if "Nats-Service-Error-Code" in headers:
            code = headers["Nats-Service-Error-Code"]
            print(f"{subject} {data} -> error {code}: {headers['Nats-Service-Error']}")
        else:
            print(f"{subject} {data} -> {reply.data.decode()}")

    await call("calc.add", "2 3")
    await call("calc.divide", "84 2")
    await call("calc.divide", "1 0")

    # Discovery is request/reply too, on `$SRV.<verb>.<name>`: PING says
    # who is there, INFO describes the endpoints, STATS counts requests
    # and errors. Any client can ask, with no service library at all. The
    # answers carry more (the instance id, start time, processing
    # durations), which change on every run; only stable facts are printed.
    async def discover(verb):
        reply = await nc.request(f"$SRV.{verb}.calculator", b"", timeout=2)
        return json.loads(reply.data)

    ping = await discover("PING")
    print(f"PING {ping['name']} {ping['version']}")

    info = await discover("INFO")
    print(f"INFO {info['name']} {info['version']}: {info['description']}")
    for endpoint in sorted(info["endpoints"], key=lambda e: e["name"]):
        print(f"  endpoint {endpoint['name']} on {endpoint['subject']}")

    # Some libraries count a request only after its reply has gone out, so
    # a count can lag a moment behind the reply. Ask again until all three
    # requests are counted.
    for attempt in range(1, 51):
        stats = await discover("STATS")
        total = sum(e["num_requests"] for e in stats["endpoints"])
        if total == 3:
            break
        if attempt == 50:
            sys.exit(f"STATS counted {total} requests, expected 3")
        await asyncio.sleep(0.1)
    print(f"STATS {stats['name']} {stats['version']}")
    for endpoint in sorted(stats["endpoints"], key=lambda e: e["name"]):
        print(f"  endpoint {endpoint['name']}: {endpoint['num_requests']} requests, {endpoint['num_errors']} errors")

    await svc.stop()
    await nc.close()


if __name__ == "__main__":
    asyncio.run(main())
