// What each annotated byte is and why it is there, in English and Simplified Chinese, with the
// RFC section that defines it. Keys are the `key` of annotate.ts spans and `error.<ErrorCode>`.

import type { ErrorCode } from './events';

export interface ExplanationText {
  title: string;
  text: string;
}

export interface Explanation {
  en: ExplanationText;
  'zh-CN': ExplanationText;
  rfc: string;
}

export type Locale = 'en' | 'zh-CN';

function entry(rfc: string, en: [string, string], zh: [string, string]): Explanation {
  return { rfc, en: { title: en[0], text: en[1] }, 'zh-CN': { title: zh[0], text: zh[1] } };
}

const structure: Record<string, Explanation> = {
  method: entry(
    'RFC 9112 §3.1',
    [
      'Method',
      'The first token of the request line says what the client wants done: GET reads, POST submits, HEAD asks for the headers only, and so on. It is case-sensitive and made only of token characters, and a single space must follow it.',
    ],
    [
      '请求方法',
      '请求行的第一个记号，说明客户端想做什么：GET 表示获取，POST 表示提交，HEAD 只要响应头，等等。方法区分大小写，只能由 token 字符组成，后面必须紧跟一个空格。',
    ],
  ),
  sp: entry(
    'RFC 9112 §3',
    [
      'Space (SP)',
      'Exactly one space byte (0x20) separates the parts of the start line. The grammar has no room for tabs or several spaces here, so a strict server rejects them: lenient parsing of separators has been used to smuggle requests past proxies.',
    ],
    [
      '空格 (SP)',
      '起始行的各部分之间恰好用一个空格字节（0x20）分隔。语法不允许这里出现制表符或多个空格，因此严格的服务器会拒绝它们：对分隔符的宽松解析曾被用来绕过代理进行请求走私。',
    ],
  ),
  'request-target.origin': entry(
    'RFC 9112 §3.2.1',
    [
      'Request target (origin form)',
      'The path and query of the resource, starting with "/". This is the usual form: the host is not repeated here because it travels in the Host header field.',
    ],
    [
      '请求目标（origin 形式）',
      '资源的路径和查询串，以 "/" 开头。这是最常见的形式：主机名不写在这里，因为它放在 Host 头字段中传送。',
    ],
  ),
  'request-target.absolute': entry(
    'RFC 9112 §3.2.2',
    [
      'Request target (absolute form)',
      'A full URI with scheme and host. Clients send it to proxies; a server must also accept it, and then the host in the URI takes precedence over the Host header field.',
    ],
    [
      '请求目标（absolute 形式）',
      '带协议和主机的完整 URI。客户端向代理发送请求时使用这种形式；服务器也必须接受它，此时 URI 中的主机优先于 Host 头字段。',
    ],
  ),
  'request-target.authority': entry(
    'RFC 9112 §3.2.3',
    [
      'Request target (authority form)',
      'Only host and port, used by CONNECT to ask a proxy to open a tunnel to that address. After a successful answer the connection stops being HTTP.',
    ],
    [
      '请求目标（authority 形式）',
      '只有主机和端口，由 CONNECT 方法使用，请求代理建立到该地址的隧道。收到成功的响应之后，这条连接就不再是 HTTP 了。',
    ],
  ),
  'request-target.asterisk': entry(
    'RFC 9112 §3.2.4',
    [
      'Request target (asterisk form)',
      'A single "*", meaning the server as a whole rather than one resource. It is used only with OPTIONS.',
    ],
    [
      '请求目标（星号形式）',
      '单独一个 "*"，表示整个服务器而不是某个资源。只和 OPTIONS 方法一起使用。',
    ],
  ),
  'request-target.other': entry(
    'RFC 9112 §3.2',
    [
      'Request target',
      'Identifies the resource the request is for. It matches none of the four forms (origin, absolute, authority, asterisk), so a server may answer 400.',
    ],
    [
      '请求目标',
      '标识请求所针对的资源。它不符合四种形式（origin、absolute、authority、星号）中的任何一种，服务器可以回应 400。',
    ],
  ),
  'version.1.1': entry(
    'RFC 9112 §2.3',
    [
      'HTTP version 1.1',
      'Exactly "HTTP/1.1": case-sensitive name, a slash, one digit, a dot, one digit. In 1.1 connections stay open by default (keep-alive) and a request must carry Host.',
    ],
    [
      'HTTP 版本 1.1',
      '必须正好是 "HTTP/1.1"：区分大小写的名称、斜杠、一位数字、点、一位数字。在 1.1 中连接默认保持打开（keep-alive），并且请求必须带 Host 头。',
    ],
  ),
  'version.1.0': entry(
    'RFC 9112 §2.3',
    [
      'HTTP version 1.0',
      'The older version: the connection closes after each response unless both sides say "Connection: keep-alive", and Host is not required (though almost every client sends it).',
    ],
    [
      'HTTP 版本 1.0',
      '较旧的版本：除非双方都声明 "Connection: keep-alive"，否则每个响应之后连接都会关闭；也不强制要求 Host（但几乎所有客户端都会发送）。',
    ],
  ),
  version: entry(
    'RFC 9112 §2.3',
    [
      'HTTP version',
      'The protocol version, "HTTP/" followed by a digit, a dot and a digit. A major version other than 1 cannot be parsed as HTTP/1.x; a server answers 505.',
    ],
    [
      'HTTP 版本',
      '协议版本，格式为 "HTTP/" 加一位数字、点和一位数字。主版本号不是 1 的报文不能按 HTTP/1.x 解析，服务器回应 505。',
    ],
  ),
  'status-code.1xx': entry(
    'RFC 9110 §15.2',
    [
      'Status code 1xx (informational)',
      'An interim answer such as 100 Continue or 101 Switching Protocols. A final response still follows (except after 101, where the protocol changes). It never has a body.',
    ],
    [
      '状态码 1xx（信息性）',
      '临时响应，例如 100 Continue 或 101 Switching Protocols。之后还会有最终响应（101 除外，此后协议会切换）。1xx 响应永远没有消息体。',
    ],
  ),
  'status-code.2xx': entry(
    'RFC 9110 §15.3',
    [
      'Status code 2xx (success)',
      'Three digits saying the request succeeded, e.g. 200 OK. Clients act on the number, not on the reason phrase.',
    ],
    [
      '状态码 2xx（成功）',
      '三位数字，表示请求成功，例如 200 OK。客户端根据数字行事，而不是根据原因短语。',
    ],
  ),
  'status-code.3xx': entry(
    'RFC 9110 §15.4',
    [
      'Status code 3xx (redirection)',
      'The client must do something more: follow Location (301, 302, 307, 308) or use its cached copy (304 Not Modified, which has no body).',
    ],
    [
      '状态码 3xx（重定向）',
      '客户端需要进一步操作：跟随 Location 跳转（301、302、307、308），或使用缓存的副本（304 Not Modified，没有消息体）。',
    ],
  ),
  'status-code.4xx': entry(
    'RFC 9110 §15.5',
    [
      'Status code 4xx (client error)',
      'The request was wrong: 400 malformed, 404 not found, 413 body too large, 431 header fields too large…',
    ],
    [
      '状态码 4xx（客户端错误）',
      '请求本身有问题：400 格式错误，404 未找到，413 消息体过大，431 头字段过大……',
    ],
  ),
  'status-code.5xx': entry(
    'RFC 9110 §15.6',
    [
      'Status code 5xx (server error)',
      'The server failed to fulfil a valid request: 500 internal error, 501 method not implemented, 505 HTTP version not supported…',
    ],
    [
      '状态码 5xx（服务器错误）',
      '服务器未能完成一个合法的请求：500 内部错误，501 方法未实现，505 不支持该 HTTP 版本……',
    ],
  ),
  'status-code': entry(
    'RFC 9110 §15',
    [
      'Status code',
      'Exactly three digits. Codes outside 100–599 belong to no class; a client treats an unknown code as the x00 of its class.',
    ],
    [
      '状态码',
      '必须正好三位数字。100–599 之外的代码不属于任何类别；客户端把未知代码当作同类的 x00 处理。',
    ],
  ),
  'reason-phrase': entry(
    'RFC 9112 §4',
    [
      'Reason phrase',
      'Human-readable text after the status code, such as "OK" or "Not Found". It carries no meaning for software, may be empty, and clients should ignore it.',
    ],
    [
      '原因短语',
      '状态码之后给人看的文字，例如 "OK" 或 "Not Found"。它对程序没有任何含义，可以为空，客户端应当忽略它。',
    ],
  ),
  'crlf.start-line': entry(
    'RFC 9112 §2.1',
    [
      'CRLF ending the start line',
      'Carriage return (0x0D) then line feed (0x0A): HTTP/1.1 ends every line of the head with these two bytes. The request line or status line is over; header fields follow.',
    ],
    [
      '起始行结尾的 CRLF',
      '回车（0x0D）加换行（0x0A）：HTTP/1.1 报文头的每一行都以这两个字节结束。请求行或状态行到此结束，后面是头字段。',
    ],
  ),
  'crlf.field-line': entry(
    'RFC 9112 §2.1',
    [
      'CRLF ending a field line',
      'Ends one header field. The next line starts either another field or, if it is empty, ends the head.',
    ],
    [
      '头字段行结尾的 CRLF',
      '结束一个头字段。下一行要么是另一个头字段，要么是空行——空行表示报文头结束。',
    ],
  ),
  'crlf.chunk-size': entry(
    'RFC 9112 §7.1',
    [
      'CRLF ending the chunk-size line',
      'Ends the line that announces the chunk size; exactly that many bytes of chunk data follow.',
    ],
    ['块大小行结尾的 CRLF', '结束声明块大小的那一行；后面紧跟的正好是该数量字节的块数据。'],
  ),
  crlf: entry(
    'RFC 9112 §2.1',
    [
      'CRLF',
      'Carriage return and line feed, the line terminator of HTTP/1.1. Empty lines before a request line are ignored for robustness.',
    ],
    ['CRLF', '回车加换行，HTTP/1.1 的行结束符。请求行之前的空行出于健壮性会被忽略。'],
  ),
  lf: entry(
    'RFC 9112 §2.2',
    [
      'Bare LF',
      'A line feed without the carriage return before it. HTTP requires CRLF; a recipient MAY accept a bare LF, but parsers that disagree about it can be tricked into reading different messages from the same bytes (request smuggling). A naive server that writes "\\n" instead of "\\r\\n" produces exactly this.',
    ],
    [
      '单独的 LF',
      '没有回车在前的换行符。HTTP 要求使用 CRLF；接收方可以（MAY）接受单独的 LF，但若各个解析器对此处理不一致，同样的字节就可能被解读成不同的报文（请求走私）。用 "\\n" 代替 "\\r\\n" 的简易服务器产生的正是这种情况。',
    ],
  ),
  colon: entry(
    'RFC 9112 §5',
    [
      'Colon',
      'Separates the field name from its value. No whitespace is allowed between the name and the colon.',
    ],
    ['冒号', '分隔字段名和字段值。字段名与冒号之间不允许有任何空白。'],
  ),
  ows: entry(
    'RFC 9112 §5',
    [
      'Optional whitespace (OWS)',
      'Spaces or tabs around a field value. They are allowed and are not part of the value: a parser strips them.',
    ],
    [
      '可选空白 (OWS)',
      '字段值前后的空格或制表符。它们是允许的，但不属于字段值本身：解析器会把它们去掉。',
    ],
  ),
  'empty-line': entry(
    'RFC 9112 §2.1',
    [
      'Empty line (end of head)',
      'A CRLF on its own line: the head is over. Everything after it is the body, framed by Content-Length or Transfer-Encoding, or the next message if there is no body. Forgetting this line leaves the other side waiting forever.',
    ],
    [
      '空行（报文头结束）',
      '单独一行的 CRLF：报文头到此结束。之后的内容是消息体（由 Content-Length 或 Transfer-Encoding 界定），没有消息体时则是下一条报文。漏掉这一行，对方就会一直等待。',
    ],
  ),
  'empty-line.lf': entry(
    'RFC 9112 §2.2',
    [
      'Empty line written as a bare LF',
      'The head ends here, but with "\\n" instead of "\\r\\n". Many parsers accept it, strict ones do not: the message is only understood by lenient recipients.',
    ],
    [
      '以单独 LF 书写的空行',
      '报文头在这里结束，但用的是 "\\n" 而不是 "\\r\\n"。许多解析器接受它，严格的解析器则不接受：只有宽松的接收方才能理解这条报文。',
    ],
  ),
  body: entry(
    'RFC 9112 §6',
    [
      'Message body',
      'The content. Its end is known from Content-Length (exactly that many bytes), from chunked coding, or, for a response with neither, from the server closing the connection.',
    ],
    [
      '消息体',
      '报文的内容。它在哪里结束由 Content-Length（正好这么多字节）、分块编码决定；对于两者都没有的响应，则由服务器关闭连接来表示结束。',
    ],
  ),
  'chunk-size': entry(
    'RFC 9112 §7.1',
    [
      'Chunk size',
      'Hexadecimal number of data bytes in this chunk ("1a" = 26). Chunked coding lets a sender stream a body whose length it does not know in advance.',
    ],
    [
      '块大小',
      '本块数据的字节数，用十六进制表示（"1a" 即 26）。分块编码使发送方可以在事先不知道长度的情况下流式发送消息体。',
    ],
  ),
  'chunk-extension': entry(
    'RFC 9112 §7.1.1',
    [
      'Chunk extension',
      'Optional ";name=value" parameters after the chunk size. Almost nobody uses them; a recipient must ignore extensions it does not understand.',
    ],
    [
      '块扩展',
      '块大小之后可选的 ";name=value" 参数。几乎没有人使用；接收方必须忽略它不认识的扩展。',
    ],
  ),
  'chunk-data': entry(
    'RFC 9112 §7.1',
    ['Chunk data', 'Exactly as many body bytes as the chunk size announced, followed by a CRLF.'],
    ['块数据', '正好是块大小所声明数量的消息体字节，后面跟一个 CRLF。'],
  ),
  'chunk-crlf': entry(
    'RFC 9112 §7.1',
    [
      'CRLF after chunk data',
      'Closes the chunk; the next line is the size of the next chunk. A missing CRLF means the size was wrong.',
    ],
    ['块数据后的 CRLF', '结束本块；下一行是下一块的大小。缺少这个 CRLF 说明块大小写错了。'],
  ),
  'last-chunk': entry(
    'RFC 9112 §7.1',
    [
      'Last chunk',
      'A chunk size of 0 marks the end of the body. Optional trailer fields and an empty line follow.',
    ],
    ['最后一块', '大小为 0 的块表示消息体结束。之后是可选的尾部字段和一个空行。'],
  ),
  'chunked.end': entry(
    'RFC 9112 §7.1',
    [
      'End of chunked message',
      'The empty line after the last chunk (and any trailers): the message is complete and the connection can carry the next one.',
    ],
    [
      '分块报文结束',
      '最后一块（以及可能的尾部字段）之后的空行：报文完整结束，连接可以传送下一条报文。',
    ],
  ),
  trailer: entry(
    'RFC 9110 §6.5',
    [
      'Trailer field',
      'A field sent after a chunked body, for metadata known only at the end (a checksum, for example). Recipients must not treat it as a header unless told it is safe.',
    ],
    [
      '尾部字段',
      '在分块消息体之后发送的字段，用于只有在末尾才知道的元数据（例如校验和）。除非明确知道安全，接收方不得把它当作普通头字段处理。',
    ],
  ),
  tunnel: entry(
    'RFC 9110 §9.3.6',
    [
      'Tunnel bytes',
      'After an accepted CONNECT or Upgrade the connection carries another protocol (TLS, WebSocket…). These bytes are not HTTP and are not parsed.',
    ],
    [
      '隧道字节',
      '在 CONNECT 或 Upgrade 被接受之后，连接承载的是另一种协议（TLS、WebSocket……）。这些字节不是 HTTP，不再解析。',
    ],
  ),
  unparsed: entry(
    'RFC 9112 §8',
    [
      'Unparsed (incomplete)',
      'Bytes of a message that has not finished arriving. If the connection closes now, the message is incomplete and must not be treated as a whole one.',
    ],
    [
      '未解析（不完整）',
      '尚未完整到达的报文字节。如果连接此时关闭，这条报文就是不完整的，不能当作完整报文处理。',
    ],
  ),
};

const fields: Record<string, Explanation> = {
  'header.other': entry(
    'RFC 9112 §5',
    [
      'Header field',
      'A "name: value" line adding information about the message or the request. Names are case-insensitive tokens; unknown fields are passed on or ignored.',
    ],
    [
      '头字段',
      '形如 "name: value" 的一行，为报文或请求补充信息。字段名是不区分大小写的 token；不认识的字段会被转发或忽略。',
    ],
  ),
  'header.host': entry(
    'RFC 9110 §7.2',
    [
      'Host',
      'The host (and port) the client wants to reach. One IP address can serve many sites, and the origin-form target carries only the path, so this is how the server knows which site is meant. HTTP/1.1 requires exactly one Host field in every request; without it the server must answer 400.',
    ],
    [
      'Host',
      '客户端想访问的主机名（和端口）。一个 IP 地址可以承载许多网站，而 origin 形式的请求目标只有路径，因此服务器靠它判断访问的是哪个站点。HTTP/1.1 要求每个请求恰好有一个 Host 字段；缺少时服务器必须回应 400。',
    ],
  ),
  'header.content-length': entry(
    'RFC 9112 §6.2',
    [
      'Content-Length',
      'The exact number of body bytes, in decimal. It tells the recipient where this message ends and where the next one on the same connection starts. Too small and the rest of the body is read as a new message; too large and the recipient waits for bytes that never come. Two different values, or one together with Transfer-Encoding, are an attack signal.',
    ],
    [
      'Content-Length',
      '消息体的确切字节数（十进制）。它告诉接收方这条报文在哪里结束、同一连接上的下一条报文从哪里开始。写小了，剩余的消息体会被当成一条新报文；写大了，接收方会一直等待永远不会到来的字节。出现两个不同的值，或与 Transfer-Encoding 同时出现，都是攻击的信号。',
    ],
  ),
  'header.transfer-encoding': entry(
    'RFC 9112 §6.1',
    [
      'Transfer-Encoding',
      'Codings applied to the body in transit. "chunked" must be last: it frames the body in size-prefixed chunks, so a sender can stream without knowing the length. It overrides Content-Length.',
    ],
    [
      'Transfer-Encoding',
      '传输过程中对消息体施加的编码。"chunked" 必须是最后一个：它把消息体分成带长度前缀的块，使发送方无需事先知道长度即可流式发送。它优先于 Content-Length。',
    ],
  ),
  'header.connection': entry(
    'RFC 9110 §7.6.1',
    [
      'Connection',
      'Options for this hop only. "close" ends the connection after this message; "keep-alive" asks HTTP/1.0 to keep it open; it also lists other hop-by-hop fields a proxy must remove.',
    ],
    [
      'Connection',
      '只对当前这一跳有效的选项。"close" 表示本报文之后关闭连接；"keep-alive" 要求 HTTP/1.0 保持连接；它还列出代理必须移除的其他逐跳字段。',
    ],
  ),
  'header.keep-alive': entry(
    'RFC 9112 §9.3',
    [
      'Keep-Alive',
      'Legacy hints (timeout, max) for a persistent HTTP/1.0 connection. HTTP/1.1 connections are persistent by default.',
    ],
    [
      'Keep-Alive',
      '针对 HTTP/1.0 持久连接的旧式提示（timeout、max）。HTTP/1.1 的连接默认就是持久的。',
    ],
  ),
  'header.content-type': entry(
    'RFC 9110 §8.3',
    [
      'Content-Type',
      'The media type of the body (text/html, image/jpeg, application/json…) and parameters like charset. It decides how the recipient interprets the bytes.',
    ],
    [
      'Content-Type',
      '消息体的媒体类型（text/html、image/jpeg、application/json……）以及 charset 等参数。它决定接收方如何解读这些字节。',
    ],
  ),
  'header.content-encoding': entry(
    'RFC 9110 §8.4',
    [
      'Content-Encoding',
      'Compression applied to the representation itself (gzip, br…). Unlike Transfer-Encoding it stays when the content is stored.',
    ],
    [
      'Content-Encoding',
      '对表示本身施加的压缩（gzip、br……）。与 Transfer-Encoding 不同，内容被保存时它依然保留。',
    ],
  ),
  'header.user-agent': entry(
    'RFC 9110 §10.1.5',
    [
      'User-Agent',
      'Names the client software and its version. Servers use it for statistics and workarounds.',
    ],
    ['User-Agent', '说明客户端软件及其版本。服务器用它做统计或针对特定客户端的兼容处理。'],
  ),
  'header.accept': entry(
    'RFC 9110 §12.5.1',
    [
      'Accept',
      'The media types the client prefers, with optional q-weights. The server may pick a representation accordingly.',
    ],
    ['Accept', '客户端偏好的媒体类型，可带 q 权重。服务器可据此选择返回哪种表示。'],
  ),
  'header.accept-encoding': entry(
    'RFC 9110 §12.5.3',
    ['Accept-Encoding', 'Compressions the client can decode (gzip, deflate, br…).'],
    ['Accept-Encoding', '客户端能够解码的压缩方式（gzip、deflate、br……）。'],
  ),
  'header.accept-language': entry(
    'RFC 9110 §12.5.4',
    ['Accept-Language', 'Natural languages the user prefers, e.g. "zh-CN,zh;q=0.9,en;q=0.8".'],
    ['Accept-Language', '用户偏好的自然语言，例如 "zh-CN,zh;q=0.9,en;q=0.8"。'],
  ),
  'header.cookie': entry(
    'RFC 6265 §5.4',
    [
      'Cookie',
      'Name=value pairs the server earlier stored with Set-Cookie, sent back so the server can recognise the session. Often the largest field of a request.',
    ],
    [
      'Cookie',
      '服务器之前通过 Set-Cookie 保存的 name=value 对，由客户端发回，使服务器能识别会话。常常是请求中最长的字段。',
    ],
  ),
  'header.set-cookie': entry(
    'RFC 6265 §4.1',
    [
      'Set-Cookie',
      'Asks the client to store a cookie. It is the one field that may appear several times and must not be combined into one line.',
    ],
    ['Set-Cookie', '要求客户端保存一个 cookie。它是唯一可以出现多次、且不能合并成一行的字段。'],
  ),
  'header.referer': entry(
    'RFC 9110 §10.1.3',
    [
      'Referer',
      'The page that led to this request, e.g. the HTML page whose <img> made the browser fetch an image. (The misspelling is historical.)',
    ],
    [
      'Referer',
      '引出本次请求的页面，例如因为其中的 <img> 标签而让浏览器去获取图片的那个 HTML 页面。（拼写错误是历史遗留。）',
    ],
  ),
  'header.origin': entry(
    'RFC 6454 §7',
    [
      'Origin',
      'Scheme, host and port of the page that started a cross-origin or POST request, used for CORS and CSRF checks.',
    ],
    ['Origin', '发起跨源请求或 POST 请求的页面的协议、主机和端口，用于 CORS 和 CSRF 检查。'],
  ),
  'header.upgrade': entry(
    'RFC 9110 §7.8',
    [
      'Upgrade',
      'Asks to switch this connection to another protocol (websocket, h2c). If the server agrees it answers 101 and the bytes after that are no longer HTTP/1.1.',
    ],
    [
      'Upgrade',
      '请求把这条连接切换到另一种协议（websocket、h2c）。服务器同意时回应 101，此后的字节就不再是 HTTP/1.1。',
    ],
  ),
  'header.expect': entry(
    'RFC 9110 §10.1.1',
    [
      'Expect',
      '"100-continue" asks the server to confirm (with 100 Continue) before the client sends a large body, so a request that will be refused does not waste the upload.',
    ],
    [
      'Expect',
      '"100-continue" 要求服务器在客户端发送大的消息体之前先确认（回应 100 Continue），这样注定被拒绝的请求就不会白白上传数据。',
    ],
  ),
  'header.te': entry(
    'RFC 9110 §10.1.4',
    [
      'TE',
      'Transfer codings the client accepts in the response; "trailers" says it can handle trailer fields.',
    ],
    ['TE', '客户端在响应中可以接受的传输编码；"trailers" 表示它能处理尾部字段。'],
  ),
  'header.trailer': entry(
    'RFC 9110 §6.6.2',
    ['Trailer', 'Announces which fields will come as trailers after a chunked body.'],
    ['Trailer', '预先声明哪些字段会作为尾部字段出现在分块消息体之后。'],
  ),
  'header.cache-control': entry(
    'RFC 9111 §5.2',
    [
      'Cache-Control',
      'Caching directives: no-store, no-cache, max-age=… decide whether and how long a copy may be reused.',
    ],
    ['Cache-Control', '缓存指令：no-store、no-cache、max-age=… 决定副本能否复用以及可以复用多久。'],
  ),
  'header.authorization': entry(
    'RFC 9110 §11.6.2',
    [
      'Authorization',
      'Credentials for the target resource (Basic, Bearer…). Anyone who sees these bytes can reuse them: only send them over TLS.',
    ],
    [
      'Authorization',
      '访问目标资源的凭据（Basic、Bearer……）。任何看到这些字节的人都能重复使用它们：只应通过 TLS 发送。',
    ],
  ),
  'header.location': entry(
    'RFC 9110 §10.2.2',
    [
      'Location',
      'Where to go next: the redirect target for 3xx, or the new resource for 201 Created.',
    ],
    ['Location', '下一步去哪里：3xx 的重定向目标，或 201 Created 所创建的新资源。'],
  ),
  'header.server': entry(
    'RFC 9110 §10.2.4',
    ['Server', 'Names the server software. Optional; some servers omit it to reveal less.'],
    ['Server', '说明服务器软件。可选；有些服务器省略它以减少暴露的信息。'],
  ),
  'header.date': entry(
    'RFC 9110 §6.6.1',
    [
      'Date',
      'When the message was generated, in IMF-fixdate format ("Sun, 06 Nov 1994 08:49:37 GMT"). An origin server with a clock must send it.',
    ],
    [
      'Date',
      '报文生成的时间，采用 IMF-fixdate 格式（"Sun, 06 Nov 1994 08:49:37 GMT"）。有时钟的源服务器必须发送它。',
    ],
  ),
  'header.etag': entry(
    'RFC 9110 §8.8.3',
    [
      'ETag',
      'An opaque version tag of the representation; the client returns it in If-None-Match to revalidate.',
    ],
    ['ETag', '表示的不透明版本标签；客户端在 If-None-Match 中把它发回以重新验证缓存。'],
  ),
  'header.last-modified': entry(
    'RFC 9110 §8.8.2',
    ['Last-Modified', 'When the representation last changed; used with If-Modified-Since.'],
    ['Last-Modified', '表示最后一次修改的时间；与 If-Modified-Since 配合使用。'],
  ),
  'header.if-none-match': entry(
    'RFC 9110 §13.1.2',
    [
      'If-None-Match',
      'Send the resource only if its ETag differs from these; otherwise the server answers 304 Not Modified with no body.',
    ],
    [
      'If-None-Match',
      '只有当资源的 ETag 与这些值都不同时才发送；否则服务器回应没有消息体的 304 Not Modified。',
    ],
  ),
  'header.if-modified-since': entry(
    'RFC 9110 §13.1.3',
    [
      'If-Modified-Since',
      'Send the resource only if it changed after this date; otherwise 304 Not Modified.',
    ],
    ['If-Modified-Since', '只有资源在此日期之后有改动才发送；否则回应 304 Not Modified。'],
  ),
  'header.range': entry(
    'RFC 9110 §14.2',
    [
      'Range',
      'Asks for part of the representation (e.g. "bytes=0-1023"); the answer is 206 Partial Content.',
    ],
    ['Range', '请求表示的一部分（例如 "bytes=0-1023"）；响应为 206 Partial Content。'],
  ),
  'header.sec-fetch': entry(
    'Fetch Metadata',
    [
      'Sec-Fetch-* metadata',
      'Added by browsers to say how the request was made (site, mode, destination, user action), so a server can refuse unexpected cross-site requests.',
    ],
    [
      'Sec-Fetch-* 元数据',
      '由浏览器添加，说明请求是如何发起的（站点、模式、目的地、是否由用户操作触发），服务器可据此拒绝意外的跨站请求。',
    ],
  ),
};

const errors: Record<ErrorCode, Explanation> = {
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
};

export const ERROR_CODES = Object.keys(errors) as ErrorCode[];

export const explanations: Record<string, Explanation> = {
  ...structure,
  ...fields,
  ...Object.fromEntries(ERROR_CODES.map((code) => [`error.${code}`, errors[code]])),
};

/** The explanation for `key` in `locale`, or null when the key is unknown. */
export function explain(
  key: string,
  locale: Locale = 'en',
): (ExplanationText & { rfc: string }) | null {
  const found = explanations[key];
  return found ? { ...found[locale], rfc: found.rfc } : null;
}
