#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionYAML
import Dispatch
import Synchronization

/// A file read, classified and (for YAML kinds) parsed.
public struct LoadedFile: Sendable {
    /// Where it was found.
    public let walked: WalkedFile
    /// Its kind.
    public let kind: FileKind
    /// The parsed stream for YAML kinds (possibly partial when ``error`` is set).
    public let yaml: YAMLFile?
    /// The file's bytes (empty for binaries, unreadable files and templates other than Ansible's).
    public let bytes: [UInt8]
    /// The error that stopped reading or parsing, located.
    public let error: Diagnostic?
    /// Located warnings (duplicate keys).
    public let warnings: [Diagnostic]

    /// Creates a loaded file (for in-memory snippets such as rule examples and `guard` edits).
    public init(walked: WalkedFile, kind: FileKind, yaml: YAMLFile?, bytes: [UInt8], error: Diagnostic?, warnings: [Diagnostic]) {
        self.walked = walked
        self.kind = kind
        self.yaml = yaml
        self.bytes = bytes
        self.error = error
        self.warnings = warnings
    }

    /// Parses in-memory `text` as a file at display path `path`, classified as `kind` when given
    /// (rule examples name their kind) or by path and content otherwise.
    public static func inMemory(path: String, text: String, kind: FileKind? = nil) -> LoadedFile {
        let walked = WalkedFile(
            fullPath: path, path: path, inTemplateFolder: false, roleFolder: FileWalker.roleFolderFromPath(path),
            walkError: nil)
        let bytes = Array(text.utf8)
        let resolvedKind = kind ?? FileClassifier.kindBeforeParsing(walked, head: bytes.prefix(8192))
        if let k = resolvedKind, !k.isYAML {
            return LoadedFile(walked: walked, kind: k, yaml: nil, bytes: bytes, error: nil, warnings: [])
        }
        let yaml = YAMLParser.parse(path: path, source: bytes, maxDepth: LoadLimits.standard.maxDepth)
        let finalKind = resolvedKind ?? FileClassifier.kind(of: walked, yaml: yaml)
        if resolvedKind == nil, !FileClassifier.keepsParsedKind(finalKind, path: path) {
            return LoadedFile(walked: walked, kind: .text, yaml: nil, bytes: bytes, error: nil, warnings: [])
        }
        let error = yaml.error.map { Diagnostic(path: path, location: $0.location, severity: .error, message: $0.message) }
        return LoadedFile(walked: walked, kind: finalKind, yaml: yaml, bytes: bytes, error: error, warnings: yaml.diagnostics)
    }

    /// The display path.
    public var path: String { walked.path }

    /// The number of documents that parsed.
    public var documentCount: Int { yaml?.documentInfos.count ?? 0 }

    /// The Kubernetes kinds of the file's documents, sorted and unique.
    public var kubernetesKinds: [String] {
        guard kind == .kubernetes, let yaml else { return [] }
        var kinds: [String] = []
        for document in yaml.documents {
            guard let kind = document["kind"]?.scalar, document["apiVersion"] != nil else { continue }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        return kinds.count < 2 ? kinds : kinds.sorted(by: PathText.less)
    }
}

/// The bounds every file is read and parsed within, so that no file can exhaust a run.
public struct LoadLimits: Sendable, Hashable {
    /// The largest file read, in bytes (`max_file_size`, `--max-file-size`); bigger files are
    /// reported ("file is … bytes, over the 16 MiB limit") and not read.
    public var maxFileSize: Int
    /// The deepest nesting of collections a YAML document may have (``YAMLParser/defaultMaxDepth``).
    public var maxDepth: Int

    /// Creates limits.
    public init(maxFileSize: Int = FileReader.defaultMaxFileSize, maxDepth: Int = YAMLParser.defaultMaxDepth) {
        self.maxFileSize = maxFileSize
        self.maxDepth = maxDepth
    }

    /// The defaults: 16 MiB, 256 levels.
    public static let standard = LoadLimits()
}

/// Reads, classifies and parses files, in parallel, handing each result on as soon as it is in
/// order: memory stays flat however many files there are.
public struct Workspace: Sendable {
    /// How many threads to use (default: the number of active cores).
    public var workers: Int

    /// Creates a workspace loader.
    public init(workers: Int = Workspace.defaultWorkers, gitignore: Bool = true) {
        self.workers = max(1, workers)
        self.gitignore = gitignore
    }

    /// Whether the walk honours Git's ignore files as well as `.constitutionignore`
    /// (``FileWalker/gitignore``; `--no-ignore` turns it off).
    public var gitignore: Bool

    /// The number of active processors.
    public static var defaultWorkers: Int {
        let n = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return n > 0 ? n : 1
    }

    /// Loads a file only when its bytes contain one of `needles` (nil: always); nil otherwise.
    /// A file that cannot be read, or is over the size limit, is nil too: it only feeds the
    /// cross-document index, and the run does not report it.
    public static func load(_ file: WalkedFile, onlyIfContains needles: [[UInt8]]?, limits: LoadLimits = .standard) -> LoadedFile? {
        guard let needles else { return load(file, limits: limits) }
        guard !needles.isEmpty, file.walkError == nil, !file.inTemplateFolder || FileClassifier.isAnsibleTemplate(file) else { return nil }
        guard case .success(let bytes) = FileReader.read(file.fullPath, maxSize: limits.maxFileSize, typeKnown: true) else {
            return nil
        }
        let hit = bytes.withUnsafeBufferPointer { buffer in needles.contains { ByteSearch.contains(buffer, $0) } }
        return hit ? load(file, bytes: bytes, limits: limits) : nil
    }

    /// Loads one file within the standard limits.
    public static func load(_ file: WalkedFile) -> LoadedFile {
        load(file, bytes: nil, limits: .standard)
    }

    /// Loads one file within `limits`.
    public static func load(_ file: WalkedFile, limits: LoadLimits) -> LoadedFile {
        load(file, bytes: nil, limits: limits)
    }

    /// Loads one file: reads it (unless `preread`), refuses text in a UTF-16 or UTF-32
    /// encoding, classifies it, and parses the YAML kinds.
    ///
    /// The walk hands on only regular files (anything else carries a walk error), so the read
    /// does not examine the path before opening it; the reader still checks the descriptor.
    static func load(_ file: WalkedFile, bytes preread: [UInt8]?, limits: LoadLimits) -> LoadedFile {
        /// The file's bytes: `preread`, or read now within the size limit.
        func readBytes() -> Result<[UInt8], FileReader.Failure> {
            if let preread { return .success(preread) }
            return FileReader.read(file.fullPath, maxSize: limits.maxFileSize, typeKnown: true)
        }
        func failed(_ message: String) -> LoadedFile {
            LoadedFile(
                walked: file, kind: .text, yaml: nil, bytes: [],
                error: Diagnostic(path: file.path, location: .start, severity: .error, message: message), warnings: [])
        }
        if let walkError = file.walkError { return failed(walkError) }
        let ext = FileClassifier.extensionClass(file.path)
        if file.inTemplateFolder || ext == .template {
            // Ansible templates are read (the engine lints what they render to); Helm's and
            // Go's are only listed.
            guard FileClassifier.isAnsibleTemplate(file) else {
                return LoadedFile(walked: file, kind: .template, yaml: nil, bytes: [], error: nil, warnings: [])
            }
            let bytes: [UInt8]
            switch readBytes() {
            case .success(let b): bytes = b
            case .failure(let f): return failed(f.message)
            }
            let head = bytes.prefix(8192)
            let readable = !FileClassifier.hasNUL(head) && FileClassifier.wideEncoding(head) == nil
            return LoadedFile(walked: file, kind: .template, yaml: nil, bytes: readable ? bytes : [], error: nil, warnings: [])
        }
        let bytes: [UInt8]
        switch readBytes() {
        case .success(let b): bytes = b
        case .failure(let f): return failed(f.message)
        }
        let head = bytes.prefix(8192)
        let nul = FileClassifier.hasNUL(head)
        if let encoding = FileClassifier.wideEncoding(head, hasNUL: nul) {
            return failed(encoding.message)
        }
        if let kind = FileClassifier.kindBeforeParsing(file, extension: ext, head: head, hasNUL: nul) {
            return LoadedFile(
                walked: file, kind: kind, yaml: nil, bytes: kind == .binary ? [] : bytes, error: nil, warnings: [])
        }
        let yaml = YAMLParser.parse(path: file.path, source: bytes, maxDepth: limits.maxDepth)
        let kind = FileClassifier.kind(of: file, yaml: yaml)
        if !FileClassifier.keepsParsedKind(kind, extension: ext) {
            return LoadedFile(walked: file, kind: .text, yaml: nil, bytes: bytes, error: nil, warnings: [])
        }
        var error: Diagnostic?
        if let e = yaml.error {
            error = Diagnostic(path: file.path, location: e.location, severity: .error, message: e.message)
        }
        return LoadedFile(walked: file, kind: kind, yaml: yaml, bytes: bytes, error: error, warnings: yaml.diagnostics)
    }

    /// Loads every file and maps it through `visit`, in parallel; results keep the input order.
    public func map<T: Sendable>(_ files: [WalkedFile], _ visit: @Sendable (LoadedFile) -> T) -> [T] {
        Parallel.map(count: files.count, workers: workers) { i in visit(Self.load(files[i])) }
    }

    /// ``map(_:_:)`` within `limits`.
    public func map<T: Sendable>(_ files: [WalkedFile], limits: LoadLimits, _ visit: @Sendable (LoadedFile) -> T) -> [T] {
        Parallel.map(count: files.count, workers: workers) { i in visit(Self.load(files[i], limits: limits)) }
    }

    /// The result of ``walkAndMap(_:displayRoot:_:)``.
    public struct Mapped<T: Sendable>: Sendable {
        /// Display paths, sorted.
        public var paths: [String]
        /// `visit`'s results, in the same order.
        public var results: [T]
        /// Inputs that do not exist.
        public var missing: [String]
    }

    /// Walks `inputs`, loads and visits every file, and returns all results sorted by path
    /// (duplicates dropped). For small inputs (a pre-commit run's files); a whole tree goes
    /// through ``walk(_:displayRoot:visit:emit:)``, which keeps nothing.
    public func walkAndMap<T: Sendable>(
        _ inputs: [String], displayRoot: String?, limits: LoadLimits = .standard, _ visit: @Sendable (LoadedFile) -> T
    ) -> Mapped<T> {
        var paths: [String] = []
        var results: [T] = []
        let missing = walk(inputs, displayRoot: displayRoot, visit: { visit(Self.load($0, limits: limits)) }) { path, result in
            paths.append(path)
            results.append(result)
        }
        let order = PathText.sortedUniqueOrder(paths)
        return Mapped(paths: order.map { paths[$0] }, results: order.map { results[$0] }, missing: missing)
    }

    /// How many walked files may wait for a worker before the walking thread pauses: the walk
    /// never runs far ahead, so a huge tree is never held in memory.
    static let walkAhead = 512

    /// How many walked files are handed to the workers at a time.
    static let batchSize = 16

    /// Walks `inputs` and visits the files on the workers while the walk is still going,
    /// handing each result to `emit` in walk order (sorted by path within one input), one call
    /// at a time. Nothing is kept: memory holds only the files in flight. Returns the inputs
    /// that do not exist.
    ///
    /// With more than one worker the walk runs on a thread of its own beside them (it mostly
    /// waits on the file system, and the workers should not wait for it), pausing whenever
    /// ``walkAhead`` files wait; with one worker (or when no thread can be started) the walk
    /// visits each file as it finds it, with no queue between them.
    public func walk<T: Sendable>(
        _ inputs: [String], displayRoot: String?, visit: @Sendable (WalkedFile) -> T,
        emit: (_ path: String, _ result: T) -> Void
    ) -> [String] {
        let gitignore = gitignore
        func walkVisitingInline() -> [String] {
            FileWalker(gitignore: gitignore).walk(inputs, displayRoot: displayRoot) { file in emit(file.path, visit(file)) }
        }
        guard workers > 1 else { return walkVisitingInline() }
        let queue = WorkQueue(limit: Self.walkAhead)
        guard let walk = Background.start({ Self.walkInBatches(inputs, displayRoot: displayRoot, gitignore: gitignore, into: queue) }) else {
            return walkVisitingInline()
        }
        return withoutActuallyEscaping(emit) { emit in
            let results = InOrder<T>(emit: emit)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let (index, file) = queue.pop() { results.deliver(index, file.path, visit(file)) }
            }
            return walk.value
        }
    }

    /// Walks `inputs` into `queue` in small batches (one lock and one wake-up per batch, not
    /// per file: a worker woken for every file spends more time switching than parsing),
    /// then finishes the queue.
    static func walkInBatches(_ inputs: [String], displayRoot: String?, gitignore: Bool, into queue: WorkQueue) -> [String] {
        var batch: [WalkedFile] = []
        batch.reserveCapacity(batchSize)
        let missing = FileWalker(gitignore: gitignore).walk(inputs, displayRoot: displayRoot) { file in
            batch.append(file)
            guard batch.count >= batchSize else { return }
            queue.push(batch)
            batch.removeAll(keepingCapacity: true)
        }
        queue.push(batch)
        queue.finish()
        return missing
    }
}

/// Something run on a thread of its own (a C thread entry cannot name a generic type, so the
/// thread starts this non-generic class and calls ``run()``).
class BackgroundThread: @unchecked Sendable {
    /// The work; subclasses override it.
    func run() {}

    /// Starts `task.run()` on a new, detached thread; false when no thread can be created.
    static func spawn(_ task: BackgroundThread) -> Bool {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(task).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            Unmanaged<BackgroundThread>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<BackgroundThread>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}

/// A value computed on a thread of its own while the caller goes on; ``value`` waits for it.
final class Background<T: Sendable>: BackgroundThread, @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var result: T?
    private var body: (@Sendable () -> T)?

    private init(_ body: @escaping @Sendable () -> T) {
        self.body = body
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Starts computing `body` on a new thread; nil when no thread can be created.
    static func start(_ body: @escaping @Sendable () -> T) -> Background<T>? {
        let task = Background(body)
        return spawn(task) ? task : nil
    }

    /// Runs the body on the new thread and publishes its result.
    override func run() {
        let value = body!()
        pthread_mutex_lock(&mutex)
        result = value
        body = nil
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
    }

    /// The result, once computed.
    var value: T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while result == nil { pthread_cond_wait(&condition, &mutex) }
        return result!
    }
}

/// A small work-stealing parallel map over indices, with results in index order.
public enum Parallel {
    /// Runs `body` for `0..<count` on up to `workers` threads.
    public static func map<T: Sendable>(count: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let threads = min(workers, count)
        if threads <= 1 { return (0..<count).map(body) }
        let results = ResultSlots<T>(count: count)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= count { break }
                results.set(i, body(i))
            }
        }
        return results.collect()
    }
}

/// Write-once slots filled from several threads at distinct indices.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<T?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    /// Each index is written by exactly one thread, once.
    func set(_ i: Int, _ value: T) { storage[i] = value }

    func collect() -> [T] { (0..<count).map { storage[$0]! } }
}

/// Files found by the walker, handed out to workers in order. `push` waits while `limit` files
/// are waiting (the walk never runs far ahead of the workers).
final class WorkQueue: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var room = pthread_cond_t()
    private let limit: Int
    /// Files not yet taken: `items[head...]`; the taken prefix is dropped now and then.
    private var items: [WalkedFile] = []
    private var head = 0
    /// How many files were taken before `items[0]`.
    private var base = 0
    private var done = false

    init(limit: Int) {
        self.limit = limit
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
        pthread_cond_init(&room, nil)
    }

    deinit {
        pthread_cond_destroy(&room)
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    func push(_ files: [WalkedFile]) {
        guard !files.isEmpty else { return }
        pthread_mutex_lock(&mutex)
        while items.count - head >= limit { pthread_cond_wait(&room, &mutex) }
        if head >= 256 && head * 2 >= items.count {
            items.removeFirst(head)
            base += head
            head = 0
        }
        items.append(contentsOf: files)
        if files.count > 1 { pthread_cond_broadcast(&condition) } else { pthread_cond_signal(&condition) }
        pthread_mutex_unlock(&mutex)
    }

    func finish() {
        pthread_mutex_lock(&mutex)
        done = true
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
    }

    /// The next file and its walk index; nil once the walk is over and every file is taken.
    func pop() -> (Int, WalkedFile)? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while head >= items.count && !done { pthread_cond_wait(&condition, &mutex) }
        guard head < items.count else { return nil }
        let file = items[head]
        head += 1
        if items.count - head == limit / 2 { pthread_cond_signal(&room) }
        return (base + head - 1, file)
    }
}

/// Hands results to `emit` in walk order as they complete: a result that finishes early waits
/// (only as long as the files before it are in flight), then goes out with its predecessors.
private final class InOrder<T>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var next = 0
    private var waiting: [Int: (String, T)] = [:]
    /// Called under the mutex, so one call at a time.
    private let emit: (String, T) -> Void

    init(emit: @escaping (String, T) -> Void) {
        self.emit = emit
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    func deliver(_ index: Int, _ path: String, _ result: T) {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard index == next else {
            waiting[index] = (path, result)
            return
        }
        emit(path, result)
        next += 1
        while let (p, r) = waiting.removeValue(forKey: next) {
            emit(p, r)
            next += 1
        }
    }
}


