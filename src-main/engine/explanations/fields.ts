// Field lines: the glue around names and values, the explanations shared by many fields, and
// one explanation per field with a meaning of its own. The annotator explains a field by name
// exactly when it is a key of `namedFields`.
import { entry, type Explanation } from './catalogue';

export const fieldLines: Record<string, Explanation> = {
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
  'header.sec-ch': entry(
    'RFC 8942 (Client Hints)',
    [
      'Sec-CH-* client hint',
      'A client hint: a detail about the browser or device (full version, architecture, model, screen, colour scheme…) that Chromium sends when the server asked for it with Accept-CH. Only Sec-CH-UA, -Mobile and -Platform are sent unasked.',
    ],
    [
      'Sec-CH-* 客户端提示',
      '客户端提示：关于浏览器或设备的一项细节（完整版本、架构、型号、屏幕、配色方案……），服务器用 Accept-CH 请求后 Chromium 才会发送。只有 Sec-CH-UA、-Mobile 和 -Platform 会在未被请求时发送。',
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
};

/** Keyed by the lower-case field name. */
export const namedFields: Record<string, Explanation> = {
  host: entry(
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
  'content-length': entry(
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
  'transfer-encoding': entry(
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
  connection: entry(
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
  'keep-alive': entry(
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
  'content-type': entry(
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
  'content-encoding': entry(
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
  'user-agent': entry(
    'RFC 9110 §10.1.5',
    [
      'User-Agent',
      'Names the client software and its version. Servers use it for statistics and workarounds.',
    ],
    ['User-Agent', '说明客户端软件及其版本。服务器用它做统计或针对特定客户端的兼容处理。'],
  ),
  accept: entry(
    'RFC 9110 §12.5.1',
    [
      'Accept',
      'The media types the client prefers, with optional q-weights. The server may pick a representation accordingly.',
    ],
    ['Accept', '客户端偏好的媒体类型，可带 q 权重。服务器可据此选择返回哪种表示。'],
  ),
  'accept-encoding': entry(
    'RFC 9110 §12.5.3',
    ['Accept-Encoding', 'Compressions the client can decode (gzip, deflate, br…).'],
    ['Accept-Encoding', '客户端能够解码的压缩方式（gzip、deflate、br……）。'],
  ),
  'accept-language': entry(
    'RFC 9110 §12.5.4',
    [
      'Accept-Language',
      'Natural languages the user prefers, most wanted first, e.g. "zh-CN,zh;q=0.9,en;q=0.8": a q-weight from 0 to 1 ranks each language tag (1 when absent). Browsers send it from their language settings; a server may pick a translation accordingly. curl does not send it.',
    ],
    [
      'Accept-Language',
      '用户偏好的自然语言，最想要的在前，例如 "zh-CN,zh;q=0.9,en;q=0.8"：每个语言标签的 q 权重在 0 到 1 之间（省略时为 1），用来排序。浏览器根据其语言设置发送；服务器可以据此选择译文。curl 不发送它。',
    ],
  ),
  cookie: entry(
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
  'set-cookie': entry(
    'RFC 6265 §4.1',
    [
      'Set-Cookie',
      'Asks the client to store a cookie. It is the one field that may appear several times and must not be combined into one line.',
    ],
    ['Set-Cookie', '要求客户端保存一个 cookie。它是唯一可以出现多次、且不能合并成一行的字段。'],
  ),
  referer: entry(
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
  origin: entry(
    'RFC 6454 §7',
    [
      'Origin',
      'Scheme, host and port of the page that started a cross-origin or POST request, used for CORS and CSRF checks.',
    ],
    ['Origin', '发起跨源请求或 POST 请求的页面的协议、主机和端口，用于 CORS 和 CSRF 检查。'],
  ),
  upgrade: entry(
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
  expect: entry(
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
  te: entry(
    'RFC 9110 §10.1.4',
    [
      'TE',
      'Transfer codings the client accepts in the response besides chunked; "trailers" says it can handle trailer fields (Firefox sends "TE: trailers"). TE is hop-by-hop: a sender must also list it in Connection, and a proxy does not forward it.',
    ],
    [
      'TE',
      '除 chunked 之外，客户端在响应中还能接受的传输编码；"trailers" 表示它能处理尾部字段（Firefox 发送 "TE: trailers"）。TE 是逐跳字段：发送方还必须把它列在 Connection 中，代理不会转发它。',
    ],
  ),
  trailer: entry(
    'RFC 9110 §6.6.2',
    ['Trailer', 'Announces which fields will come as trailers after a chunked body.'],
    ['Trailer', '预先声明哪些字段会作为尾部字段出现在分块消息体之后。'],
  ),
  'cache-control': entry(
    'RFC 9111 §5.2',
    [
      'Cache-Control',
      'Caching directives: no-store, no-cache, max-age=… decide whether and how long a copy may be reused.',
    ],
    ['Cache-Control', '缓存指令：no-store、no-cache、max-age=… 决定副本能否复用以及可以复用多久。'],
  ),
  authorization: entry(
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
  location: entry(
    'RFC 9110 §10.2.2',
    [
      'Location',
      'Where to go next: the redirect target for 3xx, or the new resource for 201 Created.',
    ],
    ['Location', '下一步去哪里：3xx 的重定向目标，或 201 Created 所创建的新资源。'],
  ),
  server: entry(
    'RFC 9110 §10.2.4',
    ['Server', 'Names the server software. Optional; some servers omit it to reveal less.'],
    ['Server', '说明服务器软件。可选；有些服务器省略它以减少暴露的信息。'],
  ),
  date: entry(
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
  etag: entry(
    'RFC 9110 §8.8.3',
    [
      'ETag',
      'An opaque version tag of the representation; the client returns it in If-None-Match to revalidate.',
    ],
    ['ETag', '表示的不透明版本标签；客户端在 If-None-Match 中把它发回以重新验证缓存。'],
  ),
  'last-modified': entry(
    'RFC 9110 §8.8.2',
    ['Last-Modified', 'When the representation last changed; used with If-Modified-Since.'],
    ['Last-Modified', '表示最后一次修改的时间；与 If-Modified-Since 配合使用。'],
  ),
  'if-none-match': entry(
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
  'if-modified-since': entry(
    'RFC 9110 §13.1.3',
    [
      'If-Modified-Since',
      'Send the resource only if it changed after this date; otherwise 304 Not Modified.',
    ],
    ['If-Modified-Since', '只有资源在此日期之后有改动才发送；否则回应 304 Not Modified。'],
  ),
  range: entry(
    'RFC 9110 §14.2',
    [
      'Range',
      'Asks for part of the representation (e.g. "bytes=0-1023"); the answer is 206 Partial Content.',
    ],
    ['Range', '请求表示的一部分（例如 "bytes=0-1023"）；响应为 206 Partial Content。'],
  ),
};
