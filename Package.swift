// swift-tools-version: 6.1
import PackageDescription

// Dependencies point downward only (see README "Architecture"):
// vigil → VigilServer → VigilWeb → VigilStore → VigilCrypto → VigilCore, and VigilFeeds → VigilCore.
// VigilCore and VigilFeeds use Foundation alone, so the domain builds and tests in seconds.
let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .library(name: "VigilCore", targets: ["VigilCore"]),
        .library(name: "VigilFeeds", targets: ["VigilFeeds"]),
        .library(name: "VigilStore", targets: ["VigilStore"]),
        .library(name: "VigilStats", targets: ["VigilStats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        .target(name: "VigilCore"),
        .target(
            name: "VigilCrypto",
            dependencies: [
                "VigilCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "VigilFeeds", dependencies: ["VigilCore"]),
        .target(
            name: "VigilStore",
            dependencies: [
                "VigilCore", "VigilCrypto", "VigilFeeds",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The PostgreSQL store: the same protocols as the SQLite one, for several instances on one database.
        .target(
            name: "VigilPostgres",
            dependencies: [
                "VigilCore", "VigilCrypto", "VigilFeeds", "VigilStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "VigilStats", dependencies: ["VigilCore", "VigilStore"]),
        .target(
            name: "VigilNotify",
            dependencies: [
                "VigilCore", "VigilCrypto", "VigilStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The browser pages: server-rendered Mustache templates, sessions, CSRF, the two languages.
        // Below VigilServer, which wires it into its router and lends it the lookup and the limiter.
        .target(
            name: "VigilWeb",
            dependencies: [
                "VigilCore", "VigilCrypto", "VigilStore", "VigilFeeds",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Templates"), .copy("Catalog"), .copy("Static")]
        ),
        .target(
            name: "VigilServer",
            dependencies: [
                "VigilCore", "VigilCrypto", "VigilStore", "VigilNotify", "VigilStats", "VigilWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("openapi.yaml")],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore", "VigilCrypto", "VigilFeeds", "VigilStore", "VigilPostgres", "VigilStats", "VigilServer", "VigilWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test doubles shared by several test targets (a loopback webhook receiver); not shipped.
        .target(
            name: "VigilTestSupport",
            dependencies: [
                "VigilCore", "VigilCrypto", "VigilStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "VigilCoreTests",
            dependencies: ["VigilCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "VigilCryptoTests", dependencies: ["VigilCrypto"]),
        .testTarget(
            name: "VigilFeedsTests",
            dependencies: ["VigilFeeds", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        // The store conformance suite: every behaviour once, run on SQLite and (given a URL) on PostgreSQL.
        .testTarget(
            name: "VigilStoreTests",
            dependencies: [
                "VigilStore", "VigilPostgres", "VigilFeeds", "VigilCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(name: "VigilStatsTests", dependencies: ["VigilStats", "VigilStore", "VigilFeeds", "VigilCrypto"]),
        .testTarget(
            name: "VigilNotifyTests",
            dependencies: [
                "VigilNotify", "VigilStore", "VigilCrypto", "VigilFeeds", "VigilTestSupport",
            ]
        ),
        .testTarget(
            name: "VigilServerTests",
            dependencies: [
                "VigilServer", "VigilNotify", "VigilTestSupport", "VigilStore", "VigilFeeds", "VigilCrypto", "VigilWeb",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "VigilWebTests", dependencies: ["VigilWeb", "VigilCrypto"]),
        .testTarget(
            name: "VigilCLITests",
            dependencies: ["vigil", "VigilCrypto", "VigilStore", "VigilPostgres", "VigilTestSupport"]
        ),
    ]
)
