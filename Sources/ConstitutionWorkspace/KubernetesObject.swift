import ConstitutionCore
import ConstitutionYAML

/// The identity of a Kubernetes document: `apiVersion`, `kind`, `metadata.name`, `metadata.namespace`.
public struct KubernetesObject: Sendable, Hashable {
    /// `apiVersion`, e.g. `apps/v1`.
    public var apiVersion: String
    /// `kind`, e.g. `Deployment`.
    public var kind: String
    /// `metadata.name`, when written as a scalar.
    public var name: String?
    /// `metadata.namespace`, when written as a scalar.
    public var namespace: String?

    /// Creates an identity.
    public init(apiVersion: String, kind: String, name: String?, namespace: String?) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    /// Whether `document` is a mapping with scalar `apiVersion` and `kind`.
    public static func isKubernetes(_ document: YAMLNode) -> Bool {
        guard document.kind == .mapping else { return false }
        guard let v = document["apiVersion"], v.kind == .scalar, let k = document["kind"], k.kind == .scalar else {
            return false
        }
        return true
    }

    /// Reads the identity of `document`, or `nil` when it is not a Kubernetes object.
    public init?(_ document: YAMLNode) {
        guard Self.isKubernetes(document), let apiVersion = document["apiVersion"]?.scalar,
            let kind = document["kind"]?.scalar
        else { return nil }
        self.apiVersion = apiVersion
        self.kind = kind
        let metadata = document["metadata"]
        self.name = metadata?["name"]?.scalar
        self.namespace = metadata?["namespace"]?.scalar
    }
}
