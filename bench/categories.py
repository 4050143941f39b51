"""Where a server's CPU goes, beside the floor's: async-profiler collapsed stacks, one category per sample.

python3 bench/categories.py JETTY.collapsed FLOOR.collapsed JETTY_US FLOOR_US [unit]
prints a Markdown table: each category's share of the samples and its part of the CPU per call (or delivery).
A system call anywhere in the stack decides first, then the JIT compiler and GC, then the innermost Java frame.
"""
import collections
import sys

RULES_SYS = [("epoll_wait (waiting for the next read)", ("do_epoll_wait", "epoll_wait")),
             ("epoll_ctl (interest updates)", ("epoll_ctl",)),
             ("futex (parking, waking threads)", ("futex",)),
             ("socket write", ("tcp_sendmsg", "sock_write_iter", "__sys_sendmsg", "do_writev", "ksys_write")),
             ("socket read", ("tcp_recvmsg", "sock_read_iter", "ksys_read", "__sys_recvfrom", "do_readv")),
             ("other kernel", ("[k]",))]
RULES_JVM = [("JIT compiler", ("CompileBroker", "C2Compiler", "Compile::", "Compilation::", "PhaseIdealLoop", "Parse::")),
             ("GC", ("PSScavenge", "ParallelScavenge", "PSPromotion", "GCTaskThread", "WorkerThread::run"))]
RULES_JAVA = [("JSON (Jackson)", "com/fasterxml/jackson"), ("protocol core (rpcws)", "dev/rpcws/protocol"),
              ("server (rpcws)", "dev/rpcws/server"), ("Micrometer", "io/micrometer"),
              ("Jetty WebSocket", "org/eclipse/jetty/websocket"), ("Jetty I/O and util", "org/eclipse/jetty"),
              ("the floor", "dev/rpcws/bench"), ("JDK NIO", "sun/nio"), ("JDK other", "java/"), ("JDK other", "jdk/")]
def classify(stack):
    frames = stack.split(";")
    for name, keys in RULES_SYS:
        if name == "other kernel":
            continue
        if any(k in f for f in frames for k in keys): return name
    for name, keys in RULES_JVM:
        if any(k in f for f in frames for k in keys): return name
    if any(f.endswith("_[k]") for f in frames): return "other kernel"
    for f in reversed(frames):
        for name, pkg in RULES_JAVA:
            if f.startswith(pkg) or f.startswith("L" + pkg): return name
    return "other (JVM, libc)"
def load(path):
    c = collections.Counter(); total = 0
    for line in open(path):
        stack, _, n = line.rstrip().rpartition(" ")
        n = int(n); c[classify(stack)] += n; total += n
    return c, total
a, ta = load(sys.argv[1]); b, tb = load(sys.argv[2])
ua, ub = float(sys.argv[3]), float(sys.argv[4])
unit = sys.argv[5] if len(sys.argv) > 5 else "call"
names = sorted(set(a) | set(b), key=lambda k: -(a[k] / ta * ua))
print(f"| category | Jetty: share | Jetty: us per {unit} | floor: share | floor: us per {unit} |")
print("|---|---:|---:|---:|---:|")
for k in names:
    print(f"| {k} | {100*a[k]/ta:.1f}% | {ua*a[k]/ta:.2f} | {100*b[k]/tb:.1f}% | {ub*b[k]/tb:.2f} |")
print(f"| total ({ta} / {tb} samples) | | {ua:.2f} | | {ub:.2f} |")
