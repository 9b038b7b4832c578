import ChildProcessSupport
import Foundation

/// The real `certledgerd` binary as a child process; it prints one "listening on" line on stdout once it serves
/// (logs go to stderr).
typealias DaemonProcess = ChildProcess
typealias DaemonProcessError = ChildProcessError

extension ChildProcess {
    /// SwiftPM puts the package's executables next to the test bundle.
    static var executable: URL { productsDirectory.appendingPathComponent("certledgerd") }

    /// `certledgerd arguments` in `directory`; `launcher` runs it through another program that execs it (e.g.
    /// `prlimit --fsize=N --`).
    convenience init(arguments: [String], directory: String, launcher: [String] = []) throws {
        try self.init(product: "certledgerd", arguments: arguments, directory: directory, launcher: launcher,
                      readyPrefixes: ["certledgerd listening on http://", "certledgerd listening on https://"])
    }
}
