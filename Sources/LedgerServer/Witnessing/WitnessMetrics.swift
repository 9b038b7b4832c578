import Foundation

/// The witnesses' series in `/metrics` and their words in `/healthz`: which witness, and why it did not cosign.
enum WitnessMetrics {
    /// Prometheus text for `state` (nothing for a ledger without witnesses).
    static func render(_ state: WitnessingState) -> String {
        guard let quorum = state.quorum else { return "" }
        let members = state.members
        var out = """
            # HELP certledger_witness_quorum Cosignatures a checkpoint needs before it is served.
            # TYPE certledger_witness_quorum gauge
            certledger_witness_quorum \(quorum)
            # HELP certledger_witnessed_size Size of the newest checkpoint served with a quorum of cosignatures.
            # TYPE certledger_witnessed_size gauge
            certledger_witnessed_size \(state.witnessed?.checkpoint.size ?? 0)
            # HELP certledger_witnessed_age_seconds Seconds since the newest witnessed checkpoint was collected.
            # TYPE certledger_witnessed_age_seconds gauge
            certledger_witnessed_age_seconds \(String(format: "%.3f", state.age()))
            # HELP certledger_witness_rounds_total Rounds of add-checkpoint requests sent to the witnesses.
            # TYPE certledger_witness_rounds_total counter
            certledger_witness_rounds_total \(state.rounds)
            # HELP certledger_witness_up 1 when the witness cosigned at its last request, 0 when it failed.
            # TYPE certledger_witness_up gauge

            """
        for member in members {
            out += "certledger_witness_up{witness=\"\(label(member.name))\"} \(member.lastFailure == nil ? 1 : 0)\n"
        }
        out += """
            # HELP certledger_witness_cosigned_size The size each witness last cosigned (or reported in a 409).
            # TYPE certledger_witness_cosigned_size gauge

            """
        for member in members {
            out += "certledger_witness_cosigned_size{witness=\"\(label(member.name))\"} \(member.cosignedSize ?? 0)\n"
        }
        out += """
            # HELP certledger_witness_cosignatures_total Cosignatures received from each witness.
            # TYPE certledger_witness_cosignatures_total counter

            """
        for member in members {
            out += "certledger_witness_cosignatures_total{witness=\"\(label(member.name))\"} \(member.cosignatures)\n"
        }
        out += """
            # HELP certledger_witness_failures_total Requests a witness did not cosign, by reason.
            # TYPE certledger_witness_failures_total counter

            """
        for member in members {
            for reason in WitnessFailure.Reason.allCases {
                out += "certledger_witness_failures_total{witness=\"\(label(member.name))\",reason=\"\(reason.rawValue)\"} "
                    + "\(member.failures[reason] ?? 0)\n"
            }
        }
        return out
    }

    /// `/healthz`'s reason when the newest witnessed checkpoint is too old: its age and each failing witness's reason.
    static func staleReason(_ state: WitnessingState, maxAge: Double) -> String {
        let age = Int(state.age())
        let what = state.witnessed.map { "the newest witnessed checkpoint (size \($0.checkpoint.size)) is \(age) s old" }
            ?? "no checkpoint has been witnessed in the \(age) s since start"
        let failing = state.members.compactMap { member in
            member.lastFailure.map { "\(member.name): \($0)" }
        }
        return "\(what), more than \(Int(maxAge)) s; submissions are still accepted"
            + (failing.isEmpty ? "" : "; witnesses failing: " + failing.joined(separator: "; "))
    }

    /// A Prometheus label value: backslash, quote and newline escaped.
    private static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
