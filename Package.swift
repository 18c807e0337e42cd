// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "constitution",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "constitution", targets: ["constitution"]),
        .executable(name: "constitution-render", targets: ["constitution-render"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // The system libyaml (Debian `libyaml-dev`). Only ConstitutionYAML may import it. No
        // pkg-config: its `-lyaml` would link the shared library, and the tool links the static
        // one (see ConstitutionYAML) so that it runs where libyaml is not installed.
        .systemLibrary(
            name: "CLibYAML",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // Value types shared by every layer: locations, severities, diagnostics. No I/O.
        .target(name: "ConstitutionCore", exclude: ["README.md"]),
        // The getdents64 system call, which Glibc does not export to Swift. DWARF 4 debug info, as
        // the Swift objects have: valgrind (callgrind, cachegrind) cannot read clang's DWARF 5.
        .target(name: "CSystem", exclude: ["README.md"], cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        // The located YAML tree built from libyaml's event stream.
        // libyaml is linked statically (`libyaml.a`, which libyaml-dev ships), so the built tool
        // needs no libyaml where it is installed.
        .target(
            name: "ConstitutionYAML", dependencies: ["CLibYAML", "ConstitutionCore"], exclude: ["README.md"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libyaml.a"])]
        ),
        // Walking a repository, ignore files, classifying and parsing files in parallel.
        .target(
            name: "ConstitutionWorkspace", dependencies: ["CSystem", "ConstitutionCore", "ConstitutionYAML"], exclude: ["README.md"]
        ),
        // Documents → targets and facets; the rule language, its compiler and evaluator; incidents.
        .target(
            name: "ConstitutionRules",
            dependencies: ["ConstitutionCore", "ConstitutionYAML", "ConstitutionWorkspace"],
            exclude: ["README.md"]
        ),
        // Finding lists and file listings → text, JSON and the other formats. Knows only Core.
        .target(name: "ConstitutionReport", dependencies: ["ConstitutionCore"], exclude: ["README.md"]),
        // Templates → CLAUDE.md, MEMORY.md and .claude/settings.json; managed-block merging.
        .target(
            name: "ConstitutionRender",
            dependencies: [
                "ConstitutionCore", "ConstitutionRules", "ConstitutionReport",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["README.md"]
        ),
        // Orchestration behind each command: one library call per command.
        .target(
            name: "ConstitutionApp",
            dependencies: [
                "CSystem", "ConstitutionCore", "ConstitutionYAML", "ConstitutionWorkspace", "ConstitutionRules",
                "ConstitutionReport",
            ],
            exclude: ["README.md"]
        ),
        // `render`'s orchestration: the constitution through the templates into the agent files.
        .target(
            name: "ConstitutionRenderApp",
            dependencies: [
                "ConstitutionCore", "ConstitutionApp", "ConstitutionRender", "ConstitutionReport", "ConstitutionRules",
                "ConstitutionWorkspace",
            ],
            exclude: ["README.md"]
        ),
        // What both programs share on the command line: global options, render's options, errors.
        .target(
            name: "ConstitutionCLI",
            dependencies: [
                "ConstitutionCore", "ConstitutionApp", "ConstitutionReport", "ConstitutionWorkspace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        // The tool. It does not link the template engine (nor the Foundation that comes with
        // it): every command starts faster, and `render` runs constitution-render.
        .executableTarget(
            name: "constitution",
            dependencies: [
                "ConstitutionCore", "ConstitutionApp", "ConstitutionReport", "ConstitutionCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        // The program behind `constitution render`.
        .executableTarget(
            name: "constitution-render",
            dependencies: [
                "ConstitutionCore", "ConstitutionCLI", "ConstitutionRender", "ConstitutionRenderApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ConstitutionCoreTests", dependencies: ["ConstitutionCore"]),
        .testTarget(name: "ConstitutionYAMLTests", dependencies: ["ConstitutionYAML", "TestSupport"]),
        .testTarget(name: "ConstitutionWorkspaceTests", dependencies: ["ConstitutionWorkspace", "TestSupport"]),
        .testTarget(name: "ConstitutionRulesTests", dependencies: ["ConstitutionRules", "TestSupport"]),
        .testTarget(name: "ConstitutionRenderTests", dependencies: ["ConstitutionRender", "TestSupport"]),
        .testTarget(
            name: "ConstitutionReportTests", dependencies: ["ConstitutionReport"], exclude: ["Golden", "validate_sarif.py"]
        ),
        // The app layer's steps without the binary, and the JSON Schemas of schemas/ against the
        // loaders' own key tables.
        .testTarget(
            name: "ConstitutionAppTests",
            dependencies: ["ConstitutionApp", "ConstitutionCore", "ConstitutionReport", "ConstitutionRules", "ConstitutionWorkspace", "ConstitutionYAML", "TestSupport"]
        ),
        // Contract tests: run the real binary (built by `swift build`, found beside the test bundle).
        .testTarget(name: "CLITests", dependencies: ["ConstitutionCore", "TestSupport"]),
    ]
)

// libFuzzer targets (`scripts/fuzz`): only when CONSTITUTION_FUZZ is set, so that a normal build
// neither compiles nor lists them. Each is a folder Fuzz/fuzz-<name>/ with one Swift file defining
// `fuzz_<name>_main` (SwiftPM's name for the program's entry), which hands its body to
// FuzzSupport's `runFuzzer`, and an executable `seed` script that writes a starting corpus.
if Context.environment["CONSTITUTION_FUZZ"] != nil {
    let fuzzRoot = Context.packageDirectory + "/Fuzz"
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: fuzzRoot)) ?? []).filter { $0.hasPrefix("fuzz-") }.sorted()
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for name in names {
        package.targets.append(
            .executableTarget(
                name: name,
                dependencies: [
                    "FuzzSupport", "ConstitutionCore", "ConstitutionYAML", "ConstitutionWorkspace", "ConstitutionRules",
                    "ConstitutionReport", "ConstitutionApp", "ConstitutionRender",
                ],
                path: "Fuzz/\(name)", exclude: ["seed"],
                swiftSettings: [.unsafeFlags(["-parse-as-library"])],
                linkerSettings: [.unsafeFlags(["-sanitize=fuzzer", "-use-ld=lld"])]
            ))
    }
}
