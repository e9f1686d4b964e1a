/// The version printed by `--version` and sent in `User-Agent`.
package let attsyncVersion = "0.1.0"
