#if canImport(Glibc)
import Glibc
#endif
import CSystem
import ConstitutionCore
import ConstitutionWorkspace

/// Keeps `guard` from failing open on its own failure.
///
/// Claude Code blocks a tool call only when the PreToolUse hook exits 2 or answers "deny"; any
/// other failure (a crash, a timeout) is a non-blocking error and the call goes ahead. So the
/// guard evaluates each payload in a forked child and its parent waits: when the child dies by a
/// signal (a Swift runtime trap is SIGILL or SIGTRAP, a stack overflow SIGSEGV, an abort
/// SIGABRT, the OOM killer SIGKILL) or runs past the time limit, the parent denies the call with
/// exit 2 and a reason that says so. A fork costs well under a millisecond, and it covers every
/// thread of the evaluation and every way of dying, which an in-process signal handler with an
/// alternate stack cannot (alternate stacks are per thread; a trap leaves the runtime's state
/// unknown).
public enum GuardSupervisor {
    /// A fault forced inside the evaluation, for tests of this very mechanism.
    public enum Fault: String, Sendable, CaseIterable {
        /// A Swift runtime trap (integer overflow): SIGILL.
        case trap
        /// Unbounded recursion: SIGSEGV on the guard page.
        case stackOverflow = "stack-overflow"
        /// Never returns: the time limit kills it.
        case hang
    }

    /// How a supervised evaluation ended, when it did not end normally.
    public enum Failure: Error, Sendable, Equatable {
        case signal(Int32)
        case timedOut(seconds: Double)
    }

    /// Runs `evaluate` in a child process. Returns its exit status in the parent when it ended
    /// normally (the child's own output has already been written), or a failure. In the child,
    /// and when no child can be made (then `evaluate` runs in this process), `evaluate` runs and
    /// its status is returned as it is.
    public static func run(timeoutSeconds: Double, _ evaluate: () -> Int32) -> Result<Int32, Failure> {
        var outcome: Int32 = 0, detail: Int32 = 0
        let millis = Int32(max(1, min(timeoutSeconds, 86_400) * 1000))
        if constitution_supervise(millis, &outcome, &detail) == 0 {
            // The child: evaluate, flush what it printed, and leave without running the parent's
            // exit handlers twice.
            let status = evaluate()
            fflush(nil)
            _exit(status)
        }
        switch Int(outcome) {
        case Int(CONSTITUTION_CHILD_EXITED): return .success(detail)
        case Int(CONSTITUTION_CHILD_SIGNALED): return .failure(.signal(detail))
        case Int(CONSTITUTION_CHILD_TIMED_OUT): return .failure(.timedOut(seconds: Double(detail) / 1000))
        default: return .success(evaluate())
        }
    }

    /// Forces `fault` (tests only).
    public static func force(_ fault: Fault) {
        switch fault {
        case .trap:
            var n = Int.max - Int(getpid() & 1)
            n += Int(getpid() | 2)  // overflows: a runtime trap, as a bug would cause
            print(n)
        case .stackOverflow:
            _ = recurse(Int(getpid()))
        case .hang:
            while true { pause() }
        }
    }

    @inline(never)
    private static func recurse(_ n: Int) -> Int {
        if n == Int.min { return 0 }  // never: only here so that the recursion is not provably endless
        var frame = [Int](repeating: n, count: 4)
        frame[n & 3] = recurse(n &+ 1)
        return frame.reduce(0, &+)
    }

    /// The signal's name (`SIGILL`), or its number.
    static func name(of signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGABRT: "SIGABRT",
            SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGSYS: "SIGSYS",
        ]
        return names[signal] ?? "signal \(signal)"
    }

    /// The reason Claude is shown when the guard itself failed; `saved` is where the payload
    /// was kept for a report, when it could be.
    public static func reason(_ failure: Failure, saved: String?) -> String {
        let what: String
        switch failure {
        case .signal(let s):
            let kind = s == SIGSEGV || s == SIGBUS ? "crashed (probably a stack overflow)" : s == SIGKILL ? "was killed" : "crashed"
            what = "the guard itself \(kind) with \(name(of: s)) while checking this tool call"
        case .timedOut(let seconds):
            what = "the guard did not decide within \(seconds.formatted()) s (its --timeout)"
        }
        let report = saved.map { "the payload is saved in \($0); " } ?? ""
        return "constitution: \(what), so the call is denied: a guard that cannot check a call does not let it through. "
            + "To report it: \(report)run `constitution guard < PAYLOAD` to reproduce, and file the payload and the output with the "
            + "constitution maintainers."
    }

    /// Keeps the payload for a report as `<cache>/guard-failures/<hash>.json` (the hook reader
    /// caps its size); nil when it cannot.
    public static func savePayload(_ bytes: [UInt8]) -> String? {
        guard let cache = ConstitutionStore.cacheFolder() else { return nil }
        let folder = cache + "/guard-failures"
        AtomicFile.makeDirectories(folder)
        let path = folder + "/" + FastHash.hex128(bytes) + ".json"
        return AtomicFile.write(path, bytes, durable: false) == nil ? path : nil
    }
}

extension Double {
    /// `20` for whole numbers, `0.5` otherwise.
    fileprivate func formatted() -> String {
        self == self.rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
