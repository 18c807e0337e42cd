import ConstitutionCore

extension YAMLFile {
    /// A copy of this stream with some scalar values rewritten and another source of the same
    /// length: how a Jinja template is read. The template is parsed with each `{{ … }}` replaced
    /// by a placeholder of the same length (so every position stays exact), then the
    /// placeholders are put back into the values, so rules read what the author wrote.
    ///
    /// `rewrite` gets each scalar's value, whether it is a mapping key, and where it starts; it
    /// returns the new value, or nil to keep it. Nodes, positions and documents are unchanged.
    public func rewritingScalars(
        source newSource: [UInt8], _ rewrite: (_ value: ArraySlice<UInt8>, _ isKey: Bool, _ location: SourceLocation) -> [UInt8]?
    ) -> YAMLFile {
        precondition(newSource.count == source.count, "the new source must keep every offset")
        var isKey = [Bool](repeating: false, count: nodes.count)
        for node in nodes where node.kind == .mapping {
            var k = Int(node.a)
            let end = Int(node.a + node.b)
            while k < end {
                let child = Int(children[k])
                if child >= 0 && child < isKey.count { isKey[child] = true }
                k += 2
            }
        }
        var newNodes = nodes
        var newBytes: [UInt8] = []
        newBytes.reserveCapacity(scalarBytes.count)
        for i in nodes.indices where nodes[i].kind == .scalar {
            let r = nodes[i]
            let value = scalarBytes[Int(r.a)..<Int(r.a + r.b)]
            let location = SourceLocation(line: Int(r.line), column: Int(r.column), offset: Int(r.offset))
            let start = newBytes.count
            if let replaced = rewrite(value, isKey[i], location) { newBytes += replaced } else { newBytes += value }
            newNodes[i].a = UInt32(start)
            newNodes[i].b = UInt32(newBytes.count - start)
        }
        return YAMLFile(
            path: path, source: newSource, nodes: newNodes, children: children, scalarBytes: newBytes, tags: tags,
            documentInfos: documentInfos, diagnostics: diagnostics, duplicateKeys: duplicateKeys, error: error)
    }
}
