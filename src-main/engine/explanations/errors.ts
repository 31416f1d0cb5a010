// Why a message was refused: one explanation per error code of the error table (errors.ts),
// the parser's and the capture layer's.
import { entry, type Explanation } from './catalogue';

// Keyed by the codes of the error table; explanations.ts checks that every code has one.
export const errorExplanations = {
  INVALID_METHOD: entry(
    'RFC 9112 §3.1',
    [
      'Invalid method',
      'The method must be a token: letters, digits and a few symbols, no spaces or control bytes. Anything else cannot be a request line, so the server answers 400.',
    ],
    [
      '无效的方法',
      '方法必须是 token：字母、数字和少数符号，不能有空格或控制字节。其他内容不可能构成请求行，服务器回应 400。',
    ],
  ),
  INVALID_TARGET: entry(
    'RFC 9112 §3.2',
    [
      'Invalid request target',
      'The target contains a byte that is not allowed in a URI (a control byte, a raw space, a byte above 0x7E…). Clients must percent-encode such bytes.',
    ],
    [
      '无效的请求目标',
      '请求目标中含有 URI 不允许的字节（控制字节、未编码的空格、大于 0x7E 的字节……）。客户端必须对这些字节进行百分号编码。',
    ],
  ),
  INVALID_VERSION: entry(
    'RFC 9112 §2.3',
    [
      'Invalid HTTP version',
      'The version must be exactly "HTTP/" digit "." digit. "HTTP/1.x", "http/1.1" or "HTTP/1.1 " with extra bytes are not versions: a client or server cannot know which rules apply, so the message is rejected.',
    ],
    [
      '无效的 HTTP 版本',
      '版本必须正好是 "HTTP/"、一位数字、"."、一位数字。"HTTP/1.x"、"http/1.1" 或后面多出字节的 "HTTP/1.1 " 都不是合法的版本：对方无法知道该适用哪套规则，因此报文被拒绝。',
    ],
  ),
  UNSUPPORTED_VERSION: entry(
    'RFC 9110 §15.6.6',
    [
      'Unsupported HTTP version',
      'A well-formed version this parser does not speak (e.g. HTTP/2.0 or HTTP/0.9 in an HTTP/1.x head). A server answers 505 HTTP Version Not Supported.',
    ],
    [
      '不支持的 HTTP 版本',
      '格式正确但本解析器不支持的版本（例如 HTTP/1.x 报文头中的 HTTP/2.0 或 HTTP/0.9）。服务器回应 505 HTTP Version Not Supported。',
    ],
  ),
  INVALID_STATUS: entry(
    'RFC 9112 §4',
    [
      'Invalid status code',
      'The status code must be exactly three digits followed by a space. Without a valid code the client cannot tell success from failure.',
    ],
    [
      '无效的状态码',
      '状态码必须正好是三位数字，后面跟一个空格。没有合法的状态码，客户端就无法区分成功和失败。',
    ],
  ),
  INVALID_REASON: entry(
    'RFC 9112 §4',
    [
      'Invalid reason phrase',
      'The reason phrase may contain tabs, spaces and visible characters, but no control bytes such as NUL or a bare CR.',
    ],
    [
      '无效的原因短语',
      '原因短语可以包含制表符、空格和可见字符，但不能包含 NUL 或单独的 CR 之类的控制字节。',
    ],
  ),
  INVALID_CONSTANT: entry(
    'RFC 9112 §2.1',
    [
      'Unexpected byte',
      'At this point the grammar allows one fixed byte (a space, the "HTTP/" name, a CR or LF) and something else came. The message structure is broken here.',
    ],
    [
      '意外的字节',
      '按照语法，这个位置只能是某个固定的字节（空格、"HTTP/" 名称、CR 或 LF），实际却是别的内容。报文结构在这里被破坏了。',
    ],
  ),
  INVALID_HEADER_TOKEN: entry(
    'RFC 9110 §5.1',
    [
      'Invalid character in field name',
      'A field name is a token: no spaces, no control bytes, no separators like "(" or "@". A byte outside that set means the line cannot be read safely as a field.',
    ],
    [
      '字段名中有无效字符',
      '字段名是 token：不能有空格、控制字节或 "("、"@" 之类的分隔符。出现这个集合之外的字节，说明这一行无法被安全地当作头字段读取。',
    ],
  ),
  INVALID_HEADER_VALUE: entry(
    'RFC 9110 §5.5',
    [
      'Invalid character in field value',
      'A field value may hold visible characters, spaces, tabs and bytes 0x80–0xFF, but not NUL, CR, LF or other control bytes, which could split or hide fields.',
    ],
    [
      '字段值中有无效字符',
      '字段值可以包含可见字符、空格、制表符和 0x80–0xFF 的字节，但不能包含 NUL、CR、LF 或其他控制字节，因为它们可能拆分或隐藏字段。',
    ],
  ),
  OBS_FOLD: entry(
    'RFC 9112 §5.2',
    [
      'Obsolete line folding',
      'A field line that starts with a space or tab continues the previous value (obs-fold). It is obsolete: a server MUST reject it with 400 or replace the fold with spaces, because parsers disagree about it.',
    ],
    [
      '过时的折行',
      '以空格或制表符开头的字段行表示续接上一个字段值（obs-fold）。这种写法已被废弃：由于各解析器处理不一致，服务器必须（MUST）以 400 拒绝，或把折行替换为空格。',
    ],
  ),
  WHITESPACE_BEFORE_COLON: entry(
    'RFC 9112 §5.1',
    [
      'Whitespace before colon',
      'No whitespace is allowed between a field name and its colon. A server MUST reject such a message with 400: some proxies strip the space and others do not, which enables request smuggling.',
    ],
    [
      '冒号前有空白',
      '字段名与冒号之间不允许有空白。服务器必须（MUST）以 400 拒绝这样的报文：有些代理会去掉空格而有些不会，这会导致请求走私。',
    ],
  ),
  BARE_CR: entry(
    'RFC 9112 §2.2',
    [
      'Bare CR',
      'A carriage return not followed by a line feed. A recipient MUST treat it as invalid (or replace it with a space) before processing: it is not a line end.',
    ],
    [
      '单独的 CR',
      '后面没有跟换行符的回车。接收方在处理前必须（MUST）将其视为无效（或替换为空格）：它不是行结束符。',
    ],
  ),
  BARE_LF: entry(
    'RFC 9112 §2.2',
    [
      'Bare LF',
      'A line ends with LF alone where CRLF is required. Strict parsing refuses it because lenient and strict parsers then disagree on where lines end. A naive server writing "\\n" triggers exactly this.',
    ],
    [
      '单独的 LF',
      '在要求 CRLF 的地方只用 LF 结束了一行。严格解析会拒绝它，因为宽松与严格的解析器对行在哪里结束会产生分歧。用 "\\n" 输出的简易服务器正会触发这个错误。',
    ],
  ),
  NUL_BYTE: entry(
    'RFC 9110 §5.5',
    [
      'NUL byte',
      'A zero byte in the head. Many programs treat NUL as the end of a string, so it could hide the rest of a line from one of them; it is never allowed.',
    ],
    [
      'NUL 字节',
      '报文头中出现了零字节。许多程序把 NUL 当作字符串的结尾，它可能让某些程序看不到这一行的剩余部分；因此永远不允许出现。',
    ],
  ),
  INVALID_CONTENT_LENGTH: entry(
    'RFC 9112 §6.3',
    [
      'Invalid Content-Length',
      'Content-Length must be decimal digits only (no sign, no spaces inside, no hex) and not absurdly large. Without a valid length the recipient cannot find the end of the body, so the message is rejected with 400.',
    ],
    [
      '无效的 Content-Length',
      'Content-Length 只能由十进制数字组成（不能有符号、中间空格或十六进制），而且不能大得离谱。没有合法的长度，接收方就找不到消息体的结尾，因此以 400 拒绝该报文。',
    ],
  ),
  CONFLICTING_CONTENT_LENGTH: entry(
    'RFC 9112 §6.3',
    [
      'Conflicting Content-Length',
      'Several Content-Length fields with different values. Two recipients could each believe a different one and split the stream differently (request smuggling), so the message is rejected.',
    ],
    [
      'Content-Length 相互冲突',
      '出现了多个值不同的 Content-Length 字段。两个接收方可能各自相信不同的值，从而以不同方式切分数据流（请求走私），因此报文被拒绝。',
    ],
  ),
  CONTENT_LENGTH_WITH_TRANSFER_ENCODING: entry(
    'RFC 9112 §6.3',
    [
      'Content-Length with Transfer-Encoding',
      'Both framings at once. Transfer-Encoding wins by the rules, but a message carrying both is the classic request-smuggling pattern; a server ought to reject it and must close the connection after answering.',
    ],
    [
      'Content-Length 与 Transfer-Encoding 同时出现',
      '同时使用了两种分帧方式。按规则应以 Transfer-Encoding 为准，但同时携带两者的报文正是典型的请求走私手法；服务器应当拒绝，并且在响应后必须关闭连接。',
    ],
  ),
  INVALID_TRANSFER_ENCODING: entry(
    'RFC 9112 §6.1',
    [
      'Invalid Transfer-Encoding',
      'In a request, "chunked" must be the final transfer coding; otherwise the body length cannot be determined and the server must answer 400 and close the connection.',
    ],
    [
      '无效的 Transfer-Encoding',
      '在请求中，"chunked" 必须是最后一个传输编码；否则无法确定消息体长度，服务器必须回应 400 并关闭连接。',
    ],
  ),
  UNSUPPORTED_TRANSFER_ENCODING: entry(
    'RFC 9112 §6.1',
    [
      'Unsupported Transfer-Encoding',
      'A transfer coding this server does not implement. It cannot decode the body, so it answers 501 Not Implemented.',
    ],
    [
      '不支持的 Transfer-Encoding',
      '服务器未实现的传输编码。它无法解码消息体，因此回应 501 Not Implemented。',
    ],
  ),
  INVALID_CHUNK_SIZE: entry(
    'RFC 9112 §7.1',
    [
      'Invalid chunk size',
      'A chunk size must be one or more hexadecimal digits, followed by optional extensions and CRLF, and small enough to be represented. Anything else leaves the body boundaries unknown.',
    ],
    [
      '无效的块大小',
      '块大小必须是一个或多个十六进制数字，后接可选的扩展和 CRLF，并且数值不能大到无法表示。否则消息体的边界就无从确定。',
    ],
  ),
  INVALID_CHUNK_EXTENSION: entry(
    'RFC 9112 §7.1.1',
    [
      'Invalid chunk extension',
      'Chunk extensions are ";name" or ";name=value" with token or quoted-string values. A malformed one (control bytes, a bare CR) is rejected.',
    ],
    [
      '无效的块扩展',
      '块扩展的格式是 ";name" 或 ";name=value"，值为 token 或带引号的字符串。格式错误的扩展（控制字节、单独的 CR）会被拒绝。',
    ],
  ),
  INVALID_CHUNK_DATA_END: entry(
    'RFC 9112 §7.1',
    [
      'Missing CRLF after chunk data',
      'After exactly chunk-size data bytes a CRLF must follow. Something else is here, which means the chunk size lied.',
    ],
    [
      '块数据之后缺少 CRLF',
      '在正好块大小个数据字节之后必须是 CRLF。这里却是别的内容，说明块大小是错的。',
    ],
  ),
  INVALID_EOF_STATE: entry(
    'RFC 9112 §8',
    [
      'Connection closed mid-message',
      'The stream ended before the message was complete (in the head, before Content-Length bytes arrived, or before the last chunk). The message is incomplete.',
    ],
    [
      '连接在报文中途关闭',
      '数据流在报文完整之前就结束了（在报文头中、在 Content-Length 个字节到齐之前，或在最后一块之前）。这条报文不完整。',
    ],
  ),
  DATA_AFTER_CLOSE: entry(
    'RFC 9112 §9.6',
    [
      'Data after Connection: close',
      'The previous message said "Connection: close", so nothing may follow it on this connection. These bytes are ignored.',
    ],
    [
      'Connection: close 之后仍有数据',
      '上一条报文声明了 "Connection: close"，这条连接上不应再有任何后续数据。这些字节会被忽略。',
    ],
  ),
  HEADER_TOO_LARGE: entry(
    'RFC 6585 §5',
    [
      'Header section too large',
      'The head is longer than this server accepts. Limits protect memory; the answer is 431 Request Header Fields Too Large.',
    ],
    [
      '报文头过大',
      '报文头超过了服务器能接受的长度。限制是为了保护内存；响应为 431 Request Header Fields Too Large。',
    ],
  ),
  TOO_MANY_HEADERS: entry(
    'RFC 6585 §5',
    ['Too many header fields', 'More field lines than this server accepts; the answer is 431.'],
    ['头字段过多', '头字段行的数量超过了服务器能接受的上限；响应为 431。'],
  ),
  TARGET_TOO_LONG: entry(
    'RFC 9110 §15.5.15',
    [
      'Request target too long',
      'The request target is longer than this server accepts; the answer is 414 URI Too Long. Servers must support at least 8000 bytes.',
    ],
    [
      '请求目标过长',
      '请求目标超过了服务器能接受的长度；响应为 414 URI Too Long。服务器至少应支持 8000 字节。',
    ],
  ),
  BODY_TOO_LARGE: entry(
    'RFC 9110 §15.5.14',
    [
      'Body too large',
      'The body exceeds the configured limit; the answer is 413 Content Too Large.',
    ],
    ['消息体过大', '消息体超过了配置的上限；响应为 413 Content Too Large。'],
  ),
  METHOD_NOT_IMPLEMENTED: entry(
    'RFC 9110 §9.1',
    [
      'Method not implemented',
      'A syntactically valid method the server does not know. It answers 501 Not Implemented (unlike 405, which is for a known method not allowed on this resource).',
    ],
    [
      '方法未实现',
      '语法上合法但服务器不认识的方法。服务器回应 501 Not Implemented（与 405 不同，405 表示方法已知但该资源不允许使用）。',
    ],
  ),
  CLOSED_CONNECTION: entry(
    'RFC 9112 §9.6',
    [
      'Connection already closed',
      'A message arrived after the connection was marked to close (Connection: close, or HTTP/1.0 without keep-alive). It is not processed.',
    ],
    [
      '连接已标记关闭',
      '在连接已被标记为关闭（Connection: close，或没有 keep-alive 的 HTTP/1.0）之后又到达了报文。它不会被处理。',
    ],
  ),
  MISSING_HOST: entry(
    'RFC 9112 §3.2',
    [
      'Missing or repeated Host',
      'An HTTP/1.1 request must carry exactly one Host field naming the site it is for: one address can serve many sites, and an origin-form target carries only the path. A server MUST answer 400 to a request without Host, with more than one, or with an invalid value, so the request is refused without being served.',
    ],
    [
      'Host 缺失或重复',
      'HTTP/1.1 请求必须恰好带一个 Host 字段，说明要访问哪个站点：一个地址可以承载许多站点，而 origin 形式的请求目标只包含路径。对于没有 Host、有多个 Host 或 Host 值无效的请求，服务器必须（MUST）回应 400，因此这个请求被拒绝而不会被处理。',
    ],
  ),
  TLS_ON_PLAIN_PORT: entry(
    'RFC 8446 §5.1',
    [
      'TLS on a plain HTTP port',
      'The first bytes are 0x16 0x03: the start of a TLS handshake record (a ClientHello), not a request line. The client is speaking HTTPS to an http:// port. An HTTP answer would mean nothing to it, so the server closes the connection without one; use https:// on a TLS port, or http:// here.',
    ],
    [
      '普通 HTTP 端口上的 TLS',
      '开头的字节是 0x16 0x03：这是 TLS 握手记录（ClientHello）的开始，而不是请求行。客户端在向 http:// 端口说 HTTPS。HTTP 响应对它毫无意义，所以服务器不作回应直接关闭连接；请在 TLS 端口上使用 https://，或在这里使用 http://。',
    ],
  ),
  TIMEOUT: entry(
    'RFC 9110 §15.5.9',
    [
      'Too slow',
      'The message did not arrive within the time limit. A server limits how long a head may take, because a client that sends one byte at a time (slowloris) would otherwise hold a connection forever; it answers 408 Request Timeout and closes. For a replay, the server did not answer in time.',
    ],
    [
      '太慢',
      '报文没有在时限内到达。服务器会限制报文头的到达时间，否则一个每次只发一个字节的客户端（slowloris）可以永远占住连接；超时后服务器回应 408 Request Timeout 并关闭连接。对于重放，则表示服务器没有按时作出回应。',
    ],
  ),
  NOT_HTTP: entry(
    'RFC 9112 §2.1',
    [
      'Not HTTP',
      'An HTTP/1.x message starts with a request line (method, target, version) or a status line (version, status code, reason). These bytes start neither way, so they are some other protocol, or binary data sent to the wrong port.',
    ],
    [
      '不是 HTTP',
      'HTTP/1.x 报文以请求行（方法、目标、版本）或状态行（版本、状态码、原因短语）开头。这些字节两者都不是，所以它们属于别的协议，或者是发错了端口的二进制数据。',
    ],
  ),
} satisfies Record<string, Explanation>;
