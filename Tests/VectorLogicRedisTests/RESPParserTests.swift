import NIOCore
import Testing
@testable import VectorLogicRedis

/// The RESP2 reader is total: whole values, nil for a prefix (consuming nothing), an error for anything else.
@Suite struct RESPParserTests {
    static func parse(_ text: String) throws -> RESPValue? {
        var buffer = ByteBuffer(string: text)
        return try RESPParser.parse(&buffer)
    }

    @Test func everyTypeDecodes() throws {
        #expect(try Self.parse("+OK\r\n") == .simpleString("OK"))
        #expect(try Self.parse("-NOSCRIPT No matching script\r\n") == .error("NOSCRIPT No matching script"))
        #expect(try Self.parse(":-42\r\n") == .integer(-42))
        #expect(try Self.parse("$5\r\nhe\r\no\r\n") == .bulkString(Array("he\r\no".utf8)))
        #expect(try Self.parse("$-1\r\n") == .bulkString(nil))
        #expect(try Self.parse("*-1\r\n") == .array(nil))
        #expect(try Self.parse("*3\r\n:1\r\n$3\r\n0.5\r\n*1\r\n+x\r\n") == .array([.integer(1), .bulkString(Array("0.5".utf8)), .array([.simpleString("x")])]))
    }

    /// Cut anywhere, a reply is "not yet" and consumes nothing; whole, it decodes to the same value and leaves the
    /// next reply in the buffer.
    @Test func everyPrefixIsIncomplete() throws {
        let whole = "*3\r\n:1\r\n$4\r\nab\r\n\r\n$-1\r\n"
        let bytes = Array(whole.utf8)
        for cut in 0..<bytes.count {
            var buffer = ByteBuffer(bytes: bytes[0..<cut])
            #expect(try RESPParser.parse(&buffer) == nil, "cut at \(cut)")
            #expect(buffer.readableBytes == cut)
        }
        var buffer = ByteBuffer(bytes: bytes + Array("+next\r\n".utf8))
        #expect(try RESPParser.parse(&buffer) == .array([.integer(1), .bulkString(Array("ab\r\n".utf8)), .bulkString(nil)]))
        #expect(try RESPParser.parse(&buffer) == .simpleString("next") && buffer.readableBytes == 0)
    }

    /// Garbage and replies past the limits are protocol errors, never traps or huge allocations.
    @Test func garbageAndOversizedRepliesAreErrors() {
        let bad = ["?what\r\n", ":12x\r\n", ":\r\n", "$3\r\nabcd\r\n", "$-2\r\n", "*-5\r\n", ":1\rX", ":99999999999999999999\r\n",
                   "$\(RESPParser.maxBulkBytes + 1)\r\n", "*\(RESPParser.maxArrayCount + 1)\r\n",
                   String(repeating: "*1\r\n", count: RESPParser.maxDepth + 2) + ":1\r\n",
                   "+" + String(repeating: "x", count: RESPParser.maxLineBytes + 1)]
        for text in bad {
            #expect(throws: RedisError.self, "\(text.prefix(40))") { try Self.parse(text) }
        }
    }

    @Test func commandsAreArraysOfBulkStrings() {
        var buffer = ByteBuffer()
        RESPParser.encode(["SET", "k", "vé"], into: &buffer)
        #expect(buffer.readString(length: buffer.readableBytes) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nvé\r\n")
    }

    @Test func urlsAreParsed() {
        #expect(RedisURL("redis://127.0.0.1:6380/2") == RedisURL("redis://127.0.0.1:6380/2"))
        let url = RedisURL("redis://cache.internal")
        #expect(url?.host == "cache.internal" && url?.port == 6379 && url?.database == 0)
        let v6 = RedisURL("redis://[::1]:7000/")
        #expect(v6?.host == "::1" && v6?.port == 7000 && v6?.description == "redis://[::1]:7000/0")
        for bad in ["rediss://h", "redis://", "redis://h:0", "redis://h:99999", "redis://u:p@h", "redis://h/x", "http://h", "redis://h/1/2"] {
            #expect(RedisURL(bad) == nil, "\(bad)")
        }
    }
}
