#!/usr/bin/python3
"""A stand-in Slurm for benchmarks: `sbatch`, `squeue` and `scancel` (the scripts next to this file)
that simulate a scheduler on this machine, fast enough for 10,000 jobs, with the standard library
only. Jobs really run: a job's command starts FAKE_SLURM_DELAY seconds after its submission, so it
can publish into a cache like a real job would.

Put this folder first on PATH. Settings (environment, read by sbatch at each submission; the
scheduler process reads FAKE_SLURM_SLOTS when it starts):
  FAKE_SLURM_STATE     the state folder (default: $TMPDIR/fake-slurm-$UID)
  FAKE_SLURM_DELAY     seconds between submission and start (default 0.5)
  FAKE_SLURM_SLOTS     jobs that run at once (default: the number of CPUs)
  FAKE_SLURM_MIN_AGE   seconds a finished job stays in `squeue --states=all` (default 300)

  FAKE_SLURM_IDLE_EXIT  seconds the scheduler process waits without jobs before it exits (default 60)

State folder: next_id (the last job id), jobs/N.json (one small file per job, replaced
atomically), scripts/N and scripts/N.env (the batch script and the environment as submitted),
cancel/N (scancel's request), squeue.calls, sbatch.calls and scancel.calls (one line per call: its
time), scheduler.pid and scheduler.log. The scheduler is one background process per state folder,
started by the first sbatch; it starts jobs first come, first served (a job never overtakes an
earlier one whose dependencies are met), and exits after FAKE_SLURM_IDLE_EXIT seconds without
jobs. `fake_slurm.py stop` ends it now (cancelling and killing the jobs it has), `fake_slurm.py
stats` prints the jobs per state and the calls of each command with their rate per minute.

Supported: sbatch -J/--job-name, --comment, -o/--output, -e/--error, --open-mode, -D/--chdir,
--wrap or a script file (with its #SBATCH lines) and its arguments, --parsable, -c/--cpus-per-task,
--gres=gpu:N (CUDA_VISIBLE_DEVICES), -d/--dependency=afterok|afterany:ID[:ID...]
(--kill-on-invalid-dep=yes cancels a job whose afterok dependency failed), other options accepted
and ignored; squeue -h, -j/--jobs, -u/--user, --me, -n/--name, -t/--states (all), -o/--format with
%i %j %T %t %r %R %N %k %u %P %D %C %M %S %V %e and widths (%.18i, %10j), -O/--Format with JobID,
Name, State, Reason, NodeList, Comment, exit_code (the wait status: 768 is exit 3) and the like;
scancel IDs, -n/--name, -u/--user, --me, -s/--signal (to the job's whole process group, as with
scancel -b), -q/--quiet, -v. As the real ones: squeue shows finished jobs only with -t (they are
"purged" FAKE_SLURM_MIN_AGE after they end), one unknown job id in -j is an error (in a list it is
not), scancel of an unknown or finished job is silent (said with -v) and exits 0, a job whose
output file cannot be opened fails (FAILED, JobLaunchFailure) without running.
"""

import fcntl
import getpass
import json
import os
import re
import signal
import sys
import time

# subprocess is imported where jobs start (sbatch, the scheduler): squeue and scancel are called
# often and start faster without it.

NODE = "fake1"
FINISHED = ("COMPLETED", "FAILED", "CANCELLED")
COMPACT = {"PENDING": "PD", "RUNNING": "R", "COMPLETED": "CD", "FAILED": "F", "CANCELLED": "CA"}
SHORT_STATES = {v: k for k, v in COMPACT.items()}
DEFAULT_FORMAT = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R"


def state_dir():
    d = os.environ.get("FAKE_SLURM_STATE") or os.path.join(
        os.environ.get("TMPDIR", "/tmp"), "fake-slurm-%d" % os.getuid())
    for sub in ("jobs", "scripts", "cancel"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    return d


def count_call(d, name):
    fd = os.open(os.path.join(d, name + ".calls"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, b"%.3f\n" % time.time())
    finally:
        os.close(fd)


def job_path(d, job_id):
    return os.path.join(d, "jobs", "%d.json" % job_id)


def read_job(d, job_id):
    try:
        with open(job_path(d, job_id)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_job(d, job):
    path = job_path(d, job["id"])
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(job, f)
    os.replace(tmp, path)


def last_id(d):
    try:
        with open(os.path.join(d, "next_id")) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


class Lock:
    """flock on a file in the state folder: `submit` serializes submissions and the scheduler's
    exit; `scheduler` is held by the one live scheduler."""

    def __init__(self, d, name, blocking=True):
        self.fd = os.open(os.path.join(d, name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            self.held = True
        except BlockingIOError:
            self.held = False

    def release(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def fail(command, message, code=1):
    sys.stderr.write("%s: error: %s\n" % (command, message))
    sys.exit(code)


# ---------------------------------------------------------------------------------------------
# sbatch

# Options that take no value; every other option takes one (--opt=value or --opt value).
FLAGS = {"--parsable", "--requeue", "--no-requeue", "--exclusive", "--overcommit", "-O", "--quiet",
         "-Q", "--verbose", "-v", "--no-kill", "-k", "--contiguous", "--spread-job", "--use-min-nodes",
         "--test-only", "--ignore-pbs", "--get-user-env", "--oversubscribe", "-s"}
SHORT = {"-J": "--job-name", "-o": "--output", "-e": "--error", "-D": "--chdir",
         "-c": "--cpus-per-task", "-d": "--dependency", "-a": "--array", "-H": "--hold",
         "-W": "--wait", "-Q": "--quiet", "-v": "--verbose"}
UNSUPPORTED = {"--array", "--hold", "--wait"}


def parse_options(args, options, stop_at_positional):
    """Parses sbatch options into `options` (later ones win); returns the rest (script and its
    arguments) when stop_at_positional."""
    i = 0
    while i < len(args):
        a = args[i]
        if not a.startswith("-") or a == "-":
            if stop_at_positional:
                return args[i:]
            i += 1
            continue
        if a == "--":
            return args[i + 1:]
        name, value = a, None
        if a.startswith("--") and "=" in a:
            name, value = a.split("=", 1)
        elif not a.startswith("--") and len(a) > 2:
            name, value = a[:2], a[2:]
        if name in FLAGS or SHORT.get(name) in FLAGS:
            options[SHORT.get(name, name)] = True
            i += 1
            continue
        name = SHORT.get(name, name)
        if name in ("--hold", "--wait"):
            fail("sbatch", "%s is not supported by the fake sbatch" % name)
        if value is None:
            if i + 1 >= len(args):
                fail("sbatch", "option %s needs a value" % a)
            value = args[i + 1]
            i += 1
        if name in UNSUPPORTED:
            fail("sbatch", "%s is not supported by the fake sbatch" % name)
        options[name] = value
        i += 1
    return []


def output_name(pattern, job):
    def sub(m):
        c = m.group(1)
        return {"j": str(job["id"]), "J": str(job["id"]), "x": job["name"], "u": job["user"],
                "N": NODE, "%": "%", "A": str(job["id"]), "a": "4294967294"}.get(c, m.group(0))
    name = re.sub(r"%([a-zA-Z%])", sub, pattern)
    return name if os.path.isabs(name) else os.path.join(job["workdir"], name)


def parse_dependency(text):
    """afterok:1:2,afterany:3 -> [["afterok", 1], ["afterok", 2], ["afterany", 3]]"""
    deps = []
    for part in re.split(r"[,?]", text):
        if not part:
            continue
        kind, _, ids = part.partition(":")
        if kind not in ("afterok", "afterany") or not ids:
            fail("sbatch", "dependency '%s' is not supported by the fake sbatch (afterok, afterany)" % part)
        for i in ids.split(":"):
            deps.append([kind, int(i.split("_")[0].split("+")[0])])
    return deps


def sbatch(argv):
    d = state_dir()
    count_call(d, "sbatch")
    options = {}
    rest = parse_options(argv, options, stop_at_positional=True)
    if "--wrap" in options:
        if rest:
            fail("sbatch", "a script file and --wrap were both given")
        script = "#!/bin/sh\n# This script was created by sbatch --wrap.\n\n%s\n" % options["--wrap"]
        script_args = []
    else:
        if rest:
            try:
                with open(rest[0]) as f:
                    script = f.read()
            except OSError as e:
                fail("sbatch", "Unable to open file %s: %s" % (rest[0], e.strerror))
        else:
            script = sys.stdin.read()
        script_args = rest[1:]
        if not script.startswith("#!"):
            fail("sbatch", "This does not look like a batch script.  The first line must start with #! "
                           "followed by the path to an interpreter.")
        directives = []
        for line in script.splitlines()[1:]:
            s = line.strip()
            if s.startswith("#SBATCH"):
                import shlex
                try:
                    directives += shlex.split(s[len("#SBATCH"):])
                except ValueError:
                    directives += s[len("#SBATCH"):].split()
            elif s and not s.startswith("#"):
                break
        file_options = {}
        parse_options(directives, file_options, stop_at_positional=False)
        options = {**file_options, **options}

    workdir = os.path.abspath(options.get("--chdir", os.getcwd()))
    try:
        delay = float(os.environ.get("FAKE_SLURM_DELAY", "0.5"))
    except ValueError:
        delay = 0.5
    env = dict(os.environ)
    gres = options.get("--gres", "")
    gpus = 0
    m = re.search(r"gpu(?::[^:,]+)?:(\d+)", gres) if gres else None
    if m:
        gpus = int(m.group(1))
    elif gres in ("gpu",):
        gpus = 1
    job = {
        "name": options.get("--job-name") or ("wrap" if "--wrap" in options else
                                              os.path.basename(rest[0]) if rest else "sbatch"),
        "comment": options.get("--comment", ""),
        "user": getpass.getuser(),
        "workdir": workdir,
        "state": "PENDING",
        "reason": "None",  # or Dependency, DependencyNeverSatisfied; squeue shows BeginTime or Resources
        "submit": time.time(),
        "eligible": time.time() + delay,
        "start": None,
        "end": None,
        "exit_code": None,
        "signal": None,
        "pgid": None,
        "cpus": int(options.get("--cpus-per-task", "1") or 1),
        "cpus_per_task": options.get("--cpus-per-task"),
        "gpus": gpus,
        "deps": parse_dependency(options["--dependency"]) if options.get("--dependency") else [],
        "kill_on_invalid_dep": options.get("--kill-on-invalid-dep", "no") == "yes",
        "append": options.get("--open-mode", "truncate") == "append",
        "args": script_args,
    }
    if job["deps"]:
        job["reason"] = "Dependency"
    with Lock(d, "submit"):
        job_id = last_id(d) + 1
        job["id"] = job_id
        job["output"] = output_name(options.get("--output", "slurm-%j.out"), job)
        job["error"] = output_name(options["--error"], job) if "--error" in options else job["output"]
        script_path = os.path.join(d, "scripts", str(job_id))
        for _, dep in job["deps"]:
            if dep >= job_id or not os.path.exists(job_path(d, dep)):
                fail("sbatch", "Batch job submission failed: Job dependency problem")
        with open(script_path, "w") as f:
            f.write(script)
        os.chmod(script_path, 0o755)
        with open(script_path + ".env", "w") as f:  # apart, so that squeue reads small files
            json.dump(env, f)
        write_job(d, job)
        with open(os.path.join(d, "next_id.tmp"), "w") as f:
            f.write("%d\n" % job_id)
        os.replace(os.path.join(d, "next_id.tmp"), os.path.join(d, "next_id"))
        probe = Lock(d, "scheduler", blocking=False)
        no_scheduler = probe.held
        probe.release()
        if no_scheduler:
            start_scheduler(d)
    # one write, so that the lines of parallel sbatch calls into one file never interleave
    sys.stdout.flush()
    os.write(1, (b"%d\n" if options.get("--parsable") else b"Submitted batch job %d\n") % job_id)


def start_scheduler(d):
    import subprocess
    log = open(os.path.join(d, "scheduler.log"), "a")
    subprocess.Popen([sys.executable, os.path.abspath(__file__), "scheduler", d],
                     stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                     close_fds=True)
    log.close()


# ---------------------------------------------------------------------------------------------
# the scheduler: one process per state folder

def scheduler(d):
    """Starts jobs first come, first served once FAKE_SLURM_DELAY has passed and their dependencies
    are met, at most FAKE_SLURM_SLOTS at a time; records each job's end in its file."""
    lock = Lock(d, "scheduler", blocking=False)
    if not lock.held:
        return  # another one is running
    with open(os.path.join(d, "scheduler.pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    slots = int(os.environ.get("FAKE_SLURM_SLOTS") or os.cpu_count() or 1)
    idle_exit = float(os.environ.get("FAKE_SLURM_IDLE_EXIT", "60"))
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    cancel_dir = os.path.join(d, "cancel")
    seen = 0       # the last job id looked at
    ready = {}     # id -> job: pending, dependencies met, in submission order
    blocked = {}   # id -> [job, unmet dependency count]
    waiters = {}   # dependency id -> [(waiting job id, afterok or afterany)]
    running = {}   # id -> (job, Popen)
    done = {}      # id -> final state
    idle_since = time.time()

    def final_state(job_id):
        if job_id in done:
            return done[job_id]
        if job_id in ready or job_id in blocked or job_id in running:
            return None
        j = read_job(d, job_id)  # ended before this scheduler started
        if j is None:
            return "CANCELLED"
        return j["state"] if j["state"] in FINISHED else None

    def finish(job, state, exit_code, sig, reason="None"):
        job.update(state=state, reason=reason, end=time.time(), exit_code=exit_code, signal=sig)
        if job["start"] is None:
            job["start"] = job["end"]
        write_job(d, job)
        done[job["id"]] = state
        for waiter, kind in waiters.pop(job["id"], []):
            if waiter not in blocked:
                continue
            entry = blocked[waiter]
            if kind == "afterok" and state != "COMPLETED":
                never_satisfied(waiter)
                continue
            entry[1] -= 1
            if entry[1] == 0:
                del blocked[waiter]
                entry[0]["reason"] = "None"
                write_job(d, entry[0])
                ready[waiter] = entry[0]

    def never_satisfied(job_id):
        job = blocked.pop(job_id)[0]
        if job["kill_on_invalid_dep"]:
            finish(job, "CANCELLED", 0, 0)
        else:  # stays pending, as in Slurm, until scancel
            job["reason"] = "DependencyNeverSatisfied"
            write_job(d, job)
            blocked[job_id] = [job, -1]

    def add(job):
        unmet, failed = 0, False
        for kind, dep in job["deps"]:
            state = final_state(dep)
            if state is None:
                waiters.setdefault(dep, []).append((job["id"], kind))
                unmet += 1
            elif kind == "afterok" and state != "COMPLETED":
                failed = True
        if unmet == 0 and not failed:
            ready[job["id"]] = job
            return
        blocked[job["id"]] = [job, unmet]
        if failed:
            never_satisfied(job["id"])

    while True:
        now = time.time()
        top = last_id(d)
        while seen < top:
            seen += 1
            j = read_job(d, seen)
            if j is not None and j["state"] == "PENDING":
                add(j)
        cancels = {int(n) for n in os.listdir(cancel_dir) if n.isdigit()}
        for job_id in cancels:
            job = ready.pop(job_id, None) or (blocked.pop(job_id, [None])[0])
            if job is not None:
                finish(job, "CANCELLED", 0, 0)
        for job_id, (job, proc) in list(running.items()):
            rc = proc.poll()
            cancelled = job_id in cancels
            if rc is None:
                if cancelled and "cancel_seen" not in job:  # scancel may have missed its start
                    job["cancel_seen"] = now
                    kill_group(proc.pid, signal.SIGTERM)
                elif cancelled and now - job["cancel_seen"] > 5:  # as KillWait
                    kill_group(proc.pid, signal.SIGKILL)
                continue
            del running[job_id]
            if cancelled:
                finish(job, "CANCELLED", 0, -rc if rc < 0 else 0)
            elif rc == 0:
                finish(job, "COMPLETED", 0, 0)
            elif rc < 0:
                finish(job, "FAILED", 0, -rc, "JobLaunchFailure")
            else:
                finish(job, "FAILED", rc, 0, "NonZeroExitCode")
        # first come, first served: a job never overtakes an earlier ready one
        while ready and len(running) < slots and not stopping:
            job_id = next(iter(ready))
            job = ready[job_id]
            if job["eligible"] > now:
                break
            del ready[job_id]
            running[job_id] = (job, launch(d, job))
        if ready or blocked or running:
            idle_since = now
        elif stopping or now - idle_since > idle_exit:
            with Lock(d, "submit"):  # no submission between the last look and letting go
                if last_id(d) == seen:
                    try:
                        os.unlink(os.path.join(d, "scheduler.pid"))
                    except OSError:
                        pass
                    lock.release()
                    return
        if stopping:
            for job_id, (job, proc) in running.items():
                kill_group(proc.pid, signal.SIGKILL)
            for job in list(ready.values()) + [entry[0] for entry in blocked.values()]:
                finish(job, "CANCELLED", 0, 0)
            ready.clear()
            blocked.clear()
            for job_id, (job, proc) in list(running.items()):
                proc.wait()
                del running[job_id]
                finish(job, "CANCELLED", 0, signal.SIGKILL)
        time.sleep(0.02 if running or ready else 0.1)


def kill_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except OSError:
        pass


def launch(d, job):
    import subprocess
    try:
        with open(os.path.join(d, "scripts", "%d.env" % job["id"])) as f:
            env = json.load(f)
    except (OSError, ValueError):
        env = dict(os.environ)
    env.update({
        "SLURM_JOB_ID": str(job["id"]), "SLURM_JOBID": str(job["id"]), "SLURM_JOB_NAME": job["name"],
        "SLURM_SUBMIT_DIR": job["workdir"], "SLURM_JOB_NODELIST": NODE, "SLURM_NODELIST": NODE,
        "SLURMD_NODENAME": NODE, "SLURM_CPUS_ON_NODE": str(job["cpus"]), "SLURM_NTASKS": "1",
        "SLURM_JOB_USER": job["user"],
    })
    if job["cpus_per_task"]:
        env["SLURM_CPUS_PER_TASK"] = str(job["cpus"])
    if job["gpus"]:
        env["CUDA_VISIBLE_DEVICES"] = ",".join(str(i) for i in range(job["gpus"]))
    mode = "ab" if job["append"] else "wb"
    script = os.path.join(d, "scripts", str(job["id"]))
    out = err = None
    try:
        out = open(job["output"], mode)
        err = out if job["error"] == job["output"] else open(job["error"], mode)
        proc = subprocess.Popen([script] + job["args"], cwd=job["workdir"], env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, start_new_session=True, close_fds=True)
    except OSError:
        # as slurmd when it cannot open the output file or enter the folder: the job fails
        # (FAILED, JobLaunchFailure) without running
        proc = subprocess.Popen(["sh", "-c", "kill -9 $$"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    for f in {out, err} - {None}:
        f.close()
    job.update(state="RUNNING", reason="None", start=time.time(), pgid=proc.pid)
    write_job(d, job)
    return proc


# ---------------------------------------------------------------------------------------------
# squeue

def parse_args(argv, command, takes_value, flags, positional_ok=False):
    """Generic option parser: {long: value or True}, positionals."""
    opts, positional = {}, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("-") and a != "-":
            name, value = a, None
            if a.startswith("--") and "=" in a:
                name, value = a.split("=", 1)
            elif not a.startswith("--") and len(a) > 2:
                name, value = a[:2], a[2:]
            long = flags.get(name) or takes_value.get(name)
            if long is None:
                fail(command, "unrecognized option '%s'" % a)
            if name in flags:
                opts[long] = True
            else:
                if value is None:
                    if i + 1 >= len(argv):
                        fail(command, "option '%s' requires an argument" % a)
                    i += 1
                    value = argv[i]
                opts[long] = value
        elif positional_ok:
            positional.append(a)
        else:
            fail(command, "unexpected argument '%s'" % a)
        i += 1
    return opts, positional


def ids_of(text):
    ids = []
    for part in text.split(","):
        part = part.strip()
        if part:
            try:
                ids.append(int(part.split(".")[0].split("_")[0]))
            except ValueError:
                fail("squeue", "Invalid job id: %s" % part)
    return ids


def elapsed(job, now):
    if job["start"] is None:
        return 0
    return int((job["end"] or now) - job["start"])


def hms(seconds):
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    dd, h = divmod(h, 24)
    if dd:
        return "%d-%02d:%02d:%02d" % (dd, h, m, s)
    return "%d:%02d:%02d" % (h, m, s) if h else "%d:%02d" % (m, s)


def stamp(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t)) if t else "N/A"


def field(job, c, now):
    state = job["state"]
    if c in ("i", "A"):
        return str(job["id"])
    if c == "j":
        return job["name"]
    if c == "T":
        return state
    if c == "t":
        return COMPACT.get(state, state)
    if c in ("r", "R"):
        reason = job["reason"]
        if state == "PENDING" and reason == "None":
            reason = "BeginTime" if job["eligible"] > now else "Resources"
        if c == "r":
            return reason
        return NODE if reason == "None" else "(%s)" % reason
    if c == "N":
        return "" if state == "PENDING" else NODE
    if c == "k":
        return job["comment"] or "(null)"
    if c == "u":
        return job["user"]
    if c == "P":
        return "debug"
    if c == "D":
        return "1"
    if c == "C":
        return str(job["cpus"])
    if c == "M":
        return hms(elapsed(job, now))
    if c == "S":
        return stamp(job["start"] or job["eligible"])
    if c == "V":
        return stamp(job["submit"])
    if c == "e":
        return stamp(job["end"])
    if c == "X":  # -O exit_code: the wait status, as Slurm shows it (768 for exit 3, 9 for SIGKILL)
        return str(((job["exit_code"] or 0) << 8) | (job["signal"] or 0))
    return "n/a"


HEADERS = {"X": "EXIT_CODE", "i": "JOBID", "A": "JOBID", "j": "NAME", "T": "STATE", "t": "ST", "r": "REASON",
           "R": "NODELIST(REASON)", "N": "NODELIST", "k": "COMMENT", "u": "USER", "P": "PARTITION",
           "D": "NODES", "C": "CPUS", "M": "TIME", "S": "START_TIME", "V": "SUBMIT_TIME", "e": "END_TIME"}


# squeue -O/--Format names (lower-cased) -> the -o letter that gives the same text
LONG_FIELDS = {"jobid": "i", "jobarrayid": "i", "name": "j", "state": "T", "statecompact": "t",
               "reason": "r", "reasonlist": "R", "nodelist": "N", "comment": "k", "username": "u",
               "partition": "P", "numnodes": "D", "numcpus": "C", "timeused": "M", "starttime": "S",
               "submittime": "V", "endtime": "e", "exit_code": "X", "exitcode": "X"}


def render_long(spec, values, header):
    """-O JobID,State:10,exit_code:|  (type[:[.][size][suffix]], 20 wide and left-justified by default)"""
    out = []
    for item in spec.split(","):
        name, _, size = item.partition(":")
        right = size.startswith(".")
        m = re.match(r"\.?(\d*)(.*)", size)
        width = int(m.group(1)) if m.group(1) else (0 if ":" in item else 20)  # "JobID:|" is not padded
        suffix = m.group(2)
        c = LONG_FIELDS.get(name.lower())
        if c is None:
            fail("squeue", "Invalid job format specification: %s" % name)
        text = (HEADERS.get(c, name.upper()) if header else values(c))
        if width:
            text = text[:width]
            text = text.rjust(width) if right else text.ljust(width)
        out.append(text + suffix)
    return "".join(out)


def render(fmt, values):
    def sub(m):
        if m.group(0) == "%%":
            return "%"
        right, width, c = m.group(1), m.group(2), m.group(3)
        text = values(c)
        if width:
            w = int(width)
            text = text[:w]
            text = text.rjust(w) if right else text.ljust(w)
        return text
    return re.sub(r"%%|%(\.)?(\d+)?([a-zA-Z])", sub, fmt)


def squeue(argv):
    d = state_dir()
    count_call(d, "squeue")
    opts, _ = parse_args(argv, "squeue", {
        "-j": "jobs", "--jobs": "jobs", "-u": "user", "--user": "user", "-n": "name", "--name": "name",
        "-t": "states", "--states": "states", "-o": "format", "--format": "format", "-p": "partition",
        "--partition": "partition", "-M": "clusters", "--clusters": "clusters", "-S": "sort", "--sort": "sort",
        "-i": "iterate", "--iterate": "iterate", "-O": "long_format", "--Format": "long_format"},
        {"-h": "noheader", "--noheader": "noheader", "--me": "me", "-a": "all", "--all": "all", "-l": "long",
         "--long": "long", "-r": "array", "--array": "array", "-v": "verbose", "--verbose": "verbose"})
    now = time.time()
    min_age = float(os.environ.get("FAKE_SLURM_MIN_AGE", "300"))
    if "jobs" in opts:
        wanted = ids_of(opts["jobs"])
    else:
        wanted = [int(n[:-5]) for n in os.listdir(os.path.join(d, "jobs")) if n.endswith(".json")]
    states = None
    if "states" in opts:
        states = set()
        for s in opts["states"].upper().split(","):
            if s == "ALL":
                states = None
                break
            states.add(SHORT_STATES.get(s, s))
    user = getpass.getuser() if "me" in opts else opts.get("user")
    users = set(user.split(",")) if user else None
    names = set(opts["name"].split(",")) if "name" in opts else None
    jobs, purged = [], set()
    for job_id in sorted(set(wanted)):
        job = read_job(d, job_id)
        if job is None:
            purged.add(job_id)
            continue
        if job["state"] == "PENDING" and os.path.exists(os.path.join(d, "cancel", str(job_id))):
            job.update(state="CANCELLED", end=now, reason="None")
        if job["state"] in FINISHED and now - (job["end"] or now) > min_age:
            purged.add(job_id)
            continue  # purged, as after MinJobAge
        if states is None and "states" not in opts and job["state"] in FINISHED:
            continue  # squeue's default: pending and running jobs only
        if states is not None and job["state"] not in states:
            continue
        if users is not None and job["user"] not in users:
            continue
        if names is not None and job["name"] not in names:
            continue
        jobs.append(job)
    if len(wanted) == 1 and "jobs" in opts and wanted[0] in purged:
        # like squeue: one unknown (or purged) job id is an error; in a list of several it is not
        sys.stderr.write("slurm_load_jobs error: Invalid job id specified\n")
        sys.exit(1)
    fmt = opts.get("format", DEFAULT_FORMAT)
    lines = []
    if "long_format" in opts:
        if "noheader" not in opts:
            lines.append(render_long(opts["long_format"], None, True))
        for job in jobs:
            lines.append(render_long(opts["long_format"], lambda c: field(job, c, now), False))
    else:
        if "noheader" not in opts:
            lines.append(render(fmt, lambda c: HEADERS.get(c, c.upper())))
        for job in jobs:
            lines.append(render(fmt, lambda c: field(job, c, now)))
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------------
# scancel

def scancel(argv):
    d = state_dir()
    count_call(d, "scancel")
    opts, positional = parse_args(argv, "scancel", {
        "-n": "name", "--name": "name", "--jobname": "name", "-u": "user", "--user": "user",
        "-s": "signal", "--signal": "signal", "-t": "state", "--state": "state", "-p": "partition",
        "--partition": "partition", "-M": "clusters", "--clusters": "clusters"},
        {"-q": "quiet", "--quiet": "quiet", "--me": "me", "-f": "full", "--full": "full", "-b": "batch",
         "--batch": "batch", "-v": "verbose", "--verbose": "verbose", "-i": "interactive"},
        positional_ok=True)
    ids = []
    for p in positional:
        ids += ids_of(p)
    filtered = any(k in opts for k in ("name", "user", "me", "state", "partition"))
    if not ids and not filtered:
        fail("scancel", "No job identification provided")
    if not ids:
        ids = [int(n[:-5]) for n in os.listdir(os.path.join(d, "jobs")) if n.endswith(".json")]
    user = getpass.getuser() if "me" in opts else opts.get("user")
    sig = None
    if "signal" in opts:
        s = opts["signal"].upper()
        sig = int(s) if s.isdigit() else getattr(signal, s if s.startswith("SIG") else "SIG" + s)
    for job_id in ids:
        job = read_job(d, job_id)
        if job is None:  # like scancel: said only with -v, and the exit status stays 0
            if not filtered and "verbose" in opts:
                sys.stderr.write("scancel: error: Kill job error on job id %d: Invalid job id specified\n" % job_id)
            continue
        if filtered:
            if "name" in opts and job["name"] not in opts["name"].split(","):
                continue
            if user and job["user"] not in user.split(","):
                continue
            if "state" in opts and job["state"] != SHORT_STATES.get(opts["state"].upper(), opts["state"].upper()):
                continue
        if job["state"] in FINISHED:
            continue
        if sig is None:
            with open(os.path.join(d, "cancel", str(job_id)), "w"):
                pass
            job = read_job(d, job_id)  # it may have started meanwhile
        if job and job["state"] == "RUNNING" and job["pgid"]:
            try:
                os.killpg(job["pgid"], sig if sig is not None else signal.SIGTERM)
            except OSError:
                pass


# ---------------------------------------------------------------------------------------------

def stop(d):
    try:
        with open(os.path.join(d, "scheduler.pid")) as f:
            pid = int(f.read())
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        return
    for _ in range(200):
        probe = Lock(d, "scheduler", blocking=False)
        held = probe.held
        probe.release()
        if held:
            return
        time.sleep(0.05)


def stats(d):
    counts = {}
    for n in os.listdir(os.path.join(d, "jobs")):
        if n.endswith(".json"):
            j = read_job(d, int(n[:-5]))
            if j:
                counts[j["state"]] = counts.get(j["state"], 0) + 1
    print("jobs: " + (" ".join("%s=%d" % kv for kv in sorted(counts.items())) or "none"))
    for name in ("sbatch", "squeue", "scancel"):
        try:
            with open(os.path.join(d, name + ".calls")) as f:
                times = [float(x) for x in f.read().split()]
        except OSError:
            times = []
        if len(times) > 1 and times[-1] > times[0]:
            rate = " (%.1f per minute over %.1f s)" % (60 * (len(times) - 1) / (times[-1] - times[0]),
                                                       times[-1] - times[0])
        else:
            rate = ""
        print("%s calls: %d%s" % (name, len(times), rate))


def main():
    command = os.path.basename(sys.argv[0])
    argv = sys.argv[1:]
    if command in ("fake_slurm.py", "fake_slurm") and argv:
        command, argv = argv[0], argv[1:]
    if command == "sbatch":
        sbatch(argv)
    elif command == "squeue":
        squeue(argv)
    elif command == "scancel":
        scancel(argv)
    elif command == "scheduler":
        scheduler(argv[0] if argv else state_dir())
    elif command == "stop":
        stop(state_dir())
    elif command == "stats":
        stats(state_dir())
    else:
        fail("fake_slurm.py", "usage: fake_slurm.py sbatch|squeue|scancel|stop|stats [ARGS...]", 2)


if __name__ == "__main__":
    main()
