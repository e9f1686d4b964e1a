// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "attsync",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "attsync", targets: ["attsync"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // libcurl, through static inline typed wrappers (curl_easy_setopt/getinfo are variadic).
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The system SQLite, for the read-only MIS copy and the state database.
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "AttSyncCore",
            dependencies: [
                "CCurl",
                "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "attsync",
            dependencies: [
                "AttSyncCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: temporary directories, processes, generated schools.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "AttSyncCoreTests", dependencies: ["AttSyncCore", "TestSupport"]),
        .testTarget(name: "attsyncTests", dependencies: ["attsync", "AttSyncCore", "TestSupport"], exclude: ["Golden"]),
    ]
)
