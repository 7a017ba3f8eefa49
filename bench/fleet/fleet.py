#!/usr/bin/env python3
"""The fleet benchmark (started by bench/fleet/run.sh).

The "hosts" are ports of real OpenSSH sshd processes on loopback, one sshd per range of 16 ports (sshd's limit
of listen sockets): every port is an inventory host of its own for both tools (its own TCP connection, its own
SSH session, its own forked sshd child per connection, as N machines would have). Seven sshds instead of 100
keep 100 hosts cheap on a 2-core machine; the host key is the same for all ports (known_hosts holds one line
per [127.0.0.1]:port).

Both tools run the same work: TASKS tasks of /bin/true on every host, FORKS hosts at once, logged in as the
same account: as root, `cutover-bench` (created here with Debian's stock dotfiles, like a deploy account on a
server); one more round logs in as root, whose start-up files on this machine start pyenv.
- cutover: a `hosts: all` block with `rolling: { batch: "100%" }`, TASKS shell.exec steps of [/bin/true]
  (mutating steps with `no_undo:`, so each is journaled and fsynced like a real change), inventory `forks`.
- Ansible at its fastest: SSH pipelining, ControlMaster/ControlPersist (masters kept warm between rounds,
  which only helps Ansible), forks = FORKS, gather_facts: false, the `command` module, the `free` strategy
  (each host runs its tasks without waiting for the others: faster here than the default `linear`).
Rounds alternate (cutover, Ansible, cutover, Ansible, ...) so load on the shared machine hits both.
"""
import argparse
import datetime
import os
import pwd
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

MARKER = "<!-- fleet benchmark: bench/fleet/run.sh replaces everything below this line -->"


WHERE_THE_TIME_GOES = (
    "Where the time goes: here the \"hosts\" share the machine's 2 cores with both tools, so each task's cost on "
    "the host side counts against the tool. cutover opens one SSH connection per host and one long-lived command "
    "shell on it (the login shell and its start-up files run once per host); a task is a request on that shell's "
    "channel: a subshell, `setsid` and the command (no Python, no new SSH session), and two journal appends with "
    "fsync on the controller. Ansible's task is a multiplexed ssh client, a new sshd session, the login shell and "
    "its start-up files, and a python3 running the module. Root's start-up files on this machine run `pyenv init` "
    "(about 130 ms of CPU per shell): Ansible pays that per task, cutover per host. Of cutover's own CPU the "
    "largest parts are the JIT compiler and the post-quantum key exchange that OpenSSH 9.x hosts negotiate by "
    "default (sntrup761x25519, computed in Java by Bouncy Castle, about a quarter of the samples at 20 hosts; "
    "cutover does not fall back to a classical key exchange to look faster). With real hosts each host's share runs "
    "on its own CPU, and only the controller's side stays on this machine.")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


class Sshd:
    """One sshd listening on n ports."""

    def __init__(self, work, n):
        self.dir = os.path.join(work, "sshd")
        os.makedirs(self.dir, exist_ok=True)
        os.makedirs("/run/sshd", exist_ok=True)
        self.host_key = os.path.join(self.dir, "host_key")
        self.client_key = os.path.join(work, "client_key")
        for k in (self.host_key, self.client_key):
            if not os.path.exists(k):
                sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", k])
        auth = os.path.join(self.dir, "authorized_keys")
        shutil.copy(self.client_key + ".pub", auth)
        self.ports = free_ports(n)
        # OpenSSH listens on at most 16 sockets per sshd (MAX_LISTEN_SOCKS): one sshd per 16 ports
        self.procs = []
        self.log = open(os.path.join(self.dir, "sshd.log"), "w")
        for k in range(0, n, 16):
            conf = os.path.join(self.dir, f"sshd_config.{k // 16}")
            with open(conf, "w") as f:
                for p in self.ports[k:k + 16]:
                    f.write(f"Port {p}\n")
                f.write("\n".join([
                    "ListenAddress 127.0.0.1", f"HostKey {self.host_key}", f"AuthorizedKeysFile {auth}",
                    "PidFile none", "StrictModes no", "UsePAM no", "PermitRootLogin prohibit-password",
                    "PasswordAuthentication no", "KbdInteractiveAuthentication no", "MaxSessions 100",
                    "MaxStartups 400", "LogLevel ERROR", ""]))
            self.procs.append(subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", conf], stdout=self.log,
                                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
        deadline = time.monotonic() + 30
        for i, p in enumerate(self.ports):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", p), 0.5).close()
                    break
                except OSError:
                    if self.procs[i // 16].poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("sshd did not start; see " + self.log.name)
                    time.sleep(0.05)
        pub = open(self.host_key + ".pub").read().split()
        self.known_hosts = os.path.join(work, "known_hosts")
        with open(self.known_hosts, "w") as f:
            for p in self.ports:
                f.write(f"[127.0.0.1]:{p} {pub[0]} {pub[1]}\n")

    def close(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait(10)


BENCH_USER = "cutover-bench"


def login_account(requested):
    """The account both tools log in as; as root, creates the bench account when missing."""
    if requested:
        return requested
    me = pwd.getpwuid(os.getuid()).pw_name
    if os.getuid() != 0:
        return me
    try:
        pwd.getpwnam(BENCH_USER)
    except KeyError:
        sh(["useradd", "--create-home", "--shell", "/bin/bash", BENCH_USER])
    sh(["usermod", "-p", "*", BENCH_USER])  # no password, not locked: sshd accepts its key
    return BENCH_USER


def starts_pyenv(who):
    try:
        with open(os.path.join(pwd.getpwnam(who).pw_dir, ".bashrc")) as f:
            return "pyenv init" in f.read()
    except OSError:
        return False


def cutover_files(work, sshd, hosts, tasks, forks, user):
    d = os.path.join(work, f"cutover-{hosts}-{user}")
    os.makedirs(d, exist_ok=True)
    env = [f"inventory:\n  ssh: {{ forks: {forks}, known_hosts: \"{sshd.known_hosts}\", connect_timeout: 60s }}\n"
           "  hosts:\n"]
    for i in range(hosts):
        env.append(f"    h{i + 1}: {{ address: 127.0.0.1, port: {sshd.ports[i]}, user: {user}, "
                   f"identity: \"{sshd.client_key}\" }}\n")
    with open(os.path.join(d, "env.yaml"), "w") as f:
        f.write("".join(env))
    rb = ["apiVersion: cutover/v1\nname: fleet-bench\nsteps:\n  - hosts: all\n    id: fleet\n"
          "    rolling: { batch: \"100%\" }\n    steps:\n"]
    for t in range(tasks):
        rb.append(f"      - id: task-{t + 1}\n        uses: shell.exec\n        with: {{ command: [/bin/true] }}\n"
                  "        no_undo: \"benchmark: nothing to undo\"\n")
    with open(os.path.join(d, "fleet.yaml"), "w") as f:
        f.write("".join(rb))
    return d


def ansible_files(work, sshd, hosts, tasks, forks, user):
    d = os.path.join(work, f"ansible-{hosts}-{user}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "inventory.ini"), "w") as f:
        f.write("[fleet]\n")
        for i in range(hosts):
            f.write(f"h{i + 1} ansible_host=127.0.0.1 ansible_port={sshd.ports[i]}\n")
    cp = os.path.join(work, "cp")
    os.makedirs(cp, exist_ok=True)
    with open(os.path.join(d, "ansible.cfg"), "w") as f:
        f.write(f"""[defaults]
inventory = inventory.ini
remote_user = {user}
forks = {forks}
host_key_checking = True
gathering = explicit
interpreter_python = /usr/bin/python3
private_key_file = {sshd.client_key}
retry_files_enabled = False
stdout_callback = default
[ssh_connection]
pipelining = True
control_path_dir = {cp}
control_path = %(directory)s/%%h-%%p
ssh_args = -o ControlMaster=auto -o ControlPersist=600s -o UserKnownHostsFile={sshd.known_hosts} -o StrictHostKeyChecking=yes
""")
    with open(os.path.join(d, "play.yml"), "w") as f:
        f.write("- hosts: fleet\n  strategy: free\n  gather_facts: false\n  tasks:\n")
        for t in range(tasks):
            f.write(f"    - name: task {t + 1}\n      command: /bin/true\n")
    return d


def run_cutover(A, d, state):
    cmd = ["/usr/bin/time", "-f", "MAXRSS_KB=%M", A.java] + A.java_opts.split() + [
        "-jar", A.jar, "run", os.path.join(d, "fleet.yaml"), "--env-file", os.path.join(d, "env.yaml"),
        "--yes", "--no-color", "--state-dir", state]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        raise SystemExit(f"cutover failed (exit {p.returncode}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    rss = int(re.search(r"MAXRSS_KB=(\d+)", p.stderr).group(1))
    return wall, rss


def run_ansible(d):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(d, "ansible.cfg"))
    t0 = time.monotonic()
    p = subprocess.run(["ansible-playbook", "play.yml"], cwd=d, env=env, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0 or "failed=0" not in p.stdout:
        raise SystemExit(f"ansible failed (exit {p.returncode}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return wall


def med(xs):
    return f"{statistics.median(xs):.2f} s" + (f" ({min(xs):.2f}–{max(xs):.2f}, n={len(xs)})" if len(xs) > 1
                                                else " (n=1)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--java", default="java")
    ap.add_argument("--java-opts", default="")
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rounds-100", type=int, default=1)
    ap.add_argument("--rounds-root", type=int, default=1, help="rounds logged in as root (when run as root)")
    ap.add_argument("--tasks", type=int, default=10)
    ap.add_argument("--forks", type=int, default=20)
    ap.add_argument("--small", type=int, default=20, help="hosts of the first size (a smoke test: fewer)")
    ap.add_argument("--large", type=int, default=100)
    ap.add_argument("--user", help="the account to log in as (default: cutover-bench as root, else yourself)")
    A = ap.parse_args()
    started = time.monotonic()
    load0 = os.getloadavg()[0]
    user = login_account(A.user)
    runs = [(A.small, user, A.rounds), (A.large, user, A.rounds_100)]
    if os.getuid() == 0 and user != "root" and A.rounds_root > 0:
        runs.append((A.small, "root", A.rounds_root))
    sshd = Sshd(A.work, max(h for h, _, _ in runs))
    results = {}
    try:
        for hosts, who, rounds in runs:
            c_dir = cutover_files(A.work, sshd, hosts, A.tasks, A.forks, who)
            a_dir = ansible_files(A.work, sshd, hosts, A.tasks, A.forks, who)
            cw, ca, rss = [], [], []
            for r in range(rounds):
                w, m = run_cutover(A, c_dir, os.path.join(A.work, f"state-{hosts}-{who}-{r}"))
                cw.append(w)
                rss.append(m)
                ca.append(run_ansible(a_dir))
                print(f"bench/fleet: {hosts} hosts as {who}, round {r + 1}: cutover {w:.2f} s ({m // 1024} MiB), "
                      f"ansible {ca[-1]:.2f} s", file=sys.stderr)
            results[(hosts, who)] = (cw, ca, rss)
    finally:
        sshd.close()
    load1 = os.getloadavg()[0]
    c20, a20, _ = results[(A.small, user)]
    c100, a100, rss100 = results[(A.large, user)]
    sc20, sa20 = statistics.median(c20), statistics.median(a20)
    sc100, sa100 = statistics.median(c100), statistics.median(a100)
    per_c = (sc100 - sc20) / (A.large - A.small) * 1000
    per_a = (sa100 - sa20) / (A.large - A.small) * 1000
    peak = max(rss100) / 1024
    ansible_v = sh(["ansible-playbook", "--version"]).stdout.splitlines()[0]
    ssh_v = subprocess.run(["ssh", "-V"], capture_output=True, text=True).stderr.strip()
    rows = []
    for (hosts, who), (cw, ca, _) in results.items():
        login = f"`{who}`" + (" (its ~/.bashrc starts pyenv)" if starts_pyenv(who) else "")
        rows.append(f"| {hosts} | {login} | {med(cw)} | {med(ca)} | "
                    f"{statistics.median(ca) / statistics.median(cw):.1f}× |")
    lines = [MARKER, "", "## Fleet: cutover against Ansible over SSH", "",
             f"Generated by `bench/fleet/run.sh` on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC in "
             f"{time.monotonic() - started:.0f} s; {ansible_v}; {ssh_v}. Load average (1 min) at start / end: "
             f"{load0:.1f} / {load1:.1f} on 2 cores; the runs alternate (cutover, Ansible, ...) so any other load "
             "hits both.", "",
             f"Work: {A.tasks} tasks of `/bin/true` on every host, {A.forks} hosts at once. The hosts are ports "
             "of real OpenSSH `sshd` processes on loopback, one sshd per 16 ports (its limit of listen sockets; "
             "each host its own connection and forked sshd child), the same for both tools, which log in as the same "
             f"account: `{user}`" + (" (created by the benchmark with Debian's stock dotfiles, as a deploy "
             "account on a server has)" if user == BENCH_USER else "") + ("; one more round logs in as root. "
             if any(who != user for _, who in results) else ". ") +
             "cutover: one `hosts: all` block, `batch: \"100%\"`, each task a journaled `shell.exec` step, strict "
             "host keys from a known_hosts file, a cold JVM per run (the launcher's options and start-up cache). "
             f"Ansible at its fastest: pipelining, ControlPersist (masters stay warm between rounds), forks {A.forks}, "
             "gather_facts false, the `free` strategy (faster here than the default `linear`).", "",
             "| hosts | login | cutover | Ansible | Ansible / cutover |", "| --- | --- | --- | --- | --- |",
             *rows, "",
             "| target | measured | met |", "| --- | --- | --- |",
             f"| cutover ≥ 10× faster than Ansible ({A.small} hosts × {A.tasks} tasks) | {sa20 / sc20:.1f}× | "
             f"{'yes' if sa20 / sc20 >= 10 else 'no'} |",
             f"| cutover peak RSS at {A.large} hosts < 512 MiB | {peak:.0f} MiB | {'yes' if peak < 512 else 'no'} |",
             f"| cost per extra host ({A.small} → {A.large} hosts, {A.tasks} tasks each) | cutover {per_c:.0f} ms, "
             f"Ansible {per_a:.0f} ms | - |", "", WHERE_THE_TIME_GOES, ""]
    text = open(A.out).read() if os.path.exists(A.out) else "# Benchmarks\n"
    if MARKER in text:
        text = text[:text.index(MARKER)]
    if not text.endswith("\n\n"):
        text = text.rstrip("\n") + "\n\n"
    with open(A.out, "w") as f:
        f.write(text + "\n".join(lines))
    print("\n".join(lines[2:]))


if __name__ == "__main__":
    main()
