import ArgumentParser
import Foundation
import LedgerCrypto

extension CertLedgerBench {
    /// Signatures and digests through `LedgerCrypto`, in the units `openssl speed` reports
    /// so that `Scripts/bench-crypto` can set them side by side: sign/s and verify/s per algorithm, hashes/s of
    /// 64-byte inputs and MB/s (10^6 bytes) of 16 KiB inputs, on one thread and on two threads sharing one key.
    struct Crypto: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure signatures (Ed25519, ECDSA P-256, SM2) and digests (SHA-256, SM3)."
        )

        @Option(help: "Seconds per measurement.")
        var seconds: Double = 3

        @Option(parsing: .upToNextOption, help: "Thread counts to measure with (each uses one shared key).")
        var threads: [Int] = [1, 2]

        @Option(help: "Bytes per signed message (openssl speed signs 20).")
        var messageBytes: Int = 20

        @Option(help: "Only run metrics whose name contains this text (e.g. `sm2`, `verify`).")
        var only: String?

        @Flag(help: "Print tab-separated `metric<TAB>threads<TAB>value` lines for scripts.")
        var tsv = false

        func validate() throws {
            guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds)") }
            guard !threads.isEmpty, threads.allSatisfy({ (1...64).contains($0) }) else {
                throw ValidationError("--threads must be between 1 and 64, got \(threads)")
            }
            guard messageBytes >= 0 else { throw ValidationError("--message-bytes must be ≥ 0") }
        }

        func run() throws {
            let cases = try CryptoBenchCase.all(messageBytes: messageBytes)
                .filter { only == nil || $0.metric.contains(only ?? "") }
            if !tsv {
                print("metric".padding(toLength: 28, withPad: " ", startingAt: 0)
                    + threads.map { "\($0) thread\($0 == 1 ? "" : "s")".leftPadded(16) }.joined())
            }
            var failed = false
            for benchCase in cases {
                var line = benchCase.metric.padding(toLength: 28, withPad: " ", startingAt: 0)
                for count in threads {
                    let result = Throughput(threads: count, seconds: seconds).measure(benchCase.makeWorker)
                    let value = result.rate / benchCase.divisor
                    if result.failures > 0 {
                        failed = true
                        FileHandle.standardError.write(Data(
                            "\(benchCase.metric): \(result.failures) wrong results on \(count) threads\n".utf8))
                    }
                    if tsv {
                        print("\(benchCase.metric)\t\(count)\t\(String(format: "%.1f", value))")
                    } else {
                        line += String(format: "%.1f", value).leftPadded(16)
                    }
                }
                if !tsv { print(line) }
            }
            if failed { throw ExitCode.failure }
        }
    }
}

extension String {
    /// Right-aligns in a column of `width` characters.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
