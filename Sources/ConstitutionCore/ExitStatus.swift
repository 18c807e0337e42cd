/// The process exit codes, one contract for every command (README.md, "Exit codes").
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Clean: nothing at or above the threshold, every file read.
    case clean = 0
    /// Findings at or above the severity threshold (or `--check` found stale output).
    case findings = 1
    /// Bad command line: unknown flag, bad value, missing path.
    case usage = 2
    /// The constitution itself is broken: a bad incident, rule or config, or stale compiled rules.
    case constitution = 3
    /// A target file could not be read or parsed; every other file was still checked.
    case unparseable = 4
    /// No input files matched.
    case noInput = 5

    /// The table printed in `--help` and the README.
    public static let helpText = """
        Exit codes:
          0  clean
          1  findings at or above --severity-threshold (or --check found stale output)
          2  usage error
          3  constitution error (bad incident, rule or config; stale compiled rules)
          4  a target file could not be read or parsed (all others are still checked)
          5  no input files matched
        """
}
