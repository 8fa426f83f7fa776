import Testing
@testable import VectorLogicServer

/// The allocation-free fast paths of the request path (issue 9) answer exactly what the general code does.
@Suite struct HotPathHelperTests {
    /// The in-place IPv4 check agrees with the general host check on every shape that matters.
    @Test func ipv4FastPathAgreesWithGeneralCheck() {
        let cases = ["127.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3",
                     ".1.2.3", "1.2.3.", "1234.1.1.1", "a.b.c.d", "", "localhost", "1.2.3.4a", "١.٢.٣.٤", "999.1.1.1"]
        for host in cases {
            let parts = host.split(separator: ".", omittingEmptySubsequences: false)
            let general = parts.count == 4 && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
                    && Int(part).map { $0 <= 255 } == true
            }
            #expect(OriginGuardMiddleware.isIPv4(Substring(host).utf8) == general, "\(host)")
        }
    }

    /// The content-type fast path accepts what the general parse accepts, in any ASCII case, and nothing else.
    @Test func jsonContentTypeFastPath() {
        for header in ["application/json", "Application/JSON", "application/json; charset=utf-8", "APPLICATION/JSON; CHARSET=UTF-8",
                       "application/json;charset=utf-8", "application/problem+json", "application/json; charset=\"utf-8\""] {
            #expect(RequestBody.isJSON(header), "\(header)")
        }
        for header in ["text/plain", "application/jsonx", "application/json; charset=latin-1", "application/x-www-form-urlencoded", ""] {
            #expect(!RequestBody.isJSON(header), "\(header)")
        }
        #expect(RequestBody.asciiCaseInsensitiveEquals("APPLICATION/json", "application/json"))
        #expect(!RequestBody.asciiCaseInsensitiveEquals("application/jso", "application/json"))
    }

    /// Log timestamps are ISO 8601 to the second, as `Date.formatted(.iso8601)` writes them, and stable within a second.
    @Test func logTimestampIsSecondPrecisionISO8601() {
        let first = LogTimestamp.now()
        let second = LogTimestamp.now()
        #expect(first.count == 20 && first.hasSuffix("Z") && first.dropFirst(10).hasPrefix("T"), "\(first)")
        #expect(second >= first)
    }
}
