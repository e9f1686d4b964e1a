/// The version printed by `--version` and sent in `User-Agent`.
public let attsyncVersion = "0.1.0"
