// The request fields that Chromium, Firefox and curl send of their own accord and that are not
// defined by the HTTP RFCs themselves (client hints, fetch metadata, priority, privacy
// signals): one explanation each, keyed by the lower-case field name like `namedFields`.
import { entry, type Explanation } from './catalogue';

export const browserFields: Record<string, Explanation> = {
  'sec-ch-ua': entry(
    'RFC 8942; User-Agent Client Hints §3.1',
    [
      'Sec-CH-UA (client hint: browser brands)',
      'Chromium-based browsers send it with every request: the browser\'s brands and major versions, e.g. "Chromium";v="130", "Not?A_Brand";v="99". It is a low-entropy client hint meant to replace parsing User-Agent; the made-up "Not A Brand" entry keeps servers from matching the list too exactly. Firefox and curl do not send it.',
    ],
    [
      'Sec-CH-UA（客户端提示：浏览器品牌）',
      '基于 Chromium 的浏览器在每个请求中都会发送它：浏览器的品牌和主版本号，例如 "Chromium";v="130", "Not?A_Brand";v="99"。它是低熵的客户端提示，用来代替解析 User-Agent；其中虚构的 "Not A Brand" 项是为了防止服务器过于精确地匹配这个列表。Firefox 和 curl 不发送它。',
    ],
  ),
  'sec-ch-ua-mobile': entry(
    'RFC 8942; User-Agent Client Hints §3.9',
    [
      'Sec-CH-UA-Mobile (client hint: mobile device)',
      '"?0" or "?1" (a structured-field boolean): whether the browser wants a mobile experience. Sent by Chromium-based browsers by default.',
    ],
    [
      'Sec-CH-UA-Mobile（客户端提示：移动设备）',
      '"?0" 或 "?1"（结构化字段中的布尔值）：浏览器是否希望得到移动端页面。基于 Chromium 的浏览器默认发送。',
    ],
  ),
  'sec-ch-ua-platform': entry(
    'RFC 8942; User-Agent Client Hints §3.10',
    [
      'Sec-CH-UA-Platform (client hint: operating system)',
      'The platform the browser runs on, as a quoted string: "Linux", "Windows", "macOS", "Android"… Sent by Chromium-based browsers by default; more detailed hints (versions, model) come only if the server asks for them with Accept-CH.',
    ],
    [
      'Sec-CH-UA-Platform（客户端提示：操作系统）',
      '浏览器运行的平台，以带引号的字符串表示："Linux"、"Windows"、"macOS"、"Android"……基于 Chromium 的浏览器默认发送；更详细的提示（版本、型号）只有在服务器用 Accept-CH 请求时才会发送。',
    ],
  ),
  'sec-fetch-site': entry(
    'Fetch Metadata Request Headers §2.4',
    [
      'Sec-Fetch-Site',
      'How the page that made the request relates to the target: "none" (typed in the address bar, a bookmark), "same-origin", "same-site" or "cross-site". Here the page asks for its own image, so that request says "same-origin". A server can refuse cross-site requests it does not expect. Chromium and Firefox send it; curl does not.',
    ],
    [
      'Sec-Fetch-Site',
      '发起请求的页面与目标之间的关系："none"（在地址栏输入、书签）、"same-origin"、"same-site" 或 "cross-site"。这里页面请求的是自己的图片，所以那个请求写的是 "same-origin"。服务器可以拒绝它不希望出现的跨站请求。Chromium 和 Firefox 会发送它，curl 不会。',
    ],
  ),
  'sec-fetch-mode': entry(
    'Fetch Metadata Request Headers §2.3',
    [
      'Sec-Fetch-Mode',
      'The request\'s mode in the Fetch standard: "navigate" for loading a page, "no-cors" for an <img> or <script> from the page, "cors" for fetch() across origins, "same-origin", "websocket".',
    ],
    [
      'Sec-Fetch-Mode',
      'Fetch 标准中请求的模式：加载页面时为 "navigate"，页面中的 <img> 或 <script> 为 "no-cors"，跨源的 fetch() 为 "cors"，此外还有 "same-origin"、"websocket"。',
    ],
  ),
  'sec-fetch-user': entry(
    'Fetch Metadata Request Headers §2.5',
    [
      'Sec-Fetch-User',
      '"?1" when a navigation was started by the user (a click, typing an address), not by a script. Sent only on navigations, so the request for /test.jpg does not have it.',
    ],
    [
      'Sec-Fetch-User',
      '当导航由用户发起（点击、输入地址）而不是由脚本发起时为 "?1"。它只出现在导航请求中，所以请求 /test.jpg 时没有它。',
    ],
  ),
  'sec-fetch-dest': entry(
    'Fetch Metadata Request Headers §2.1',
    [
      'Sec-Fetch-Dest',
      'What the response will be used for: "document" for the page, "image" for <img src="test.jpg">, "script", "style", "font", "empty" for fetch()… A server can refuse, say, an image URL loaded as a document.',
    ],
    [
      'Sec-Fetch-Dest',
      '响应将被用来做什么：页面为 "document"，<img src="test.jpg"> 为 "image"，此外还有 "script"、"style"、"font"，fetch() 为 "empty"……服务器可以据此拒绝例如被当作文档打开的图片 URL。',
    ],
  ),
  'sec-fetch-storage-access': entry(
    'Storage Access Headers (WICG)',
    [
      'Sec-Fetch-Storage-Access',
      'Sent by recent Chromium on cross-site requests: whether the embedded site may use its unpartitioned cookies ("none", "inactive", "active").',
    ],
    [
      'Sec-Fetch-Storage-Access',
      '较新的 Chromium 在跨站请求中发送：被嵌入的站点能否使用其未分区的 Cookie（"none"、"inactive"、"active"）。',
    ],
  ),
  priority: entry(
    'RFC 9218 §5',
    [
      'Priority',
      'How urgent the response is to the client, as a structured field: "u=0" (most urgent) to "u=7", and "i" when the response can be used incrementally, as it arrives (HTML can, so Chromium and Firefox send "u=0, i" for a page). A server or proxy may use it to order its answers; over HTTP/1.1 it changes little.',
    ],
    [
      'Priority',
      '客户端认为该响应有多紧急，用结构化字段表示："u=0"（最紧急）到 "u=7"，以及 "i"，表示响应可以边到达边使用（HTML 可以，所以 Chromium 和 Firefox 请求页面时发送 "u=0, i"）。服务器或代理可以据此安排回应的顺序；在 HTTP/1.1 上作用不大。',
    ],
  ),
  'upgrade-insecure-requests': entry(
    'Upgrade Insecure Requests §3.2',
    [
      'Upgrade-Insecure-Requests',
      '"1" on page loads: the browser prefers HTTPS and would follow a redirect to it. A server that can serve the page over https:// may answer with a redirect there; this one only speaks http://, so it ignores the field.',
    ],
    [
      'Upgrade-Insecure-Requests',
      '加载页面时为 "1"：浏览器更希望使用 HTTPS，并会跟随重定向过去。能通过 https:// 提供页面的服务器可以回应一个重定向；这个服务器只支持 http://，所以忽略这个字段。',
    ],
  ),
  dnt: entry(
    'Tracking Preference Expression (DNT) §5.2',
    [
      'DNT (Do Not Track)',
      '"1" asks not to be tracked. Sent only when the user turns it on (Firefox has a setting for it); the standard was abandoned and servers are not bound by it, so Sec-GPC is its successor.',
    ],
    [
      'DNT（请勿跟踪）',
      '"1" 表示请求不要跟踪用户。只有用户打开相应设置时才会发送（Firefox 有这个设置）；该标准已被放弃，服务器不受其约束，Sec-GPC 是它的后继者。',
    ],
  ),
  'sec-gpc': entry(
    'Global Privacy Control §3',
    [
      'Sec-GPC (Global Privacy Control)',
      '"1" says the user does not want their data sold or shared. Firefox sends it in private windows or when the setting is on; some laws give it legal weight.',
    ],
    [
      'Sec-GPC（全球隐私控制）',
      '"1" 表示用户不希望自己的数据被出售或共享。Firefox 在隐私窗口中或打开相应设置时发送；有些法律赋予它法律效力。',
    ],
  ),
  pragma: entry(
    'RFC 9111 §5.4',
    [
      'Pragma',
      'An HTTP/1.0 field; "no-cache" is the only value in use. Browsers send it with Cache-Control: no-cache on a forced reload (Ctrl-Shift-R), so that old HTTP/1.0 caches fetch a fresh copy too. It is deprecated.',
    ],
    [
      'Pragma',
      'HTTP/1.0 时代的字段；实际使用的只有 "no-cache"。浏览器在强制刷新（Ctrl-Shift-R）时把它和 Cache-Control: no-cache 一起发送，让旧的 HTTP/1.0 缓存也去取新内容。它已被弃用。',
    ],
  ),
  'sec-purpose': entry(
    'Fetch §3.1 (Sec-Purpose)',
    [
      'Sec-Purpose',
      '"prefetch" (or "prefetch;prerender") when the browser loads a page before the user asks for it, guessing they will. A server may refuse or deprioritise such requests; the page may never be shown.',
    ],
    [
      'Sec-Purpose',
      '当浏览器猜测用户会访问某个页面而提前加载它时为 "prefetch"（或 "prefetch;prerender"）。服务器可以拒绝或降低这类请求的优先级；这个页面可能永远不会被显示。',
    ],
  ),
  purpose: entry(
    'Fetch §3.1 (Sec-Purpose)',
    [
      'Purpose',
      'The older, non-standard form of Sec-Purpose: "prefetch" for a page loaded ahead of time.',
    ],
    ['Purpose', 'Sec-Purpose 较早的非标准形式：提前加载的页面为 "prefetch"。'],
  ),
};
