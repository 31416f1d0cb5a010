// Departures from the RFCs that a browser reads past (browser-reading.ts): for each, what the RFC
// says (naming its section) and what browsers do about it, in each locale.
import type { Locale } from './catalogue';

export interface DeviationText {
  title: string;
  /** What the RFC asks for, naming its section. */
  rfcSays: string;
  /** What browsers (Chromium, Firefox) do with it. */
  browsersDo: string;
}

export type DeviationTexts = Record<Locale, DeviationText>;

type Texts = [title: string, rfcSays: string, browsersDo: string];

function deviation(en: Texts, zh: Texts): DeviationTexts {
  const text = ([title, rfcSays, browsersDo]: Texts): DeviationText => ({
    title,
    rfcSays,
    browsersDo,
  });
  return { en: text(en), 'zh-CN': text(zh) };
}

// Keyed by the codes of DEVIATION_RFC (browser-reading.ts); explanations.ts checks that every
// code has one and adds its section.
export const deviationTexts = {
  LEADING_EMPTY_LINE: deviation(
    [
      'Empty line before the status line',
      'RFC 9112 §2.2: a message starts with its start line. Only a server reading requests is asked to ignore empty lines before it, for robustness; a response should begin with "HTTP/".',
      'Browsers look for "HTTP" within the first bytes and skip what comes before (Chromium: at most 4 bytes, so one or two empty lines). More than that and Chromium takes the response for HTTP/0.9, which it refuses on any port but 80.',
    ],
    [
      '状态行之前的空行',
      'RFC 9112 §2.2：报文以起始行开头。只有读取请求的服务器才被要求出于健壮性忽略起始行前的空行；响应应当以 "HTTP/" 开头。',
      '浏览器会在最前面的几个字节里寻找 "HTTP"，并跳过它之前的内容（Chromium 最多跳过 4 个字节，即一两个空行）。超过这个数量，Chromium 就会把响应当作 HTTP/0.9，而它在 80 以外的端口上拒绝 HTTP/0.9。',
    ],
  ),
  JUNK_BEFORE_STATUS_LINE: deviation(
    [
      'Bytes before the status line',
      'RFC 9112 §2.1: a response is a status line, header fields, an empty line and the body; nothing may come before the status line.',
      'Chromium skips up to 4 bytes of anything before "HTTP" (a leftover from broken servers); Firefox skips more. Further away, the response is not recognised as HTTP/1.x.',
    ],
    [
      '状态行之前的多余字节',
      'RFC 9112 §2.1：响应由状态行、头字段、空行和消息体组成，状态行之前不能有任何内容。',
      'Chromium 会跳过 "HTTP" 之前最多 4 个任意字节（为兼容有缺陷的服务器而保留）；Firefox 跳过得更多。再远一些，响应就不会被识别为 HTTP/1.x。',
    ],
  ),
  MALFORMED_VERSION: deviation(
    [
      'Malformed HTTP version',
      'RFC 9112 §2.3: HTTP-version is exactly "HTTP/" DIGIT "." DIGIT, case-sensitive. "HTTP/1.x" or "http/1.1" is not a version, so a strict parser rejects the whole response.',
      'Browsers accept any case and read a version they cannot parse as HTTP/1.0 (Chromium: "HTTP/" then a digit, and a digit after the first dot; anything else is 1.0). HTTP/1.0 means no keep-alive: the connection is not reused.',
    ],
    [
      '格式错误的 HTTP 版本',
      'RFC 9112 §2.3：HTTP 版本必须正好是 "HTTP/"、一位数字、"."、一位数字，区分大小写。"HTTP/1.x" 或 "http/1.1" 都不是版本，严格的解析器会拒绝整个响应。',
      '浏览器不区分大小写，无法解析的版本一律按 HTTP/1.0 处理（Chromium：先是 "HTTP/" 和一位数字，第一个点之后还要有一位数字，否则就是 1.0）。HTTP/1.0 意味着没有长连接：这条连接不会被复用。',
    ],
  ),
  UNSUPPORTED_VERSION: deviation(
    [
      'HTTP version other than 1.x',
      'RFC 9110 §2.5: the major version says which message syntax is used; on an HTTP/1 connection only HTTP/1.x messages make sense.',
      'Chromium reads any version above 1.1 as HTTP/1.1 and any other as HTTP/1.0, and goes on parsing the response as HTTP/1.x.',
    ],
    [
      '非 1.x 的 HTTP 版本',
      'RFC 9110 §2.5：主版本号表明所用的报文语法；在 HTTP/1 连接上只有 HTTP/1.x 报文才有意义。',
      'Chromium 把高于 1.1 的版本当作 HTTP/1.1，其余当作 HTTP/1.0，然后继续按 HTTP/1.x 解析响应。',
    ],
  ),
  BARE_LF: deviation(
    [
      'Line ended by LF alone',
      'RFC 9112 §2.2: lines end with CRLF, and a sender MUST send CRLF; a recipient MAY recognise a single LF as a line terminator. A server writing "\\n" instead of "\\r\\n" departs from it.',
      'Every browser accepts a bare LF in the status line, the header fields, the empty line and chunk lines, so the page works. Strict parsers (and some proxies) reject it, which is why two parsers can disagree about where a message ends.',
    ],
    [
      '只用 LF 结束的行',
      'RFC 9112 §2.2：行以 CRLF 结束，发送方必须（MUST）发送 CRLF；接收方可以（MAY）把单独的 LF 当作行结束符。用 "\\n" 代替 "\\r\\n" 的服务器违反了这一点。',
      '所有浏览器都接受状态行、头字段、空行和分块行中的单独 LF，所以页面照样能显示。严格的解析器（以及某些代理）会拒绝它，这也是两个解析器可能对报文在哪里结束产生分歧的原因。',
    ],
  ),
  INVALID_FIELD_LINE: deviation(
    [
      'Line in the head that is not a field',
      'RFC 9112 §5: each line of the head after the status line is a field line, name ":" value, until the empty line. A line without a valid name and colon makes the head invalid.',
      'Browsers ignore such a line and keep reading the head. When the empty line is missing, the body is read as more such lines: the browser waits for an empty line that never comes, and shows nothing.',
    ],
    [
      '报文头中不是字段的行',
      'RFC 9112 §5：状态行之后、空行之前的每一行都是字段行，格式为 name ":" value。没有合法名称和冒号的行会使报文头无效。',
      '浏览器会忽略这样的行，继续读取报文头。如果缺少空行，消息体就会被当成更多这样的行：浏览器一直等待永远不会到来的空行，什么也不显示。',
    ],
  ),
  OBS_FOLD: deviation(
    [
      'Field value folded onto the next line',
      'RFC 9112 §5.2: a field value must not be continued on a new line that starts with whitespace (obsolete line folding); a server rejects it in a request, and a user agent receiving it in a response MUST replace each fold with one or more spaces.',
      'Browsers join the lines with spaces and read one value, as the RFC asks of them.',
    ],
    [
      '折行的字段值',
      'RFC 9112 §5.2：字段值不得在以空白开头的新行上继续（已废弃的折行写法）；服务器在请求中收到时会拒绝，用户代理在响应中收到时必须（MUST）把每处折行替换为一个或多个空格。',
      '浏览器用空格把这些行连起来，读成一个值，正如 RFC 对它们的要求。',
    ],
  ),
  HEAD_NOT_TERMINATED: deviation(
    [
      'Head cut off by the close',
      'RFC 9112 §8: a response whose connection closes before the empty line is incomplete; the client cannot assume the fields it has convey the whole meaning of the response.',
      'Over plain HTTP Chromium takes the fields it has and an empty body (over HTTPS it fails with ERR_RESPONSE_HEADERS_TRUNCATED): the page is blank. Until the close, the browser just waits.',
    ],
    [
      '报文头被连接关闭截断',
      'RFC 9112 §8：连接在空行之前关闭的响应是不完整的；客户端不能认为已收到的字段表达了响应的全部含义。',
      '在明文 HTTP 上，Chromium 会使用已收到的字段并把消息体当作空（在 HTTPS 上则以 ERR_RESPONSE_HEADERS_TRUNCATED 失败）：页面是空白的。在连接关闭之前，浏览器只是一直等待。',
    ],
  ),
  CLOSE_DELIMITED: deviation(
    [
      'Body ended by closing the connection',
      'RFC 9110 §8.6: an origin server SHOULD send Content-Length when it knows the size, so the recipient can tell a complete body from a cut one and reuse the connection. Without it (and without chunked), RFC 9112 §6.3 makes the body everything until the close.',
      'Browsers read until the connection closes and show the page then; they cannot tell a cut-off body from a whole one, and they open a new connection for the next request.',
    ],
    [
      '以关闭连接结束的消息体',
      'RFC 9110 §8.6：源服务器在知道大小时应当（SHOULD）发送 Content-Length，这样接收方才能区分完整的消息体和被截断的消息体，并复用连接。没有它（也没有 chunked）时，按 RFC 9112 §6.3，消息体就是连接关闭之前的全部内容。',
      '浏览器一直读到连接关闭再显示页面；它无法区分被截断的消息体和完整的消息体，下一个请求会打开新的连接。',
    ],
  ),
  CONTENT_LENGTH_TOO_LARGE: deviation(
    [
      'Content-Length larger than the body',
      'RFC 9112 §6.3: Content-Length is the exact body length; if the connection closes before that many bytes arrive, the recipient MUST consider the message incomplete.',
      'While the connection stays open the browser waits for the missing bytes (a spinner, then a time-out). When it closes, Chromium keeps what arrived (a cut-off page or a half-drawn image) and reports ERR_CONTENT_LENGTH_MISMATCH.',
    ],
    [
      'Content-Length 大于消息体',
      'RFC 9112 §6.3：Content-Length 是消息体的确切长度；如果在收到这么多字节之前连接就关闭了，接收方必须（MUST）认为报文不完整。',
      '连接保持打开时，浏览器会等待缺少的字节（一直转圈，然后超时）。连接关闭后，Chromium 保留已到达的部分（被截断的页面或只画了一半的图片），并报告 ERR_CONTENT_LENGTH_MISMATCH。',
    ],
  ),
  BODY_TRUNCATED: deviation(
    [
      'Chunked body cut off',
      'RFC 9112 §8: a chunked body is complete only with its last chunk (size 0) and the empty line after the trailers; a close before that leaves the message incomplete.',
      'Chromium keeps what arrived and reports ERR_INCOMPLETE_CHUNKED_ENCODING; the page or image is cut off.',
    ],
    [
      '分块消息体被截断',
      'RFC 9112 §8：分块消息体只有在最后一个块（大小为 0）和尾部字段之后的空行都到达后才完整；在此之前关闭连接，报文就不完整。',
      'Chromium 保留已到达的部分并报告 ERR_INCOMPLETE_CHUNKED_ENCODING；页面或图片被截断。',
    ],
  ),
  DATA_AFTER_MESSAGE: deviation(
    [
      'Bytes after the end of the response',
      'RFC 9112 §6.3: the framing (Content-Length, chunked, or a status without content) says where the response ends; bytes after it would be the next response, and no request is waiting for one.',
      'Browsers stop at the framing and drop the rest: with a Content-Length too small the page is cut at that length. Chromium does not reuse a connection that sent unexpected bytes.',
    ],
    [
      '响应结束之后的多余字节',
      'RFC 9112 §6.3：报文的分帧方式（Content-Length、chunked，或不带内容的状态码）决定了响应在哪里结束；之后的字节会被当作下一条响应，而并没有请求在等待它。',
      '浏览器按分帧方式停止读取并丢弃其余字节：Content-Length 过小时，页面就在这个长度处被截断。Chromium 不会复用发送了意外字节的连接。',
    ],
  ),
  NO_CONTENT_TYPE: deviation(
    [
      'Body without Content-Type',
      'RFC 9110 §8.3: a sender that generates content SHOULD send Content-Type; without it the recipient may assume application/octet-stream or examine the data to guess.',
      'Browsers sniff the first bytes (MIME Sniffing Standard): HTML tags make a page, image signatures an image in <img>; plain text may be shown as text, and anything unrecognised is offered as a download.',
    ],
    [
      '没有 Content-Type 的消息体',
      'RFC 9110 §8.3：生成内容的发送方应当（SHOULD）发送 Content-Type；没有它时，接收方可以假定为 application/octet-stream，或检查数据来猜测类型。',
      '浏览器会嗅探最前面的字节（MIME 嗅探标准）：有 HTML 标签就当作网页，有图片签名就在 <img> 中作为图片；纯文本可能按文本显示，无法识别的内容则作为下载提供。',
    ],
  ),
  CONTENT_TYPE_MISMATCH: deviation(
    [
      'Content-Type does not match the body',
      'RFC 9110 §8.3: Content-Type names the media type of the content; here the body is an image (by its first bytes) but the type says otherwise.',
      'In an <img> element browsers decode images by their signature whatever the type says (same-origin), so the image shows; opened directly, the body is handled as the type says, e.g. shown as garbled text.',
    ],
    [
      'Content-Type 与消息体不符',
      'RFC 9110 §8.3：Content-Type 说明内容的媒体类型；这里的消息体（从开头字节看）是图片，类型却不是图片。',
      '在 <img> 元素中，浏览器按签名解码图片而不管类型怎么说（同源时），所以图片能显示；直接打开时，则按类型处理消息体，例如显示成乱码文本。',
    ],
  ),
} satisfies Record<string, DeviationTexts>;
