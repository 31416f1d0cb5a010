// A WebSocket frame's parts (RFC 6455 §5), under the keys engine/websocket-frames.ts gives them,
// and the text of each protocol error the frame parser names (explanations.ts keys them
// `ws.error.<CODE>` with the section from websocket-errors.ts, and checks every code has one).
import { entry, type Explanation } from './catalogue';

type Texts = [en: [string, string], zh: [string, string]];

export const websocketParts: Record<string, Explanation> = {
  'ws.first-byte': entry(
    'RFC 6455 §5.2',
    [
      'FIN, RSV1–3 and opcode',
      'The first byte of every frame. Its top bit, FIN, is 1 on the last frame of a message. The next three, RSV1–3, stay 0 unless an extension (such as permessage-deflate, which uses RSV1) gives them a meaning. The low four bits are the opcode: 0x0 continuation, 0x1 text, 0x2 binary, 0x8 close, 0x9 ping, 0xA pong; the rest are reserved.',
    ],
    [
      'FIN、RSV1–3 与操作码',
      '每个帧的第一个字节。最高位 FIN 在一条消息的最后一帧上为 1。接下来的三位 RSV1–3 必须为 0，除非协商的扩展（例如使用 RSV1 的 permessage-deflate）赋予了它们含义。低四位是操作码：0x0 延续帧、0x1 文本、0x2 二进制、0x8 关闭、0x9 Ping、0xA Pong；其余保留。',
    ],
  ),
  'ws.second-byte': entry(
    'RFC 6455 §5.2',
    [
      'MASK and payload length',
      'The top bit, MASK, says whether a 4-byte masking key follows: 1 on every frame a client sends, 0 on every frame a server sends. The low seven bits are the payload length when it is 0–125; 126 means the length follows in 16 bits, 127 that it follows in 64 bits.',
    ],
    [
      'MASK 与载荷长度',
      '最高位 MASK 表示后面是否有 4 字节的掩码键：客户端发送的每个帧都为 1，服务器发送的每个帧都为 0。低七位在长度为 0–125 时就是载荷长度；126 表示长度以 16 位跟在后面，127 表示以 64 位跟在后面。',
    ],
  ),
  'ws.length-16': entry(
    'RFC 6455 §5.2',
    [
      'Extended payload length (16 bits)',
      'The payload length as an unsigned 16-bit number in network byte order, used for payloads of 126 to 65,535 bytes. A shorter payload must use the 7 bits instead: the length is always written in the fewest bytes.',
    ],
    [
      '扩展载荷长度（16 位）',
      '以网络字节序的无符号 16 位整数表示的载荷长度，用于 126 到 65,535 字节的载荷。更短的载荷必须只用那 7 位表示：长度总是用最少的字节书写。',
    ],
  ),
  'ws.length-64': entry(
    'RFC 6455 §5.2',
    [
      'Extended payload length (64 bits)',
      'The payload length as an unsigned 64-bit number in network byte order, for payloads over 65,535 bytes. Its most significant bit must be 0, and a length that fits in 16 bits must not be written this way.',
    ],
    [
      '扩展载荷长度（64 位）',
      '以网络字节序的无符号 64 位整数表示的载荷长度，用于超过 65,535 字节的载荷。它的最高位必须为 0，能用 16 位表示的长度不得这样书写。',
    ],
  ),
  'ws.masking-key': entry(
    'RFC 6455 §5.3',
    [
      'Masking key',
      'Four random bytes chosen by the client for this frame. Payload byte i is sent XORed with key byte i mod 4, so a script in a page cannot choose the bytes that reach a proxy, which protects caches that misread the traffic as HTTP. Unmasking is the same XOR; the payload shown is unmasked.',
    ],
    [
      '掩码键',
      '客户端为本帧选取的四个随机字节。载荷的第 i 个字节与掩码键的第 i mod 4 个字节异或后发送，使页面中的脚本无法控制到达代理的字节，从而保护那些把这些流量误读为 HTTP 的缓存。去掩码是同样的异或；这里显示的载荷已去掩码。',
    ],
  ),
  'ws.payload.text': entry(
    'RFC 6455 §5.6',
    [
      'Text payload',
      'Application data of a text message, which must be UTF-8 as a whole (a character may be split between fragments). Shown here unmasked.',
    ],
    [
      '文本载荷',
      '文本消息的应用数据，整条消息必须是 UTF-8（一个字符可以被分在两个分片中）。这里显示的是去掩码后的内容。',
    ],
  ),
  'ws.payload.binary': entry(
    'RFC 6455 §5.6',
    [
      'Binary payload',
      'Application data of a binary message: any bytes, interpreted only by the application.',
    ],
    ['二进制载荷', '二进制消息的应用数据：任意字节，只由应用程序解释。'],
  ),
  'ws.payload.continuation': entry(
    'RFC 6455 §5.4',
    [
      'Continuation payload',
      'The next piece of a fragmented message: appended to the payload of the text or binary frame that started it. Control frames may come between fragments; other data frames may not.',
    ],
    [
      '延续帧载荷',
      '分片消息的下一段：接在开始这条消息的文本帧或二进制帧的载荷之后。分片之间可以插入控制帧，但不能插入其他数据帧。',
    ],
  ),
  'ws.payload.ping': entry(
    'RFC 6455 §5.5.2',
    [
      'Ping payload',
      'Up to 125 bytes the receiver must send back in a Pong as soon as it can. Used as a keep-alive or to check that the other end still answers.',
    ],
    [
      'Ping 载荷',
      '最多 125 个字节，接收方必须尽快在 Pong 中原样发回。用作保活，或检查对端是否仍在响应。',
    ],
  ),
  'ws.payload.pong': entry(
    'RFC 6455 §5.5.3',
    [
      'Pong payload',
      'The answer to a Ping, carrying the same bytes. A Pong may also be sent unasked, as a one-way heartbeat.',
    ],
    ['Pong 载荷', '对 Ping 的应答，携带相同的字节。也可以主动发送 Pong，作为单向心跳。'],
  ),
  'ws.payload.close': entry(
    'RFC 6455 §5.5.1',
    [
      'Close payload',
      'A Close frame’s body: empty, or a two-byte status code followed by a UTF-8 reason.',
    ],
    ['关闭帧载荷', '关闭帧的内容：为空，或是两字节的状态码后跟 UTF-8 编码的原因。'],
  ),
  'ws.close-code': entry(
    'RFC 6455 §7.4',
    [
      'Close status code',
      'Why the connection closes, as an unsigned 16-bit number: 1000 normal closure, 1001 going away, 1002 protocol error, 1003 unsupported data, 1007 invalid payload, 1008 policy violation, 1009 message too big, 1010 missing extension, 1011 internal error; 3000–4999 belong to libraries and applications. 1005, 1006 and 1015 are never sent.',
    ],
    [
      '关闭状态码',
      '连接关闭的原因，一个无符号 16 位整数：1000 正常关闭、1001 离开、1002 协议错误、1003 不支持的数据、1007 载荷无效、1008 违反策略、1009 消息过大、1010 缺少扩展、1011 内部错误；3000–4999 留给库和应用程序。1005、1006 和 1015 从不发送。',
    ],
  ),
  'ws.close-reason': entry(
    'RFC 6455 §5.5.1',
    [
      'Close reason',
      'Optional text after the status code, in UTF-8, meant for debugging rather than for users.',
    ],
    ['关闭原因', '状态码之后可选的文字，使用 UTF-8 编码，用于调试而不是给用户看。'],
  ),
};

export const websocketErrorTexts = {
  RSV_WITHOUT_EXTENSION: [
    [
      'RSV bit without an extension',
      'An RSV bit is set, but no negotiated extension defines it (permessage-deflate defines only RSV1, on the first frame of a message). The receiver must fail the connection.',
    ],
    [
      '没有扩展却设置了 RSV 位',
      '设置了 RSV 位，但没有任何已协商的扩展定义它（permessage-deflate 只定义了消息首帧上的 RSV1）。接收方必须使连接失败。',
    ],
  ],
  RESERVED_OPCODE: [
    [
      'Reserved opcode',
      'Opcodes 0x3–0x7 and 0xB–0xF are reserved for future use; a frame that uses one must fail the connection.',
    ],
    ['保留的操作码', '操作码 0x3–0x7 和 0xB–0xF 保留供将来使用；使用它们的帧必须使连接失败。'],
  ],
  CONTROL_TOO_LONG: [
    [
      'Control frame over 125 bytes',
      'Close, Ping and Pong frames carry at most 125 bytes of payload, so their length always fits in the 7 bits.',
    ],
    [
      '控制帧超过 125 字节',
      '关闭、Ping 和 Pong 帧的载荷最多 125 字节，因此它们的长度总能用那 7 位表示。',
    ],
  ],
  CONTROL_FRAGMENTED: [
    [
      'Fragmented control frame',
      'Control frames must not be fragmented: their FIN bit is always 1. They may come between the fragments of a data message.',
    ],
    ['分片的控制帧', '控制帧不得分片：它们的 FIN 位总是 1。它们可以出现在数据消息的分片之间。'],
  ],
  CLIENT_NOT_MASKED: [
    [
      'Client frame not masked',
      'Every frame a client sends must be masked (MASK 1 and a masking key); a server that receives an unmasked frame closes the connection.',
    ],
    [
      '客户端帧未加掩码',
      '客户端发送的每个帧都必须加掩码（MASK 为 1 并带掩码键）；服务器收到未加掩码的帧时会关闭连接。',
    ],
  ],
  SERVER_MASKED: [
    [
      'Server frame masked',
      'A server must not mask the frames it sends; a client that receives a masked frame closes the connection.',
    ],
    ['服务器帧加了掩码', '服务器不得对它发送的帧加掩码；客户端收到加了掩码的帧时会关闭连接。'],
  ],
  LENGTH_NOT_MINIMAL: [
    [
      'Length not in the fewest bytes',
      'The payload length must be written in the minimal number of bytes: 0–125 in the 7 bits, 126–65,535 in 16 bits, only larger ones in 64 bits.',
    ],
    [
      '长度未用最少字节表示',
      '载荷长度必须用最少的字节书写：0–125 用那 7 位，126–65,535 用 16 位，只有更大的才用 64 位。',
    ],
  ],
  LENGTH_MSB_SET: [
    [
      '64-bit length with its top bit set',
      'The most significant bit of a 64-bit payload length must be 0.',
    ],
    ['64 位长度的最高位为 1', '64 位载荷长度的最高位必须为 0。'],
  ],
  LENGTH_TOO_LARGE: [
    [
      'Length too large to follow',
      'The 64-bit length is above 2^53 − 1 bytes (8 PiB). It is valid on the wire, but no recording can hold it, so reading stops here.',
    ],
    [
      '长度大得无法跟踪',
      '64 位长度超过 2^53 − 1 字节（8 PiB）。它在线路上是合法的，但没有哪个记录能容纳它，因此在此停止读取。',
    ],
  ],
  CONTINUATION_WITHOUT_START: [
    [
      'Continuation without a start',
      'A continuation frame (opcode 0x0) continues a fragmented message, but no text or binary frame without FIN started one.',
    ],
    [
      '没有开头的延续帧',
      '延续帧（操作码 0x0）用于继续一条分片消息，但之前没有不带 FIN 的文本帧或二进制帧开始过这样一条消息。',
    ],
  ],
  MESSAGE_NOT_FINISHED: [
    [
      'New message inside a fragmented one',
      'A text or binary frame arrived while a fragmented message was unfinished. Only continuation frames (and control frames) may follow until the one with FIN.',
    ],
    [
      '分片消息中间开始了新消息',
      '在一条分片消息尚未结束时到达了文本帧或二进制帧。在带 FIN 的帧到来之前，只能跟随延续帧（以及控制帧）。',
    ],
  ],
  INVALID_UTF8_TEXT: [
    [
      'Text that is not UTF-8',
      'A text message must be valid UTF-8 once its fragments are joined; the receiver fails the connection (status 1007) at the first byte that cannot be.',
    ],
    [
      '不是 UTF-8 的文本',
      '文本消息在各分片拼接后必须是合法的 UTF-8；接收方在第一个不合法的字节处使连接失败（状态码 1007）。',
    ],
  ],
  INVALID_UTF8_REASON: [
    [
      'Close reason that is not UTF-8',
      'The reason after a Close frame’s status code must be valid UTF-8.',
    ],
    ['不是 UTF-8 的关闭原因', '关闭帧状态码之后的原因必须是合法的 UTF-8。'],
  ],
  CLOSE_BODY_ONE_BYTE: [
    [
      'Close body of one byte',
      'A Close frame’s body is empty or starts with a two-byte status code; one byte cannot be either.',
    ],
    [
      '只有一个字节的关闭帧内容',
      '关闭帧的内容要么为空，要么以两字节的状态码开头；一个字节两者都不是。',
    ],
  ],
  BAD_CLOSE_CODE: [
    [
      'Status code that may not be sent',
      'Codes 0–999 are unused, 1004 is reserved, 1005, 1006 and 1015 only name what an endpoint observed and are never sent, and 1016–2999 are reserved for the protocol; 5000 and above do not exist.',
    ],
    [
      '不得发送的状态码',
      '0–999 未使用，1004 保留，1005、1006 和 1015 只表示端点观察到的情况、从不发送，1016–2999 保留给协议本身；5000 及以上不存在。',
    ],
  ],
  DATA_AFTER_CLOSE: [
    [
      'Bytes after Close',
      'After sending a Close frame an endpoint sends nothing more on the connection; the bytes after it were not read as frames.',
    ],
    ['关闭帧之后的字节', '端点发送关闭帧之后不再在连接上发送任何内容；其后的字节未被当作帧读取。'],
  ],
  TRUNCATED_FRAME: [
    ['Frame cut short', 'The connection ended before this frame’s header or payload was complete.'],
    ['被截断的帧', '连接在这个帧的首部或载荷完整之前就结束了。'],
  ],
  UNFINISHED_MESSAGE: [
    [
      'Fragmented message never finished',
      'The connection ended before the frame with FIN that ends this fragmented message.',
    ],
    ['分片消息未结束', '连接在结束这条分片消息的带 FIN 的帧到来之前就结束了。'],
  ],
} satisfies Record<string, Texts>;
