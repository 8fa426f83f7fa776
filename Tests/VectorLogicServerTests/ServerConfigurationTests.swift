import Testing
import VectorLogicServer

/// Flags beat `VECTORLOGIC_*`, which beat the original names, which beat the defaults (cli.md "Serving").
@Suite struct ServerConfigurationTests {
    @Test func defaultsMatchTheContract() throws {
        let config = try ServerConfiguration.resolve(flags: ServeFlags(), environment: [:])
        #expect(config.dataDirectory == "./data" && config.host == "127.0.0.1" && config.port == 3000)
        #expect(config.durability == .fsync && config.defaultDimension == 384 && config.defaultMetric == .cosine)
        #expect(config.maxBodyBytes == 64 << 20 && config.slowRequestMilliseconds == 1_000 && config.metricsEnabled)
    }

    @Test func precedenceIsFlagsThenPrefixedThenOriginalNames() throws {
        let environment = ["PORT": "4000", "HOST": "0.0.0.0", "DEFAULT_DIMENSIONS": "128", "DISTANCE_METRIC": "dot",
                           "VECTORLOGIC_DEFAULT_DIMENSION": "256", "INDEX_TYPE": "flat", "METRICS_ENABLED": "false",
                           "LOG_LEVEL": "debug", "VECTORLOGIC_DURABILITY": "batch", "VECTORLOGIC_SYNC_INTERVAL_MS": "25"]
        var flags = ServeFlags()
        flags.port = 5000
        let config = try ServerConfiguration.resolve(flags: flags, environment: environment)
        #expect(config.port == 5000 && config.host == "0.0.0.0" && config.defaultDimension == 256)
        #expect(config.defaultMetric == .dot && config.defaultIndexType == .flat && !config.metricsEnabled)
        #expect(config.logLevel == "debug" && config.durability == .batch(intervalMilliseconds: 25))
    }

    /// Rate limits are off by default and come from the flags or the original `RATE_LIMIT_*` names.
    @Test func rateLimitsFromFlagsAndOriginalNames() throws {
        let none = try ServerConfiguration.resolve(flags: ServeFlags(), environment: [:])
        #expect(none.rateLimitPerClient == 0 && none.searchRateLimitPerClient == 0 && none.rateLimitWindowMilliseconds == 60_000)
        let environment = ["RATE_LIMIT_MAX_REQUESTS": "100", "RATE_LIMIT_WINDOW_MS": "900000", "VECTORLOGIC_SEARCH_RATE_LIMIT": "10"]
        let fromEnvironment = try ServerConfiguration.resolve(flags: ServeFlags(), environment: environment)
        #expect(fromEnvironment.rateLimitPerClient == 100 && fromEnvironment.rateLimitWindowMilliseconds == 900_000)
        #expect(fromEnvironment.searchRateLimitPerClient == 10)
        var flags = ServeFlags()
        flags.rateLimitPerClient = 7
        #expect(try ServerConfiguration.resolve(flags: flags, environment: environment).rateLimitPerClient == 7)
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(flags: ServeFlags(), environment: ["RATE_LIMIT_WINDOW_MS": "0"])
        }
    }

    @Test func badValuesAreRejectedWithTheirSource() {
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(flags: ServeFlags(), environment: ["PORT": "x"]) }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(flags: ServeFlags(), environment: ["VECTORLOGIC_DURABILITY": "sometimes"])
        }
        var flags = ServeFlags()
        flags.defaultDimension = 0
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(flags: flags, environment: [:]) }
    }
}
