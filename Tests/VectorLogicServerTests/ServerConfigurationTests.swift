import Foundation
import Testing
import VectorLogicServer

/// Flags beat `VECTORLOGIC_*`, which beat the original names, which beat the defaults (README settings table).
@Suite struct ServerConfigurationTests {
    @Test func defaultsMatchTheContract() throws {
        let config = try ServerConfiguration.resolve(arguments: [], environment: [:])
        #expect(config.dataDirectory == "./data" && config.host == "127.0.0.1" && config.port == 3000)
        #expect(config.durability == .fsync && config.defaultDimension == 384 && config.defaultMetric == .cosine)
        #expect(config.maxBodyBytes == 64 << 20 && config.slowRequestMilliseconds == 1_000 && config.metricsEnabled)
    }

    @Test func precedenceIsFlagsThenPrefixedThenOriginalNames() throws {
        let environment = ["PORT": "4000", "HOST": "0.0.0.0", "DEFAULT_DIMENSIONS": "128", "DISTANCE_METRIC": "dot",
                           "VECTORLOGIC_DEFAULT_DIMENSION": "256", "INDEX_TYPE": "flat", "METRICS_ENABLED": "false",
                           "LOG_LEVEL": "debug", "VECTORLOGIC_DURABILITY": "batch", "VECTORLOGIC_SYNC_INTERVAL_MS": "25"]
        let config = try ServerConfiguration.resolve(arguments: ["--port", "5000"], environment: environment)
        #expect(config.port == 5000 && config.host == "0.0.0.0" && config.defaultDimension == 256)
        #expect(config.defaultMetric == .dot && config.defaultIndexType == .flat && !config.metricsEnabled)
        #expect(config.logLevel == "debug" && config.durability == .batch(intervalMilliseconds: 25))
    }

    /// Rate limits are off by default and come from the flags or the original `RATE_LIMIT_*` names.
    @Test func rateLimitsFromFlagsAndOriginalNames() throws {
        let none = try ServerConfiguration.resolve(arguments: [], environment: [:])
        #expect(none.rateLimitPerClient == 0 && none.searchRateLimitPerClient == 0 && none.rateLimitWindowMilliseconds == 60_000)
        let environment = ["RATE_LIMIT_MAX_REQUESTS": "100", "RATE_LIMIT_WINDOW_MS": "900000", "VECTORLOGIC_SEARCH_RATE_LIMIT": "10"]
        let fromEnvironment = try ServerConfiguration.resolve(arguments: [], environment: environment)
        #expect(fromEnvironment.rateLimitPerClient == 100 && fromEnvironment.rateLimitWindowMilliseconds == 900_000)
        #expect(fromEnvironment.searchRateLimitPerClient == 10)
        #expect(try ServerConfiguration.resolve(arguments: ["--rate-limit=7"], environment: environment).rateLimitPerClient == 7)
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(arguments: [], environment: ["RATE_LIMIT_WINDOW_MS": "0"])
        }
    }

    @Test func badValuesAreRejectedWithTheirSource() throws {
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(arguments: [], environment: ["PORT": "x"]) }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(arguments: [], environment: ["VECTORLOGIC_DURABILITY": "sometimes"])
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(arguments: ["--default-dimension", "0"], environment: [:]) }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(arguments: ["--no-such-flag", "1"], environment: [:]) }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(arguments: ["--port"], environment: [:]) }
        // Booleans parse the same way wherever they come from: a bad value is an error, never a silent false.
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(arguments: [], environment: ["VECTORLOGIC_ALLOW_QUERY_API_KEY": "maybe"])
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(arguments: ["--metrics-enabled", "maybe"], environment: [:]) }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(arguments: ["--vector-reads", "mmap"], environment: [:]) }
        #expect(try ServerConfiguration.resolve(arguments: [], environment: ["VECTORLOGIC_VECTOR_READS": "pread"]).vectorReads == .pread)
        #expect(try ServerConfiguration.resolve(arguments: [], environment: [:]).vectorReads == .auto)
        #expect(try ServerConfiguration.resolve(arguments: ["--vector-reads", "mapped"], environment: [:]).vectorReads == .mapped)
        #expect(try ServerConfiguration.resolve(arguments: ["--allow-query-api-key"], environment: [:]).allowQueryAPIKey)
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(arguments: ["--tls-cert", "c.pem"], environment: [:]) }
    }

    /// Each setting is declared once: flags and environment names are unique, and the README's settings table is the
    /// one the table makes (regenerate it from `ServeSetting.markdownTable` when a setting changes).
    @Test func settingsAreDeclaredOnceAndDocumented() throws {
        let flags = ServeSetting.all.compactMap(\.flag)
        #expect(Set(flags).count == flags.count)
        let names = ServeSetting.all.flatMap(\.environment)
        #expect(Set(names).count == names.count)
        let readme = try String(contentsOfFile: #filePath.components(separatedBy: "/Tests/")[0] + "/README.md", encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- settings:begin -->\n"))
        let end = try #require(readme.range(of: "\n<!-- settings:end -->"))
        let documented = String(readme[begin.upperBound..<end.lowerBound])
        #expect(documented == ServeSetting.markdownTable, "README.md's settings table is stale: the current one is in /tmp/vectorlogic-settings-table.md")
        if documented != ServeSetting.markdownTable {
            try? ServeSetting.markdownTable.write(toFile: "/tmp/vectorlogic-settings-table.md", atomically: true, encoding: .utf8)
        }
        for setting in ServeSetting.all {
            // Every setting is really read: its environment name changes the configuration or is refused.
            let name = try #require(setting.environment.first)
            let plain = try ServerConfiguration.resolve(arguments: [], environment: [:])
            let probe = setting.isSwitch || setting.defaultText == "true" || setting.defaultText == "false" ? "true" : "7"
            let changed = try? ServerConfiguration.resolve(arguments: [], environment: [name: probe])
            #expect(changed.map { "\($0)" != "\(plain)" } ?? true || setting.defaultText == "true", "\(name)")
        }
    }
}
