import CanonicalJSON
import Foundation
import LedgerClient

extension SubmissionSender {
    /// Sends many submissions through `POST /v1/submissions/bulk`, at most `chunk` per request (NDJSON, one per
    /// line, in the order given), and files or reports each one as `send` would, its lines prefixed with its label.
    /// A request the daemon refuses as too large (413) is split in two and each half sent again; any other refusal
    /// of a whole request is reported for each of its submissions. Returns whether every submission was accepted.
    func sendBulk(_ items: [(label: String, body: [UInt8])], chunk: Int) async throws -> Bool {
        try FileManager.default.createDirectory(atPath: proofs, withIntermediateDirectories: true)
        var pending: [ArraySlice<(label: String, body: [UInt8])>] = stride(from: 0, to: items.count, by: chunk).map {
            items[$0..<min($0 + chunk, items.count)]
        }
        var accepted = true
        while !pending.isEmpty {
            let part = pending.removeFirst()
            let body = Array(part.map { $0.body + [0x0A] }.joined())
            let response = try await client.call("POST", "/v1/submissions/bulk", json: body,
                                                 contentType: "application/x-ndjson")
            if response.status == 413, part.count > 1 {
                let middle = part.startIndex + part.count / 2
                pending.insert(contentsOf: [part[..<middle], part[middle...]], at: 0)
                continue
            }
            guard response.status == 200 else {
                for item in part {
                    refuse(item.label, describeError(response))
                }
                accepted = false
                continue
            }
            let lines = response.body.split(separator: 0x0A).map(Array.init)
            guard lines.count == part.count else {
                throw CLIError("the daemon answered \(lines.count) results for \(part.count) submissions", code: 1)
            }
            for (item, line) in zip(part, lines) {
                if json { print(String(decoding: line, as: UTF8.self)) }
                let status = (try? JSONValue.parse(line))?["status"]?.numberValue.map { Int($0) } ?? 0
                guard status == 200 || status == 201 else {
                    refuse(item.label, describeError(status: status, body: line))
                    accepted = false
                    continue
                }
                try file(line, label: item.label, prefix: true)
            }
        }
        if !json { print("checkpoints\(trustNote)") }
        return accepted
    }

    private func refuse(_ label: String, _ reason: String) {
        FileHandle.standardError.write(Data("certledger: \(label): refused: \(reason)\n".utf8))
    }
}
