#!/usr/bin/env python3
"""cutover benchmarks: measurements and docs/benchmarks.md. Called by bench/run.sh, which installs
the tools and builds the jars first; see docs/benchmarks.md for what each figure means."""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--quick", action="store_true")
ap.add_argument("--root", required=True)
ap.add_argument("--work", required=True)
ap.add_argument("--jar", required=True)
ap.add_argument("--java", default="java", help="the JVM the launcher picked")
ap.add_argument("--java-opts", default="", help="the launcher's JVM options")
ap.add_argument("--fallback-java-opts", default="", help="the launcher's options with the JDK on PATH (17: AppCDS)")
ap.add_argument("--jmh-jar", required=True)
ap.add_argument("--limits-dir", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--skip-jmh", action="store_true")
A = ap.parse_args()

QUICK = A.quick
WORK = A.work
ROUNDS = 3 if QUICK else 5          # per-step, rollback
COLD_ROUNDS = 10 if QUICK else 15   # cold start
SIZES = [1, 10, 50, 200]
ANSIBLE_SIZES = [1, 10]             # Ansible's per-task cost (≈ 150 ms) needs no long playbook
ROLLBACK_K = 50
MEM_STEPS = 1000
JAVA = [A.java] + A.java_opts.split()
# the launcher's options without the cache it made for cutover's jar (the hello world gets its own)
BASE_OPTS = [o for o in A.java_opts.split() if not o.startswith(("-XX:AOTCache=", "-XX:SharedArchiveFile="))]
CUTOVER = JAVA + ["-jar", A.jar]
FIG = {}      # name -> dict
# docs/benchmarks.md: what follows this line is not written by bench/run.sh (other benchmarks' sections)
END_MARK = "<!-- end of bench/run.sh's output; sections below this line are kept when it runs again -->\n"
LOG = []


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def stats(v):
    v = [x for x in v if x is not None]
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v), "all": v}


def fmt(s, unit="ms", digits=1):
    if s is None:
        return "n/a"
    f = "{:.%df}" % digits
    return (f + " %s (%s–%s, n=%d)") % (s["median"], unit, f.format(s["min"]), f.format(s["max"]), s["n"]) \
        if False else f"{f.format(s['median'])} {unit} ({f.format(s['min'])}–{f.format(s['max'])}, n={s['n']})"


def timed(cmd, env=None, ok=(0,), cwd=None):
    """Runs cmd, returns (wall seconds, stdout). Fails loudly on an unexpected exit code."""
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    dt = time.perf_counter() - t
    if p.returncode not in ok:
        raise SystemExit(f"bench: {' '.join(cmd)} exited {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return dt, p.stdout


def loadavg():
    return os.getloadavg()


# ---------------------------------------------------------------- inputs
def write_runbook(n, path):
    with open(path, "w") as f:
        f.write(f"apiVersion: cutover/v1\nname: bench-{n}\ndescription: {n} steps of /bin/true\nsteps:\n")
        for i in range(1, n + 1):
            f.write(f"  - id: s{i}\n    uses: shell.exec\n    with: {{ command: [/bin/true] }}\n"
                    f"    no_undo: \"benchmark step, changes nothing\"\n")


def write_playbook(n, path):
    with open(path, "w") as f:
        f.write(f"- name: bench-{n}\n  hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n")
        for i in range(1, n + 1):
            f.write(f"    - name: s{i}\n      command: /bin/true\n      changed_when: true\n")


def write_rollback_runbook(k, path):
    with open(path, "w") as f:
        f.write("apiVersion: cutover/v1\nname: bench-rollback\n"
                "params:\n  dir: { type: path, required: true }\nsteps:\n"
                "  - id: break\n    uses: shell.exec\n    with: { command: [touch, \"${params.dir}/broken\"] }\n"
                "    undo: { uses: shell.exec, with: { command: [rm, -f, \"${params.dir}/broken\"] } }\n")
        for i in range(2, k + 1):
            f.write(f"  - id: s{i}\n    uses: shell.exec\n    with: {{ command: [/bin/true] }}\n"
                    f"    undo: {{ uses: shell.exec, with: {{ command: [/bin/true] }} }}\n")
        f.write("validate:\n  - id: not-broken\n    uses: shell.exec\n"
                "    with: { command: [test, '!', -e, \"${params.dir}/broken\"], readonly: true }\n")


def journal_of(stdout):
    m = re.search(r"journal: (\S+journal\.jsonl)", stdout)
    if not m:
        raise SystemExit("bench: no journal path in cutover's output:\n" + stdout[-2000:])
    with open(m.group(1)) as f:
        return [json.loads(line) for line in f]


def ts(e):
    return datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp() * 1000


def engine_ms(events):
    return next(e for e in events if e["event"] == "run.finished")["data"]["duration_ms"]


def fit(points):
    """Least squares y = a + b x over (x, y); returns (a, b)."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    b = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


# ---------------------------------------------------------------- measurements
def versions():
    v = {}
    v["java (the launcher's)"] = A.java + ": " + subprocess.run([A.java, "-version"], stderr=subprocess.PIPE,
                                                                 text=True).stderr.splitlines()[1:2][0]
    v["java (on PATH)"] = subprocess.run(["java", "-version"], stderr=subprocess.PIPE,
                                         text=True).stderr.splitlines()[1:2][0]
    v["cutover"] = "; ".join(subprocess.run(CUTOVER + ["--version"], stdout=subprocess.PIPE,
                                            text=True).stdout.split("\n")).strip("; ")
    v["ansible"] = subprocess.run(["ansible-playbook", "--version"], stdout=subprocess.PIPE,
                                  text=True).stdout.splitlines()[0]
    v["hyperfine"] = subprocess.run(["hyperfine", "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    v["python"] = platform.python_version()
    v["kernel"] = platform.release()
    return v


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024
    fs = subprocess.run(["df", "-T", WORK], stdout=subprocess.PIPE, text=True).stdout.splitlines()[-1].split()[1]
    return {"cores": os.cpu_count(), "cpu": cpu, "mem_mib": mem, "fs": fs}


def fsyncs_per_step():
    """fsyncs of the journal per /bin/true step, counted by JFR (jdk.FileForce) in runs of 1 and 51 steps."""
    jfc = f"{WORK}/fileforce.jfc"
    with open(jfc, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<configuration version="2.0">\n'
                '  <event name="jdk.FileForce"><setting name="enabled">true</setting>'
                '<setting name="stackTrace">false</setting><setting name="threshold">0 ms</setting></event>\n'
                '</configuration>\n')
    jfr_tool = os.path.join(os.path.dirname(os.path.realpath(shutil.which(A.java) or A.java)), "jfr")
    counts = {}
    for n in (1, 51):
        write_runbook(n, f"{WORK}/fsync-{n}.yaml")
        rec = f"{WORK}/fsync-{n}.jfr"
        timed(JAVA + [f"-XX:StartFlightRecording=filename={rec},settings={jfc}", "-jar", A.jar, "run",
                      f"{WORK}/fsync-{n}.yaml", "--yes", "--state-dir", f"{WORK}/state"])
        out = subprocess.run([jfr_tool, "print", "--events", "jdk.FileForce", rec], stdout=subprocess.PIPE,
                             text=True, check=True).stdout
        counts[n] = len(re.findall(r'path = "[^"]*journal\.jsonl"', out))
    return (counts[51] - counts[1]) / 50


def phases(events):
    """Mean wall time per step of a run's phases, from its journal (ms timestamps, averaged over the steps)."""
    ph = {"succeeded → next started": [], "started → intent": [], "intent → succeeded": [],
          "of which the command (spawn to exit, shell.exec's duration_ms)": []}
    last_done = None
    started = intent = None
    for e in events:
        k = e["event"]
        if k == "step.started":
            started = ts(e)
            if last_done is not None:
                ph["succeeded → next started"].append(started - last_done)
        elif k == "step.intent":
            intent = ts(e)
            ph["started → intent"].append(intent - started)
        elif k == "step.succeeded":
            last_done = ts(e)
            ph["intent → succeeded"].append(last_done - intent)
            ph["of which the command (spawn to exit, shell.exec's duration_ms)"].append(
                e["data"]["outputs"]["duration_ms"])
    return {k: statistics.mean(v) for k, v in ph.items() if v}


def per_step():
    log("per-step overhead: N =", SIZES, "rounds", ROUNDS)
    cut_wall = {n: [] for n in SIZES}
    cut_eng = {n: [] for n in SIZES}
    cut_ev = {}
    ans_wall = {n: [] for n in ANSIBLE_SIZES}
    phase_rounds = []
    for n in SIZES:
        write_runbook(n, f"{WORK}/steps-{n}.yaml")
        write_playbook(n, f"{WORK}/steps-{n}.yml")
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_RETRY_FILES_ENABLED="false")
    # one unmeasured warm-up each (page cache, Python bytecode)
    timed(CUTOVER + ["run", f"{WORK}/steps-1.yaml", "--yes", "--state-dir", f"{WORK}/state"])
    timed(["ansible-playbook", "-i", "localhost,", f"{WORK}/steps-1.yml"], env=env)
    for r in range(ROUNDS):
        for n in SIZES:
            dt, out = timed(CUTOVER + ["run", f"{WORK}/steps-{n}.yaml", "--yes", "--state-dir", f"{WORK}/state"])
            ev = journal_of(out)
            cut_wall[n].append(dt * 1000)
            cut_eng[n].append(engine_ms(ev))
            cut_ev[n] = len(ev)
            if n == max(SIZES):
                phase_rounds.append(phases(ev))
            if n in ANSIBLE_SIZES:
                dt, _ = timed(["ansible-playbook", "-i", "localhost,", f"{WORK}/steps-{n}.yml"], env=env)
                ans_wall[n].append(dt * 1000)
        log(f"  round {r + 1}/{ROUNDS}: cutover {[round(cut_wall[n][-1]) for n in SIZES]} ms, "
            f"ansible {[round(ans_wall[n][-1]) for n in ANSIBLE_SIZES]} ms, load {loadavg()[0]:.1f}")
    res = {"cut_wall": {n: stats(v) for n, v in cut_wall.items()},
           "cut_eng": {n: stats(v) for n, v in cut_eng.items()},
           "ans_wall": {n: stats(v) for n, v in ans_wall.items()},
           "events": cut_ev,
           "phases": {k: stats([p[k] for p in phase_rounds]) for k in phase_rounds[0]}}
    res["cut_fit"] = fit([(n, res["cut_wall"][n]["median"]) for n in SIZES])
    res["cut_eng_fit"] = fit([(n, res["cut_eng"][n]["median"]) for n in SIZES])
    res["ans_fit"] = fit([(n, res["ans_wall"][n]["median"]) for n in ANSIBLE_SIZES])
    # per-round slopes, for a min-max of the slope itself
    res["cut_slopes"] = stats([fit([(n, cut_wall[n][i]) for n in SIZES])[1] for i in range(ROUNDS)])
    res["ans_slopes"] = stats([fit([(n, ans_wall[n][i]) for n in ANSIBLE_SIZES])[1] for i in range(ROUNDS)])
    res["ratios"] = stats([fit([(n, ans_wall[n][i]) for n in ANSIBLE_SIZES])[1]
                           / fit([(n, cut_wall[n][i]) for n in SIZES])[1] for i in range(ROUNDS)])
    res["fsyncs_per_step"] = fsyncs_per_step()
    FIG["per_step"] = res


def cache_opts_for(classpath, main, opts, tag):
    """The launcher's way of caching what a start-up loads, applied to another program (the hello world):
    an AOT cache when the launcher uses one, else a dynamic CDS archive. Returns the options to run with."""
    base = [o for o in opts if not o.startswith(("-XX:AOTCache=", "-XX:SharedArchiveFile="))]
    if any(o.startswith("-XX:AOTCache=") for o in opts):
        conf, cache = f"{WORK}/{tag}.aotconf", f"{WORK}/{tag}.aot"
        quiet = [o for o in base if o.startswith("-Xlog:")]
        rest = [o for o in base if not o.startswith("-Xlog:")]
        subprocess.run([A.java] + rest + ["-XX:AOTMode=record", f"-XX:AOTConfiguration={conf}", "-Xlog:disable",
                                          "-cp", classpath, main], stdout=subprocess.DEVNULL, check=True)
        subprocess.run([A.java] + rest + ["-XX:AOTMode=create", f"-XX:AOTConfiguration={conf}",
                                          f"-XX:AOTCache={cache}", "-Xlog:disable", "-cp", classpath, main],
                       stdout=subprocess.DEVNULL, check=True)
        return rest + [f"-XX:AOTCache={cache}"] + quiet
    if any(o.startswith("-XX:SharedArchiveFile=") for o in opts):
        jsa = f"{WORK}/{tag}.jsa"
        subprocess.run([A.java] + base + [f"-XX:ArchiveClassesAtExit={jsa}", "-Xlog:disable", "-cp", classpath, main],
                       stdout=subprocess.DEVNULL, check=True)
        return base + [f"-XX:SharedArchiveFile={jsa}"]
    return base


VALIDATE = "cutover validate (jar, launcher's JVM and options)"
FLOOR = "JVM floor: hello world, launcher's JVM and options (its own cache, made the same way)"
ANSIBLE_CHECK = "ansible-playbook --syntax-check"


def cold_start():
    log("cold start: rounds", COLD_ROUNDS)
    write_runbook(50, f"{WORK}/steps-50.yaml")
    write_playbook(50, f"{WORK}/steps-50.yml")
    os.makedirs(f"{WORK}/hello", exist_ok=True)
    with open(f"{WORK}/hello/Hello.java", "w") as f:
        f.write("public class Hello { public static void main(String[] a) { System.out.println(\"hello\"); } }\n")
    subprocess.run(["javac", "--release", "17", "-d", f"{WORK}/hello", f"{WORK}/hello/Hello.java"], check=True)
    # in a jar: class-data archives and AOT caches take classes from jars only
    hello = f"{WORK}/hello.jar"
    subprocess.run(["jar", "cf", hello, "-C", f"{WORK}/hello", "Hello.class"], check=True)
    hello_opts = cache_opts_for(hello, "Hello", A.java_opts.split(), "hello")
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    cmds = {
        VALIDATE: CUTOVER + ["validate", f"{WORK}/steps-50.yaml"],
        "./cutover validate (through the launcher script: staleness check, JDK lookup)": [
            f"{A.root}/cutover", "validate", f"{WORK}/steps-50.yaml"],
        FLOOR: [A.java] + hello_opts + ["-cp", hello, "Hello"],
        "hello world, launcher's JVM and options, no cache": [A.java] + BASE_OPTS + ["-cp", hello, "Hello"],
        "cutover validate, launcher's JVM and options, no cache": [A.java] + BASE_OPTS + [
            "-jar", A.jar, "validate", f"{WORK}/steps-50.yaml"],
        ANSIBLE_CHECK: ["ansible-playbook", "-i", "localhost,", "--syntax-check", f"{WORK}/steps-50.yml"],
    }
    if A.fallback_java_opts and A.fallback_java_opts != A.java_opts:
        cmds["cutover validate, JDK on PATH with the launcher's fallback (AppCDS)"] = \
            ["java"] + A.fallback_java_opts.split() + ["-jar", A.jar, "validate", f"{WORK}/steps-50.yaml"]
    # the launcher on the benchmark's own copy of the jar (CUTOVER_JAR skips the staleness check of the
    # jar, not of the JDK: other people's edits would otherwise rebuild the jar mid-run)
    launcher_env = dict(os.environ, CUTOVER_JAR=A.jar)
    for c in cmds.values():   # warm-up
        timed(c, env=env if c[0] == "ansible-playbook" else launcher_env)
    res = {k: [] for k in cmds}
    loads = []
    for r in range(COLD_ROUNDS):
        for k, c in cmds.items():
            dt, _ = timed(c, env=env if c[0] == "ansible-playbook" else launcher_env)
            res[k].append(dt * 1000)
        loads.append(loadavg()[0])
    FIG["cold"] = {k: stats(v) for k, v in res.items()}
    # paired: each round's ratios (the commands of one round ran back to back)
    FIG["cold_ratios"] = {
        "validate / floor": stats([v / f for v, f in zip(res[VALIDATE], res[FLOOR])]),
        "ansible / validate": stats([a / v for a, v in zip(res[ANSIBLE_CHECK], res[VALIDATE])]),
    }
    FIG["cold_load"] = stats(loads)
    # hyperfine as a cross-check of the floor and the jar (each command's runs back to back)
    hf = f"{WORK}/hyperfine.json"
    subprocess.run(["hyperfine", "-N", "--warmup", "2", "--runs", str(COLD_ROUNDS), "--export-json", hf,
                    " ".join(cmds[FLOOR]), " ".join(cmds[VALIDATE])],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    with open(hf) as f:
        h = json.load(f)["results"]
    FIG["hyperfine"] = [{"command": x["command"], "median": x["median"] * 1000, "min": x["min"] * 1000,
                         "max": x["max"] * 1000, "n": len(x["times"]), "user": x["user"] * 1000,
                         "system": x["system"] * 1000} for x in h]
    log("  cold:", {k: round(v["median"]) for k, v in FIG["cold"].items()})


def limits():
    log("limits: spawn and fsync")
    rounds = 200 if QUICK else 500
    p = subprocess.run([A.java] + BASE_OPTS + ["-cp", A.limits_dir, "Limits", f"{WORK}/limits", str(rounds)],
                       stdout=subprocess.PIPE, text=True, check=True)
    out = {}
    for line in p.stdout.splitlines():
        k, *v = line.split()
        out[k] = stats([int(x) / 1000 for x in v])
    # the same fsync'd append through Python's thin wrappers of write(2) + fdatasync(2)
    c = []
    f = f"{WORK}/fsync-test-py"
    fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    line = b"x" * 299 + b"\n"
    for _ in range(rounds * 4):
        t = time.perf_counter()
        os.write(fd, line)
        os.fdatasync(fd)
        c.append((time.perf_counter() - t) * 1000)
    os.close(fd)
    os.remove(f)
    out["fsync_c"] = stats(c)
    FIG["limits"] = out
    log("  spawn", fmt(out["spawn_us"], "ms", 2), "fsync", fmt(out["fsync_us"], "ms", 2))


def rollback():
    log("rollback latency: K =", ROLLBACK_K)
    write_rollback_runbook(ROLLBACK_K, f"{WORK}/rollback.yaml")
    eng, total, work = [], [], []
    for r in range(ROUNDS):
        d = f"{WORK}/rollback-target"
        os.makedirs(d, exist_ok=True)
        _, out = timed(CUTOVER + ["run", f"{WORK}/rollback.yaml", "--set", f"dir={d}", "--yes", "--state-dir",
                                  f"{WORK}/state"], ok=(1,))
        ev = journal_of(out)
        status = next(e for e in ev if e["event"] == "run.finished")["data"]["status"]
        if status != "ROLLED_BACK":
            raise SystemExit("bench: the rollback runbook ended " + status)
        fail = next(i for i, e in enumerate(ev) if e["event"] == "step.failed" and e.get("section") == "validate")
        done = next(i for i, e in enumerate(ev) if e["event"] == "rollback.finished")
        own = sum(e["data"]["outputs"]["duration_ms"] for e in ev[fail:done]
                  if e["event"] == "step.succeeded" and isinstance(e["data"].get("outputs"), dict)
                  and "duration_ms" in e["data"]["outputs"])
        t = ts(ev[done]) - ts(ev[fail])
        total.append(t)
        work.append(own)
        eng.append(t - own)
    FIG["rollback"] = {"engine": stats(eng), "total": stats(total), "own": stats(work)}
    log("  rollback engine", fmt(FIG["rollback"]["engine"]))


def jmh():
    if A.skip_jmh:
        return
    log("journal (JMH)")
    rf = f"{WORK}/jmh.json"
    opts = ["-f", "1", "-wi", "2", "-i", "3" if QUICK else "5", "-w", "2s", "-r", "3s"] if QUICK else \
        ["-f", "2", "-wi", "3", "-i", "5", "-w", "3s", "-r", "5s"]
    subprocess.run(["java", f"-Dbench.dir={WORK}/jmh-scratch", "-jar", A.jmh_jar, "JournalBenchmark.appendFsynced",
                    "-rf", "json", "-rff", rf] + opts, stdout=subprocess.DEVNULL, check=True)
    with open(rf) as f:
        a = json.load(f)[0]["primaryMetric"]
    rf2 = f"{WORK}/jmh-verify.json"
    subprocess.run(["java", f"-Dbench.dir={WORK}/jmh-scratch", "-jar", A.jmh_jar, "JournalBenchmark.verify",
                    "-rf", "json", "-rff", rf2, "-f", "1", "-wi", "3", "-i", "5" if QUICK else "10"],
                   stdout=subprocess.DEVNULL, check=True)
    with open(rf2) as f:
        v = json.load(f)[0]
    # verify by the verifying thread's CPU time too: the JMH figure is wall time on a shared machine
    vc = subprocess.run(["java", "-cp", A.jmh_jar, "dev.cutover.bench.VerifyCpu",
                         "/dev/shm" if os.path.isdir("/dev/shm") else WORK, "100000", "3", "5" if QUICK else "10"],
                        stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    cpu_ms = [float(x) for x in vc[1::2]]
    vm = v["primaryMetric"]
    n = int(v["params"]["events"])
    raw = [x for fork in vm["rawData"] for x in fork]
    FIG["jmh"] = {
        "append": {"median": statistics.median([x for fork in a["rawData"] for x in fork]),
                   "min": min(x for fork in a["rawData"] for x in fork),
                   "max": max(x for fork in a["rawData"] for x in fork),
                   "n": sum(len(fork) for fork in a["rawData"])},
        "verify": {"median": n / (statistics.median(raw) / 1000), "min": n / (max(raw) / 1000),
                   "max": n / (min(raw) / 1000), "n": len(raw), "events": n,
                   "ms": statistics.median(raw)},
        "verify_cpu": {"median": n / (statistics.median(cpu_ms) / 1000), "min": n / (max(cpu_ms) / 1000),
                       "max": n / (min(cpu_ms) / 1000), "n": len(cpu_ms), "ms": statistics.median(cpu_ms)},
    }
    log("  append/s", round(FIG["jmh"]["append"]["median"]), "verify events/s", round(FIG["jmh"]["verify"]["median"]))


def memory():
    log("memory: peak RSS of a", MEM_STEPS, "step run")
    write_runbook(MEM_STEPS, f"{WORK}/steps-{MEM_STEPS}.yaml")
    rss, eng = [], []
    for _ in range(2 if QUICK else 3):
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + CUTOVER + ["run", f"{WORK}/steps-{MEM_STEPS}.yaml",
                                                                      "--yes", "--state-dir", f"{WORK}/state"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise SystemExit("bench: 1,000-step run failed\n" + p.stderr[-2000:])
        rss.append(int(p.stderr.strip().splitlines()[-1]) / 1024)
        eng.append(engine_ms(journal_of(p.stdout)))
    FIG["memory"] = {"rss": stats(rss), "engine": stats(eng)}
    log("  rss", fmt(FIG["memory"]["rss"], "MiB"))


# ---------------------------------------------------------------- report
def render(mach, vers, started, elapsed, loads):
    ps = FIG["per_step"]
    lim = FIG["limits"]
    cold = FIG["cold"]
    cr = FIG["cold_ratios"]
    rb = FIG["rollback"]
    mem = FIG["memory"]
    a_fixed, a_slope = ps["ans_fit"]
    c_fixed, c_slope = ps["cut_fit"]
    ce_fixed, ce_slope = ps["cut_eng_fit"]
    fsyncs = ps["fsyncs_per_step"]
    spawn = lim["spawn_us"]["median"]
    fsync = lim["fsync_us"]["median"]
    floor = spawn + fsyncs * fsync
    validate = cold[VALIDATE]
    L = []
    w = L.append
    w("# Benchmarks")
    w("")
    w("Generated by `bench/run.sh" + (" --quick" if QUICK else "") + f"` on {started} UTC in {elapsed:.0f} s. "
      "Every figure is the median with min–max over the repeated runs (n = number of runs). Commands that are "
      "compared ran alternately (A B C A B C …) in the same invocation, so drift on the shared machine hits "
      "them alike, and the ratios are taken per round (paired) before their median.")
    w("")
    w("Layout: the measured figures (this run), then the notes from `bench/NOTES.md` (what changed, profiles); "
      "benchmarks of other parts (team store, fleet) go below the marker at the end of this file, which "
      "`bench/run.sh` keeps when it runs again.")
    w("")
    w("## Machine")
    w("")
    w(f"- {mach['cores']} cores, {mach['cpu']}, {mach['mem_mib']} MiB RAM, work directory on {mach['fs']}")
    w(f"- load average (1 min) at start / end: {loads[0]:.1f} / {loads[1]:.1f}; during the cold-start rounds "
      f"{FIG['cold_load']['median']:.1f} ({FIG['cold_load']['min']:.1f}–{FIG['cold_load']['max']:.1f}) — other "
      "builds ran at the same time, so absolute times are noisy; the paired ratios are the figures that count")
    for k, v in vers.items():
        w(f"- {k}: {v}")
    w(f"- cutover's JVM and options (from the launcher): `{A.java} {A.java_opts or '(none)'}`")
    w("")
    w("## Targets")
    w("")
    w("| target | measured | met |")
    w("| --- | --- | --- |")

    def row(name, val, ok):
        w(f"| {name} | {val} | {'yes' if ok else '**no**'} |")

    vf = cr["validate / floor"]
    av = cr["ansible / validate"]
    row("`cutover validate` (50 steps) cold within 2.5× the JVM floor",
        f"{vf['median']:.1f}× ({vf['min']:.1f}–{vf['max']:.1f}, n={vf['n']} paired rounds): {fmt(validate)} vs "
        f"{fmt(cold[FLOOR])}", vf["median"] <= 2.5)
    row("`cutover validate` ≥ 3× faster than `ansible-playbook --syntax-check`",
        f"{av['median']:.1f}× ({av['min']:.1f}–{av['max']:.1f}, n={av['n']} paired rounds): Ansible "
        f"{fmt(cold[ANSIBLE_CHECK])}", av["median"] >= 3)
    row("per-step wall slope within 2× the machine floor",
        f"{c_slope / floor:.1f}×: {c_slope:.2f} ms/step (per round {ps['cut_slopes']['min']:.2f}–"
        f"{ps['cut_slopes']['max']:.2f}) vs floor {floor:.2f} ms (spawn {spawn:.2f} + {fsyncs:.1f} × fsync "
        f"{fsync:.2f})", c_slope <= 2 * floor)
    row("1,000-step run under 128 MiB peak RSS", fmt(mem["rss"], "MiB", 0), mem["rss"]["median"] < 128)
    row("rollback engine time ≤ 1 s", fmt(rb["engine"]) + f" for {ROLLBACK_K} undos", rb["engine"]["median"] <= 1000)
    if "jmh" in FIG:
        j = FIG["jmh"]
        row("journal ≥ 2,000 fsync'd events/s", f"{j['append']['median']:,.0f}/s ({j['append']['min']:,.0f}–"
                                                f"{j['append']['max']:,.0f})", j["append"]["median"] >= 2000)
        vc = j["verify_cpu"]
        row("verify ≥ 200,000 events/s", f"{j['verify']['median']:,.0f}/s wall ({j['verify']['min']:,.0f}–"
                                         f"{j['verify']['max']:,.0f}); by CPU time {vc['median']:,.0f}/s "
                                         f"({vc['min']:,.0f}–{vc['max']:,.0f})", j["verify"]["median"] >= 200000)
    w("")
    w("## Cold start")
    w("")
    w("`validate` of the 50-step runbook, the JVM floor and `ansible-playbook --syntax-check` of the 50-task "
      "playbook, alternating. The floor is a hello world run the way the launcher runs cutover: the same JVM, the "
      "same options, and a cache of its own made the same way (for an AOT cache: a training run, then "
      "`-XX:AOTMode=create`).")
    w("")
    w("| command | wall |")
    w("| --- | --- |")
    for k, v in cold.items():
        w(f"| {k} | {fmt(v)} |")
    w("")
    w(f"Paired ratios per round: validate / floor {vf['median']:.2f}× ({vf['min']:.2f}–{vf['max']:.2f}); "
      f"Ansible / validate {av['median']:.2f}× ({av['min']:.2f}–{av['max']:.2f}).")
    w("")
    w("hyperfine cross-check (`-N`, each command's runs back to back, not alternated; CPU time is user + system):")
    w("")
    for h in FIG["hyperfine"]:
        w(f"- `{h['command']}`: {h['median']:.1f} ms ({h['min']:.1f}–{h['max']:.1f}, n={h['n']}); CPU "
          f"{h['user'] + h['system']:.0f} ms")
    w("")
    w("## Per step: N steps of `/bin/true`")
    w("")
    w("Wall time of the whole command (process start to exit). cutover: `cutover run --yes` of a runbook of N "
      "mutating `shell.exec` steps (`no_undo`), each journaling `step.started`, `step.intent` and "
      "`step.succeeded`. Ansible: `ansible-playbook` with `connection: local`, `gather_facts: false`, N "
      "`command: /bin/true` tasks (N ≤ 10: Ansible's per-task cost is ~100× cutover's).")
    w("")
    w("| N | cutover wall | cutover engine (run.finished duration) | Ansible wall |")
    w("| ---: | --- | --- | --- |")
    for n in SIZES:
        aw = fmt(ps["ans_wall"][n]) if n in ps["ans_wall"] else "–"
        w(f"| {n} | {fmt(ps['cut_wall'][n])} | {fmt(ps['cut_eng'][n])} | {aw} |")
    w("")
    w("Least-squares fit over the medians, wall = fixed + N × per-step:")
    w("")
    w("| | fixed cost | per step | per-step min–max over rounds |")
    w("| --- | ---: | ---: | --- |")
    w(f"| cutover (wall) | {c_fixed:.0f} ms | {c_slope:.2f} ms | {ps['cut_slopes']['min']:.2f}–"
      f"{ps['cut_slopes']['max']:.2f} ms |")
    w(f"| cutover (engine time) | {ce_fixed:.0f} ms | {ce_slope:.2f} ms | |")
    w(f"| Ansible (wall) | {a_fixed:.0f} ms | {a_slope:.1f} ms | {ps['ans_slopes']['min']:.1f}–"
      f"{ps['ans_slopes']['max']:.1f} ms |")
    w(f"| ratio Ansible / cutover per step (wall) | | {a_slope / c_slope:.0f}× | {ps['ratios']['min']:.0f}–"
      f"{ps['ratios']['max']:.0f}× |")
    w("")
    w(f"Where a step's time goes (N = {max(SIZES)}; each figure the mean over the run's steps, then the median "
      "over rounds, from the journal's millisecond timestamps):")
    w("")
    w("| phase | ms per step |")
    w("| --- | --- |")
    for k, v in ps["phases"].items():
        w(f"| {k} | {fmt(v, 'ms', 2)} |")
    w("")
    w("## The machine's limits")
    w("")
    w("| | median (min–max) |")
    w("| --- | --- |")
    w(f"| spawn `/bin/true` from the JVM and wait (ProcessBuilder, launcher's JVM and options) | "
      f"{fmt(lim['spawn_us'], 'ms', 2)} |")
    w(f"| fsync'd 300-byte append from Java (FileChannel.write + force(false)) | {fmt(lim['fsync_us'], 'ms', 2)} |")
    w(f"| fsync'd 300-byte append, write(2) + fdatasync(2) from Python's thin C wrappers | "
      f"{fmt(lim['fsync_c'], 'ms', 2)} |")
    w(f"| journal fsyncs per `/bin/true` step (JFR `jdk.FileForce`, runs of 1 and 51 steps) | {fsyncs:.1f} |")
    w(f"| **floor per step = spawn + {fsyncs:.0f} × fsync** | **{floor:.2f} ms** |")
    w(f"| cutover per step (wall slope) / floor | {c_slope / floor:.2f}× |")
    w("")
    w("## Rollback latency")
    w("")
    w(f"A runbook of {ROLLBACK_K} mutating steps, each with an undo step (the first creates a file, its undo "
      "removes it; the others run `/bin/true`), whose validation fails. Engine time = journal time from the "
      "validate `step.failed` to `rollback.finished`, minus the undo and revalidate commands' own run time "
      "(their `outputs.duration_ms`: spawn to exit).")
    w("")
    w(f"- rollback total (failure → rollback finished): {fmt(rb['total'])}")
    w(f"- of which the commands' own run time: {fmt(rb['own'])}")
    w(f"- **engine time: {fmt(rb['engine'])}** ({rb['engine']['median'] / ROLLBACK_K:.2f} ms per undone step)")
    w("")
    if "jmh" in FIG:
        j = FIG["jmh"]
        w("## Journal (JMH)")
        w("")
        w("`bench/jmh` (`JournalBenchmark`), `-Dbench.dir` on the same file system as the runs.")
        w("")
        w(f"- `appendFsynced` (mask, canonical JSON, SHA-256, write, fsync): **{j['append']['median']:,.0f} events/s** "
          f"({j['append']['min']:,.0f}–{j['append']['max']:,.0f}, {j['append']['n']} iterations) = "
          f"{1000 / j['append']['median']:.2f} ms per event")
        w(f"- `verify` of a {j['verify']['events']:,}-event journal: **{j['verify']['median']:,.0f} events/s** "
          f"({j['verify']['min']:,.0f}–{j['verify']['max']:,.0f}, {j['verify']['n']} single shots; "
          f"{j['verify']['ms']:.0f} ms per verify)")
        w(f"- the same `verify` by the verifying thread's CPU time (`VerifyCpu`, what it costs when the machine is "
          f"not shared): **{j['verify_cpu']['median']:,.0f} events/s** ({j['verify_cpu']['min']:,.0f}–"
          f"{j['verify_cpu']['max']:,.0f}, n={j['verify_cpu']['n']}; {j['verify_cpu']['ms']:.0f} ms CPU per verify)")
        w("")
    w("## Memory")
    w("")
    w(f"- peak RSS of `cutover run` of {MEM_STEPS} `/bin/true` steps: **{fmt(mem['rss'], 'MiB', 0)}** "
      f"(engine time {fmt(mem['engine'], 'ms', 0)})")
    w("")
    notes = os.path.join(A.root, "bench", "NOTES.md")
    if os.path.exists(notes):
        with open(notes) as f:
            w(f.read().rstrip())
        w("")
    return "\n".join(L) + "\n"


def main():
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    t0 = time.time()
    load0 = loadavg()[0]
    mach = machine()
    vers = versions()
    limits()
    cold_start()
    per_step()
    rollback()
    memory()
    jmh()
    loads = (load0, loadavg()[0])
    md = render(mach, vers, started, time.time() - t0, loads)
    # sections others appended below the marker (their own benchmarks) are kept
    kept = ""
    if os.path.exists(A.out):
        with open(A.out) as f:
            old = f.read()
        if END_MARK in old:
            kept = old.split(END_MARK, 1)[1]
    with open(A.out, "w") as f:
        f.write(md + "\n" + END_MARK + (kept if kept.strip() else "\n"))
    with open(os.path.join(WORK, "figures.json"), "w") as f:
        json.dump({"machine": mach, "versions": vers, "figures": FIG}, f, indent=1, default=str)
    log(f"bench: wrote {A.out} in {time.time() - t0:.0f} s")


main()
