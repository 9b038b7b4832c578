import Foundation

/// A progress bar redrawn in place on standard error, at most five times a second, and only when standard error
/// is a terminal: cron mail, CI logs and pipes get no carriage-return noise.
final class ProgressLine {
    private let enabled: Bool
    private let label: String
    private var lastDraw = ContinuousClock.now

    /// `label` names the phase ("copying", "verifying"; empty for none); `quiet` turns the bar off even on a
    /// terminal.
    init(_ label: String, quiet: Bool = false) {
        self.label = label
        self.enabled = !quiet && isatty(2) == 1
    }

    /// Draws `done` of `total` (plus `detail`, e.g. "12 batches"); the final call ends the line.
    func update(_ done: UInt64, of total: UInt64, _ detail: String = "") {
        guard enabled, ContinuousClock.now - lastDraw > .milliseconds(200) || done == total else { return }
        lastDraw = .now
        let percent = total == 0 ? 100 : Int(done * 100 / total)
        let bar = String(repeating: "#", count: percent / 4) + String(repeating: ".", count: 25 - percent / 4)
        let extra = detail.isEmpty ? "" : ", \(detail)"
        let prefix = label.isEmpty ? "" : label + " "
        FileHandle.standardError.write(Data("\r\(prefix)[\(bar)] \(done)/\(total) entries\(extra)".utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
