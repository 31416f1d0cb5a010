// The start line: method, request target, version, status code, reason phrase, and the
// separators between them.
import { entry, type Explanation } from './catalogue';

export const startLine: Record<string, Explanation> = {
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
};
