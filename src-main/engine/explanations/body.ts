// The body: as one run of bytes, or chunked (sizes, extensions, data, the last chunk), and the
// tunnel after an accepted Upgrade or CONNECT.
import { entry, type Explanation } from './catalogue';

export const body: Record<string, Explanation> = {
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
  'crlf.chunk-size': entry(
    'RFC 9112 §7.1',
    [
      'CRLF ending the chunk-size line',
      'Ends the line that announces the chunk size; exactly that many bytes of chunk data follow.',
    ],
    ['块大小行结尾的 CRLF', '结束声明块大小的那一行；后面紧跟的正好是该数量字节的块数据。'],
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
};
