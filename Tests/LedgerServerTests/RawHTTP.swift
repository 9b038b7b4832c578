import ChildProcessSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Bytes written straight to a socket and the first answer read back: for requests no well-behaved client sends
/// (broken framing, no `Host`, an absolute target, a body that stalls), which `LedgerClient` would refuse to write.
struct RawHTTP {
    /// The first response on the connection.
    struct Answer {
        let status: Int
        /// Header fields with lower-cased names (the last value of a repeated field).
        let headers: [String: String]
        let body: [UInt8]
        /// Every byte read before the server closed the connection or `timeout` passed.
        let raw: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum Failure: Error { case connect, noAnswer(String) }

    /// Sends `parts` on a new connection to 127.0.0.1:`port`, pausing `pause` between parts, and reads until the
    /// server closes the connection or `timeout` passes. A write the server refuses (it answered early and closed)
    /// ends the sending, not the test. The blocking socket calls run on a thread of their own (`onOwnThread`): the
    /// server under test may be in this process and need every cooperative thread.
    static func exchange(port: Int, _ parts: [[UInt8]], pause: Duration = .zero,
                         timeout: Duration = .seconds(10)) async throws -> Answer {
        try await onOwnThread { try exchangeBlocking(port: port, parts, pause: pause, timeout: timeout) }
    }

    private static func exchangeBlocking(port: Int, _ parts: [[UInt8]], pause: Duration,
                                         timeout: Duration) throws -> Answer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure.connect }
        sending: for (number, part) in parts.enumerated() {
            if number > 0, pause > .zero {
                let (seconds, attoseconds) = pause.components
                usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
            }
            var offset = 0
            while offset < part.count {
                let sent = part.withUnsafeBytes {
                    send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
                }
                if sent <= 0 { break sending }
                offset += sent
            }
        }
        var wait = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let deadline = ContinuousClock.now + timeout
        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                    if Self.complete(raw) { break }
                    continue
                }
                break
            }
            raw += buffer[0..<count]
        }
        return try parse(raw)
    }

    /// A request head (CRLF line ends, blank line included) from its lines.
    static func head(_ lines: String...) -> [UInt8] {
        Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// True once `raw` holds a whole response with a declared length (enough to stop waiting on a kept-alive one).
    private static func complete(_ raw: [UInt8]) -> Bool {
        guard let answer = try? parse(raw), let length = answer.headers["content-length"].flatMap({ Int($0) })
        else { return false }
        return answer.body.count >= length
    }

    private static func parse(_ raw: [UInt8]) throws -> Answer {
        let text = String(decoding: raw, as: UTF8.self)
        guard let end = raw.firstRange(of: Array("\r\n\r\n".utf8)) else { throw Failure.noAnswer(text) }
        let lines = String(decoding: raw[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure.noAnswer(text) }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[line[..<colon].lowercased()] = value
        }
        var body = Array(raw[end.upperBound...])
        if let length = headers["content-length"].flatMap({ Int($0) }), body.count > length {
            body = Array(body[..<length])
        }
        return Answer(status: status, headers: headers, body: body, raw: raw)
    }
}
