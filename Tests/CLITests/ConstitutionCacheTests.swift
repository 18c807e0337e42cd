import TestSupport
import Testing

/// The constitution cache (freshness stamp and parsed-tree snapshot) never changes a result.
@Suite("Constitution cache (real binary)")
struct ConstitutionCacheTests {
    @Test func cachedRunsMatchUncachedOnesAndACorruptSnapshotIsIgnored() {
        let cache = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(cache) }
        let lab = TestSupport.packageRoot + "/examples/homelab"
        func lint() -> TestSupport.ProcessResult {
            TestSupport.run(
                TestSupport.binary, ["lint", lab, "--format", "json", "--constitution", TestSupport.packageRoot],
                environment: ["XDG_CACHE_HOME": cache])
        }
        let first = lint()  // verifies the rules, leaves the stamp
        #expect(first.status == 1)
        let second = lint()  // trusts the stamp, parses, leaves the snapshot
        let third = lint()  // reads the snapshot
        #expect(second.stdout == first.stdout)
        #expect(third.stdout == first.stdout)
        let files = TestSupport.run("/bin/sh", ["-c", "ls \(cache)/constitution"]).stdout.split(separator: "\n")
        #expect(files.contains { $0.hasPrefix("fresh-") })
        let snapshots = files.filter { $0.hasPrefix("yaml-") }
        #expect(snapshots.count == 1)
        // A damaged snapshot is refused (and rewritten), never trusted.
        for snapshot in snapshots {
            TestSupport.writeBytes(Array("CYS1 not really".utf8), to: "\(cache)/constitution/\(snapshot)")
        }
        let fourth = lint()
        #expect(fourth.stdout == first.stdout)
        #expect(fourth.stderr == first.stderr)
    }
}
