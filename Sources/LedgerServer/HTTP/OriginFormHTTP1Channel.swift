import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// HTTP/1.1 child channels that accept only the origin form of a request target (`/path?query`, or `*` for
/// `OPTIONS`): a server that is not a proxy answers the absolute form (`GET http://host/path`) and the authority
/// form with 400 here. The check has to sit between NIO's HTTP/1 decoder and the conversion to HTTP types, which
/// quietly rewrites an absolute target to its path (and so would serve it as if it were one).
struct OriginFormHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(OriginFormHandler(), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Passes requests in origin form through; for any other it raises `HTTPParserError.invalidURL` (which the server
/// answers 400 and closes the connection with) and drops the rest of the connection's input.
final class OriginFormHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        if case .head(let head) = unwrapInboundIn(data), !Self.isOriginForm(head) {
            refused = true
            context.fireErrorCaught(HTTPParserError.invalidURL)
            return
        }
        context.fireChannelRead(data)
    }

    /// RFC 9112 §3.2.1 and §3.2.4: origin form, or the asterisk form of a server-wide `OPTIONS`.
    static func isOriginForm(_ head: HTTPRequestHead) -> Bool {
        head.uri.utf8.first == UInt8(ascii: "/") || (head.method == .OPTIONS && head.uri == "*")
    }
}
