import ArgumentParser

/// The options of `constitution render`, shared by the `render` command (which checks them and
/// hands them on) and the `constitution-render` program that does the rendering.
public struct RenderOptions: ParsableArguments {
    @Option(name: .long, help: "The repository to render into.")
    public var root: String = "."

    @Option(name: .long, help: "Use the constitution (incidents/, rules/, templates/) in this folder.")
    public var constitution: String?

    @Flag(name: .long, help: "Write nothing; exit 1 with a diff when any output is stale.")
    public var check = false

    @Option(name: .long, help: "Warn when CLAUDE.md's managed block has more lines than this.")
    public var budget: Int = 80

    @Option(name: .long, help: "The hook command registered in .claude/settings.json.")
    public var guardCommand: String = "constitution guard"

    @OptionGroup public var strictness: StrictOptions

    public init() {}

    /// The options spelt out in full, as `constitution-render` parses them back (with the colour
    /// mode of `global`).
    public func arguments(_ global: GlobalOptions) -> [String] {
        var out = ["--root", root, "--budget", String(budget), "--guard-command", guardCommand, "--color", global.color.rawValue]
        if let constitution { out += ["--constitution", constitution] }
        if check { out.append("--check") }
        if strictness.strict { out.append("--strict") }
        return out
    }
}
