#!/usr/bin/env python3
"""Run aio programs under CPython 3.11 with a virtual clock: the reference for tests/cases.

Usage:
  pyref.py FILE [ARGS...]           run one program (exit status as CPython's)
  pyref.py --batch [-j N] FILE...   run many; each in a forked child of one warm interpreter

Virtual time: when the asyncio event loop has nothing ready and would wait for a
timer, the clock jumps to that timer instead of sleeping. loop.time(),
time.monotonic(), time.perf_counter() and time.time() (origin 1_700_000_000.0)
read the clock; a blocking time.sleep(d) advances it by d. If the loop would
wait forever (no ready callback, no timer, no I/O, no busy worker thread), the
program is deadlocked: a message goes to stderr and the exit status is 3.

Programs import sibling `NAME.aio` files as modules, as aio does.

Batch output, per file in argument order, on stdout: a header line
`@@ STATUS STDOUT_BYTES STDERR_BYTES PATH` followed by the raw stdout and stderr
bytes. A program still running after the per-file limit is killed; its status is 124.
"""
import asyncio
import builtins
import concurrent.futures.thread
import importlib.machinery
import os
import selectors
import sys
import threading
import time
import types

WALL_ORIGIN = 1_700_000_000.0
DEADLOCK_STATUS = 3
TIMEOUT_STATUS = 124
KILLED_BY_SIGINT = -2

# the real clock, for the batch runner's own deadlines
_real_sleep = time.sleep
_real_clock = time.perf_counter

# ---------------------------------------------------------------- the clock


class _Clock:
    """Seconds since the program started, advanced only on purpose."""

    def __init__(self):
        self.now = 0.0
        self.lock = threading.Lock()

    def advance(self, seconds):
        if seconds > 0:
            with self.lock:
                self.now += seconds


CLOCK = _Clock()


def _monotonic():
    return CLOCK.now


def _install_time_patches():
    time.monotonic = _monotonic
    time.perf_counter = _monotonic
    time.time = lambda: WALL_ORIGIN + CLOCK.now
    time.monotonic_ns = lambda: int(CLOCK.now * 1e9)
    time.perf_counter_ns = lambda: int(CLOCK.now * 1e9)
    time.time_ns = lambda: int((WALL_ORIGIN + CLOCK.now) * 1e9)
    time.sleep = CLOCK.advance


# ------------------------------------------------------- worker-thread count

# Work handed to a thread pool (asyncio.to_thread, run_in_executor) finishes in
# real time; while any is in flight the loop must really wait for it.
_busy_workers = [0]
_submit = concurrent.futures.thread.ThreadPoolExecutor.submit


def _counted_submit(self, fn, *args, **kwargs):
    with CLOCK.lock:
        _busy_workers[0] += 1

    def work():
        try:
            return fn(*args, **kwargs)
        finally:
            with CLOCK.lock:
                _busy_workers[0] -= 1

    return _submit(self, work)


concurrent.futures.thread.ThreadPoolExecutor.submit = _counted_submit

# ------------------------------------------------------------ the event loop

# The longest real wait while real I/O or a worker thread is pending: the
# clock must keep moving for timers that race with them.
_REAL_WAIT_CAP = 0.05


def _deadlock():
    sys.stdout.flush()
    sys.stderr.write("pyref: deadlock: no task can make progress "
                     "(nothing ready, no timer, no I/O, no worker thread)\n")
    sys.stderr.flush()
    os._exit(DEADLOCK_STATUS)


class VirtualSelector(selectors.DefaultSelector):
    """A selector whose waits for timers take no real time."""

    def __init__(self):
        super().__init__()
        self.wakeup_fd = -1  # the loop's self-pipe, which is not real I/O

    def select(self, timeout=None):
        ready = super().select(0)
        if ready or timeout == 0:
            return ready
        real_io = any(key.fd != self.wakeup_fd for key in self.get_map().values())
        if real_io or _busy_workers[0]:
            wait = _REAL_WAIT_CAP if timeout is None else min(timeout, _REAL_WAIT_CAP)
            ready = super().select(wait)
            if not ready and timeout is not None and not real_io and not _busy_workers[0]:
                # the worker finished without waking us: the rest of the wait is virtual
                CLOCK.advance(timeout - wait)
            return ready
        if timeout is None:
            # a worker may be handing its result over right now
            ready = super().select(0.2)
            if ready or _busy_workers[0]:
                return ready
            _deadlock()
        CLOCK.advance(timeout)
        return []


class VirtualEventLoop(asyncio.SelectorEventLoop):
    """CPython's own loop, reading the virtual clock."""

    def __init__(self):
        selector = VirtualSelector()
        super().__init__(selector=selector)
        selector.wakeup_fd = self._ssock.fileno()
        self._clock_resolution = 1e-9

    def time(self):
        return CLOCK.now


class VirtualPolicy(asyncio.DefaultEventLoopPolicy):
    _loop_factory = VirtualEventLoop


# --------------------------------------------------------------- importing


def _install_aio_importer():
    """Lets `import helpers` find helpers.aio beside the program, as in aio."""
    m = importlib.machinery
    hook = m.FileFinder.path_hook(
        (m.ExtensionFileLoader, m.EXTENSION_SUFFIXES),
        (m.SourceFileLoader, m.SOURCE_SUFFIXES + [".aio"]),
        (m.SourcelessFileLoader, m.BYTECODE_SUFFIXES),
    )
    sys.path_hooks.insert(0, hook)
    sys.path_importer_cache.clear()


def _setup():
    sys.dont_write_bytecode = True
    _install_time_patches()
    _install_aio_importer()
    asyncio.set_event_loop_policy(VirtualPolicy())


# ----------------------------------------------------------------- running


def run_program(path, args):
    """Runs PATH as `python3 PATH ARGS` would, as __main__, then exits the process.

    Uncaught exceptions are reported by sys.excepthook without this file's
    frames. The shutdown is CPython's in miniature (threads joined, atexit
    handlers, __main__'s globals cleared in CPython's order, a collection), so
    finalizers such as never-awaited coroutine warnings report as they would,
    without the cost of tearing down every module of a forked interpreter.
    """
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    sys.argv = [path] + list(args)
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    try:
        with open(path, "rb") as f:
            source = f.read()
        code = compile(source, path, "exec", dont_inherit=True)
        del source
        exec(code, main.__dict__)
        status = 0
    except SystemExit as e:
        status = _exit_status(e)
    except BaseException as e:  # noqa: B902 - KeyboardInterrupt is reported too
        # drop this function's frame: CPython shows none of its own runner
        tb = e.__traceback__.tb_next if e.__traceback__ else None
        e.__traceback__ = tb
        sys.last_type, sys.last_value, sys.last_traceback = type(e), e, tb
        sys.excepthook(type(e), e, tb)
        # CPython dies of SIGINT after an uncaught KeyboardInterrupt (status 130 in a shell)
        status = KILLED_BY_SIGINT if isinstance(e, KeyboardInterrupt) else 1
        del e, tb
    _shutdown(main.__dict__, status)


def _exit_status(e):
    """The status (and stderr text) of an uncaught SystemExit, as CPython's handle_system_exit."""
    code = e.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(f"{code}\n")
    except Exception:
        pass
    return 1


def _shutdown(globals_, status):
    try:
        threading._shutdown()
    except Exception:
        pass
    import atexit
    atexit._run_exitfuncs()
    # CPython drops __main__ when it removes the modules, freeing its names in
    # insertion order (the warnings then say `sys:1:` where ours name this line)
    globals_.clear()
    sys.last_type = sys.last_value = sys.last_traceback = None
    import gc
    gc.collect()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            if status == 0:
                status = 120
    if status == KILLED_BY_SIGINT:
        import signal
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(status)


def _child(path, out, err):
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    run_program(path, [])


def _collect(path, out, err, status):
    out.seek(0)
    err.seek(0)
    so, se = out.read(), err.read()
    out.close()
    err.close()
    header = f"@@ {status} {len(so)} {len(se)} {path}\n".encode()
    return header + so + se


def _status_of(wait_status):
    if os.WIFEXITED(wait_status):
        return os.WEXITSTATUS(wait_status)
    return 128 + os.WTERMSIG(wait_status)


def batch(paths, jobs, limit):
    """Runs every program in a forked child, JOBS at a time; prints the results in order."""
    import tempfile
    results = [None] * len(paths)
    running = {}  # pid -> (index, out, err, deadline, killed)
    todo = list(range(len(paths)))
    todo.reverse()
    while todo or running:
        while todo and len(running) < jobs:
            i = todo.pop()
            out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                try:
                    _child(paths[i], out, err)  # exits the process
                finally:
                    os._exit(70)  # never let a child go on running the batch
            running[pid] = [i, out, err, _real_clock() + limit, False]
        pid, wait_status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            now = _real_clock()
            for p, entry in running.items():
                if now > entry[3] and not entry[4]:
                    os.kill(p, 9)
                    entry[4] = True
            _real_sleep(0.002)
            continue
        i, out, err, _, killed = running.pop(pid)
        status = TIMEOUT_STATUS if killed else _status_of(wait_status)
        results[i] = _collect(paths[i], out, err, status)
    for r in results:
        sys.stdout.buffer.write(r)
    sys.stdout.flush()




def _warm_up():
    """Imports what programs commonly import, once, before forking."""
    for name in ("json", "random", "collections", "dataclasses", "functools", "itertools",
                 "contextlib", "contextvars", "math", "traceback", "typing", "signal",
                 "concurrent.futures", "string", "re", "copy", "heapq", "bisect", "enum",
                 "operator", "textwrap"):
        try:
            __import__(name)
        except ImportError:
            pass


def main(argv):
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    if argv[0] == "--batch":
        argv = argv[1:]
        jobs, limit = os.cpu_count() or 2, 20.0
        while argv and argv[0] in ("-j", "--limit"):
            if argv[0] == "-j":
                jobs = max(1, int(argv[1]))
            else:
                limit = float(argv[1])
            argv = argv[2:]
        _warm_up()
        _setup()
        import gc
        gc.freeze()  # children then collect only their own objects, not the whole heap
        batch(argv, jobs, limit)
        return 0
    _setup()
    run_program(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
