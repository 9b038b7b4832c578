/// RFC 7468 textual encoding, as OpenSSL writes it: the label lines and base64 in lines of 64 characters.
enum PEM {
    /// Wraps DER bytes in `-----BEGIN label-----` … `-----END label-----` with a trailing newline.
    static func armor(_ der: [UInt8], label: String) -> String {
        let body = Array(Base64.encode(der).utf8)
        var text = "-----BEGIN \(label)-----\n"
        var start = 0
        while start < body.count {
            let end = min(start + 64, body.count)
            text += String(decoding: body[start..<end], as: UTF8.self) + "\n"
            start = end
        }
        return text + "-----END \(label)-----\n"
    }
}
