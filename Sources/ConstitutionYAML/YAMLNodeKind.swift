/// The shape of a YAML node.
public enum YAMLNodeKind: UInt8, Sendable, Hashable {
    case scalar = 0
    case sequence = 1
    case mapping = 2
    /// An `*alias`. Accessors on ``YAMLNode`` follow it to its anchor transparently.
    case alias = 3
}

/// How a scalar was written. Rules read raw scalars and their style, never a guessed type:
/// Ansible and cloud-init are YAML 1.1 in practice, so `yes`, `on` and `0777` stay text.
public enum ScalarStyle: UInt8, Sendable, Hashable {
    case plain = 0
    case singleQuoted = 1
    case doubleQuoted = 2
    case literal = 3
    case folded = 4
    /// Collections use this value; it has no meaning for them.
    case none = 5

    /// Whether the scalar was quoted or a block scalar (so it cannot be a null, a number or a bool).
    public var isQuotedOrBlock: Bool { self != .plain && self != .none }
}

/// The style of a collection.
public enum CollectionStyle: UInt8, Sendable, Hashable {
    case block = 0
    case flow = 1
}
