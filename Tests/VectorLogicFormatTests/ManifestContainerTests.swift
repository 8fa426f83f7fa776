import Testing
import VectorLogicFormat

/// Manifest container: round trip and rejection of every truncation and bit flip.
struct ManifestContainerTests {
    static let body: [UInt8] = Array("{\"collections\":[]}".utf8)

    /// The body comes back exactly, including an empty body.
    @Test func bodyRoundTrips() throws {
        #expect(try ManifestContainer.decode(ManifestContainer.encode(body: Self.body)) == Self.body)
        #expect(try ManifestContainer.decode(ManifestContainer.encode(body: [])) == [])
        #expect(ManifestContainer.encode(body: Self.body).count == 24 + Self.body.count + 4)
    }

    /// Any truncation or extension of the file is rejected.
    @Test func truncatedOrExtendedFileIsRejected() {
        let file = ManifestContainer.encode(body: Self.body)
        for cut in 0..<file.count {
            #expect(throws: FormatError.self, "cut \(cut)") { try ManifestContainer.decode(Array(file[..<cut])) }
        }
        #expect(throws: FormatError.self) { try ManifestContainer.decode(file + [0]) }
    }

    /// Any flipped bit is rejected.
    @Test func flippedBitIsRejected() {
        let file = ManifestContainer.encode(body: Self.body)
        for index in 0..<file.count {
            var damaged = file
            damaged[index] ^= 0x04
            #expect(throws: FormatError.self, "byte \(index)") { try ManifestContainer.decode(damaged) }
        }
    }
}
