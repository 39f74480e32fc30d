#!/usr/bin/env python3
"""Failover probe (issue 10, item 5): how long a seeded stream stalls when its board is SIGKILLed mid-answer, per
NPUFLEET_RERUN mode. Starts an embedded broker, a gateway and two workers (simulator, tiny model, 20 ms per token,
session timeout 6 s) from the launcher jar, in a new folder under WORK_DIR (default /tmp/npufleet-failover), on the two given free
ports; per mode: finds a seed whose answer is long, streams it, SIGKILLs its board once the client has CUT
characters, and prints the longest gap between content deltas from the kill on and whether the answer equals the
uninterrupted one. Stops everything it started at the end. A measurement, not a test.

usage: failover-probe.py LAUNCHER_JAR MODES(replay,auto) CUT KAFKA_PORT HTTP_PORT
"""
import json, os, signal, subprocess, sys, time, urllib.request

JAR = sys.argv[1]
MODES = sys.argv[2].split(",")
CUT = int(sys.argv[3])
BASE = os.path.join(os.environ.get("WORK_DIR", "/tmp/npufleet-failover"), "run-%d" % time.time())
os.makedirs(BASE)
KPORT, HPORT = int(sys.argv[4]), int(sys.argv[5])
procs = []

def start(name, args, env):
    e = dict(os.environ); e.update(env)
    log = open(f"{BASE}/{name}.log", "a")
    p = subprocess.Popen(["java", "-jar", JAR] + args, env=e, stdout=log, stderr=subprocess.STDOUT)
    procs.append(p)
    return p

def worker(wid, mode):
    return start(wid, ["worker"], {"NPUFLEET_BOOTSTRAP_SERVERS": f"127.0.0.1:{KPORT}", "NPUFLEET_WORKER_ID": wid,
        "NPUFLEET_STATE_DIR": f"{BASE}/{wid}", "NPUFLEET_SIM_MODEL_PRESET": "tiny",
        "NPUFLEET_SIM_OPTIONS": "slow_ms_per_token=20", "NPUFLEET_MAX_NEW_TOKENS": "2000",
        "NPUFLEET_MAX_CONTEXT": "4096", "NPUFLEET_SESSION_TIMEOUT_MS": "6000", "NPUFLEET_RERUN": mode,
        "NPUFLEET_TOPIC_PREFIX": "fo."})

def get(path):
    return json.load(urllib.request.urlopen(f"http://127.0.0.1:{HPORT}{path}", timeout=10))

def body(seed, stream):
    return json.dumps({"model": MODEL, "stream": stream, "max_tokens": CUT + 1000, "temperature": 1.0, "seed": seed,
                       "messages": [{"role": "user", "content": "Tell me a long story about rivers."}]}).encode()

def post(seed, stream):
    req = urllib.request.Request(f"http://127.0.0.1:{HPORT}/v1/chat/completions", data=body(seed, stream),
                                 headers={"Content-Type": "application/json"})
    return urllib.request.urlopen(req, timeout=300)

def ready():
    for _ in range(240):
        try:
            boards = [b for m in get("/v1/fleet").get("models", []) for b in m.get("boards", [])]
            if len([b for b in boards if b.get("status") == "live"]) >= 2:
                return
        except Exception:
            pass
        time.sleep(1)
    raise SystemExit("fleet not ready")

def board_of_running(job):
    for m in get("/v1/fleet").get("models", []):
        for b in m.get("boards", []):
            if b.get("current_job") == job and b.get("status") == "live":
                return b.get("worker_id")
    return None

import socket
for port in (KPORT, HPORT):
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", port))  # raises when another process holds it

def stop(signum, frame):
    raise SystemExit("stopped")
signal.signal(signal.SIGTERM, stop)

print(json.dumps({"load_average_at_start": open("/proc/loadavg").read().split()[:3]}), flush=True)
try:
    start("broker", ["broker", "--port", str(KPORT), "--data-dir", f"{BASE}/kafka"], {})
    time.sleep(15)
    start("gateway", ["gateway"], {"NPUFLEET_BOOTSTRAP_SERVERS": f"127.0.0.1:{KPORT}", "NPUFLEET_HTTP_PORT": str(HPORT),
                                   "NPUFLEET_TOPIC_PREFIX": "fo.", "NPUFLEET_STATE_DIR": f"{BASE}/gw"})
    for mode in MODES:
        ws = {w: worker(w, mode) for w in ("w1", "w2")}
        time.sleep(20)
        MODEL = None
        for _ in range(120):
            try:
                MODEL = get("/v1/models")["data"][0]["id"]; break
            except Exception:
                time.sleep(1)
        ready()
        for seed in range(1, 20):
            ref = json.load(post(seed, False))["choices"][0]["message"]["content"]
            if len(ref) >= CUT + 600:
                break
        r = post(seed, True)
        text, times, kill_at, victim = "", [], None, None
        for raw in r:
            line = raw.decode().strip()
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            d = json.loads(line[6:])
            delta = (d.get("choices") or [{}])[0].get("delta", {}).get("content") or ""
            if delta:
                text += delta; times.append(time.monotonic())
            if kill_at is None and len(text) >= CUT:
                victim = board_of_running(r.headers.get("x-npufleet-job-id"))
                if victim in ws:
                    ws[victim].send_signal(signal.SIGKILL); kill_at = time.monotonic()
        # deltas the gateway had sent before the kill may still arrive after it: the stall is the longest gap
        # between deltas from the last one before the kill on
        last = max(i for i, t in enumerate(times) if t <= kill_at)
        gap = max(times[i + 1] - times[i] for i in range(last, len(times) - 1))
        print(json.dumps({"mode": mode, "seed": seed, "killed_after_chars": CUT, "victim": victim,
                          "longest_stall_after_kill_s": round(gap, 2), "equal_to_reference": text == ref,
                          "chars": len(text)}), flush=True)
        for p in ws.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM); p.wait(60)
    print(json.dumps({"load_average_at_end": open("/proc/loadavg").read().split()[:3]}), flush=True)
finally:
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
