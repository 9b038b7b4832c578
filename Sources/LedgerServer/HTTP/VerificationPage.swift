/// The verification page's HTML and style sheet, kept in the binary as string literals like the OpenAPI
/// document: the daemon is one file to install, and the page cannot go missing or drift from the build. The
/// scripts are in `VerificationPage+Check.swift` (the cryptographic checks), `+Text.swift` (Chinese and English)
/// and `+App.swift` (the page's flow). No framework and no build step: plain HTML, CSS and JavaScript.
///
/// Chinese first (`lang="zh-CN"`), English on a toggle; every control has a label, the result is announced to
/// screen readers (`aria-live`), colours are never the only signal (each verdict has a word and a symbol), and
/// the layout is one column on a phone, where table rows stack into lines labelled with their column. Times show
/// the browser's local time beside UTC. A development ledger carries a banner saying so.
enum VerificationPage {
    /// What a page pins: the keys it trusts and where it asks.
    struct Pins: Sendable {
        /// The ledger's checkpoint verifier key, `name+hexid+base64(0x01 ‖ key)`.
        var verifierKey: String
        /// The witness policy's text (`WitnessPolicy.text`), or nil: then a checkpoint needs the ledger's signature
        /// only.
        var policy: String?
        /// Cosignatures older than this (the quorum's newest, as `--max-age` judges them) turn the check amber.
        var maxAgeSeconds: UInt64 = 600
        /// The ledger's base URL for a page served elsewhere (`certledger page`); empty: the page's own origin.
        var server: String = ""
    }

    /// The page the daemon serves, pinning `pins` in `<meta>` elements (HTML-escaped), its style sheet and scripts
    /// under `/page/`. When the key is named after the development origin — the name every checkpoint the page
    /// checks must carry — the development banner is shown, in the HTML itself so that it shows without script and
    /// on the printed receipt.
    static func html(_ pins: Pins) -> String {
        render(pins, head: """
            <link rel="stylesheet" href="/page/style.css">
            <script src="/page/check.js" defer></script>
            <script src="/page/text.js" defer></script>
            <script src="/page/app.js" defer></script>
            """, scripts: "")
    }

    /// The page pinning `verifierKey` alone, as the daemon serves it without witnesses.
    static func html(verifierKey: String) -> String {
        html(Pins(verifierKey: verifierKey))
    }

    /// The template with its `{{NAME}}` slots filled in one pass (a value is never scanned for further slots).
    static func render(_ pins: Pins, head: String, scripts: String) -> String {
        let values = [
            "VERIFIER_KEY": escape(pins.verifierKey), "WITNESS_POLICY": escape(pins.policy ?? ""),
            "MAX_AGE": String(pins.maxAgeSeconds), "SERVER": escape(pins.server),
            "DEVELOPMENT": isDevelopment(verifierKey: pins.verifierKey) ? "" : " hidden",
            "HEAD": head, "SCRIPTS": scripts,
        ]
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out += rest[..<open.lowerBound]
            let name = String(rest[open.upperBound..<close.lowerBound])
            out += values[name] ?? "{{\(name)}}"
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// Whether `verifierKey` (`name+hexid+base64`) is a development ledger's: its name is the development origin.
    static func isDevelopment(verifierKey: String) -> Bool {
        verifierKey.split(separator: "+", maxSplits: 1).first.map(String.init) == DevelopmentLedger.origin
    }

    /// A script as the browser gets it: its `///` comment lines, written for readers of this source, left out.
    static func withoutDocComments(_ script: String) -> String {
        script.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.drop(while: { $0 == " " }).hasPrefix("///") }
            .joined(separator: "\n")
    }

    /// Escapes text for an HTML attribute value; a line break is kept as a character reference.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n": out += "&#10;"
            default: out.append(character)
            }
        }
        return out
    }

    static let template = #"""
        <!doctype html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="certledger-verifier-key" content="{{VERIFIER_KEY}}">
        <meta name="certledger-witness-policy" content="{{WITNESS_POLICY}}">
        <meta name="certledger-max-age" content="{{MAX_AGE}}">
        <meta name="certledger-server" content="{{SERVER}}">
        <title>电子营业执照与电子印章核验 · CertLedger</title>
        <link rel="icon" href="data:,">
        {{HEAD}}
        </head>
        <body>
        <a class="skip" href="#ask" data-t="skip">跳到核验表单</a>
        <header class="bar">
          <h1 data-t="title">电子营业执照与电子印章核验</h1>
          <button id="lang" type="button" lang="en">English</button>
        </header>
        <div id="trust-warning" class="alarm" role="alert" hidden></div>
        <main>
        <p id="dev-banner" class="banner dev" role="note" data-t="devBanner"{{DEVELOPMENT}}>
        开发账本，仅供试用：其中的记录和密钥都是示例，核验结论与任何真实的营业执照或印章无关。</p>
        <p id="env-error" class="banner bad" role="alert" hidden></p>
        <form id="ask" novalidate>
          <h2 data-t="askTitle">核验什么？</h2>
          <div class="field">
            <label for="uscc" data-t="usccLabel">统一社会信用代码</label>
            <input id="uscc" name="uscc" autocomplete="off" autocapitalize="characters" spellcheck="false"
                   maxlength="18" aria-describedby="uscc-hint">
            <p id="uscc-hint" class="hint" data-t="usccHint">18 位代码，例如 91350100MA2YDE7W7J</p>
          </div>
          <div class="field">
            <label for="seal" data-t="sealLabel">电子印章编码（可选）</label>
            <input id="seal" name="seal" autocomplete="off" spellcheck="false" maxlength="32"
                   aria-describedby="seal-hint">
            <p id="seal-hint" class="hint" data-t="sealHint">填写后核验该印章；同时填写信用代码时核对印章持有人。</p>
          </div>
          <div class="field">
            <label for="file" data-t="fileLabel">营业执照文件（OFD/PDF，可选）</label>
            <div id="drop" class="drop">
              <input id="file" name="file" type="file" aria-describedby="file-hint digest">
              <p id="file-hint" class="hint" data-t="fileHint">可将文件拖放到此处。文件只在本机浏览器中计算 SHA-256 摘要，不会上传。</p>
              <p id="digest" class="digest" aria-live="polite"></p>
            </div>
          </div>
          <div class="buttons">
            <button id="go" type="submit" class="primary" data-t="verify">核验</button>
            <button id="clear" type="button" data-t="clear">清除</button>
          </div>
          <p id="form-error" class="error" role="alert"></p>
        </form>
        <section id="result" hidden aria-labelledby="verdict-word">
          <div id="verdict" class="verdict" tabindex="-1">
            <span id="verdict-icon" class="icon" aria-hidden="true"></span>
            <div><p id="verdict-word" class="word"></p><p id="verdict-sub" class="sub"></p></div>
          </div>
          <p id="browser-check" class="banner" role="status"></p>
          <dl id="facts" class="facts"></dl>
          <details id="reason-box"><summary data-t="reasonOriginal">账本原文（英文）</summary>
          <p id="reason-en" lang="en"></p></details>
          <section id="history-box" hidden>
            <h3 data-t="historyTitle">执照历史</h3>
            <p class="hint" data-t="historyNote">自状态映射值指明的条目起沿 subjectPrev 逐条回溯，每一条都已在浏览器中证明属于此执照。</p>
            <div class="scroll"><table id="history"><thead><tr><th data-t="colDate">日期</th><th data-t="colEvent">事项</th>
            <th data-t="colDetail">说明</th><th data-t="colIndex">条目</th></tr></thead><tbody></tbody></table></div>
          </section>
          <section id="seals-box" hidden>
            <h3 data-t="sealsTitle">电子印章</h3>
            <p id="seals-note" class="hint" data-t="sealsNote">
            印章列表由账本服务器提供，无法证明其完整；列出的每枚印章都已由其状态映射值证明属于该持有人，未能证明的标为“核验失败”。</p>
            <div class="scroll"><table id="seals"><thead><tr><th data-t="colSeal">印章编码</th><th data-t="colType">类型</th>
            <th data-t="colValid">有效期</th><th data-t="colState">状态</th></tr></thead><tbody></tbody></table></div>
          </section>
          <section id="links-box" hidden>
            <h3 data-t="linksTitle">数据共享记录</h3>
            <p id="links-note" class="hint" data-t="linksNote">共享记录列表由账本服务器提供，无法证明其完整；列出的每条记录都已证明在账本中且与该持有人有关。</p>
            <div class="scroll"><table id="links"><thead><tr><th data-t="colDate">日期</th><th data-t="colKind">共享类别</th>
            </tr></thead><tbody></tbody></table></div>
          </section>
          <details id="checks-box">
            <summary data-t="checksTitle">浏览器核验明细</summary>
            <ol id="checks"></ol>
          </details>
          <div class="buttons noprint">
            <button id="print" type="button" data-t="print">打印回执</button>
            <a id="permalink" href="#" data-t="permalink">再次核验的链接</a>
          </div>
          <section id="receipt" class="receipt">
            <h3 data-t="receiptTitle">核验回执</h3>
            <dl id="receipt-facts" class="facts"></dl>
            <h4 data-t="checkpointTitle">签名检查点</h4>
            <pre id="receipt-checkpoint"></pre>
            <h4 data-t="proofsTitle">包含证明（C2SP tlog-proof）</h4>
            <pre id="receipt-proofs"></pre>
          </section>
        </section>
        <section id="trust" aria-labelledby="trust-title">
          <h2 id="trust-title" data-t="trustTitle">本页信任的账本公钥</h2>
          <p data-t="trustText">本页内置账本的检查点验证公钥。浏览器用它核对每个签名检查点，并自行计算每个包含证明，不依赖服务器的说法。</p>
          <dl class="facts">
            <dt data-t="keyName">名称</dt><dd id="key-name"></dd>
            <dt data-t="keyId">密钥 ID</dt><dd><code id="key-id"></code></dd>
            <dt data-t="keyText">验证公钥</dt><dd><code id="key-text" class="wrap"></code></dd>
          </dl>
          <div id="policy-box" hidden>
            <h3 data-t="policyTitle">见证策略</h3>
            <p id="policy-text"></p>
            <ul id="policy-witnesses"></ul>
          </div>
        </section>
        </main>
        <footer><p data-t="footer">CertLedger · 防篡改电子证照账本</p></footer>
        {{SCRIPTS}}
        </body>
        </html>

        """#

    static let style = #"""
        :root { --ink: #1b1b1b; --muted: #4a4a4a; --line: #c9c9c9; --bg: #f6f6f3; --card: #fff; --focus: #005fcc;
          --good: #0b6b2f; --bad: #a4000f; --warn: #7a4a00; --unknown: #3d4a5c; font-size: 100%; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.5;
          font-family: "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Micro Hei", system-ui,
          sans-serif; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .5rem; }
        .bar { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .75rem 1rem;
          background: #12324f; color: #fff; }
        .bar h1 { font-size: 1.2rem; margin: 0; }
        main { max-width: 52rem; margin: 0 auto; padding: 1rem; }
        form, #result, #trust { background: var(--card); border: 1px solid var(--line); border-radius: 6px;
          padding: 1rem; margin-bottom: 1rem; }
        h2 { font-size: 1.1rem; margin-top: 0; } h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
        .field { margin-bottom: 1rem; }
        label { display: block; font-weight: 600; margin-bottom: .25rem; }
        input { font: inherit; width: 100%; padding: .55rem .6rem; border: 2px solid #6b6b6b; border-radius: 4px;
          background: #fff; color: var(--ink); }
        input#uscc, input#seal { font-family: ui-monospace, "DejaVu Sans Mono", monospace; letter-spacing: .05em; }
        .hint { color: var(--muted); font-size: .9rem; margin: .25rem 0 0; }
        .drop { border: 2px dashed #6b6b6b; border-radius: 6px; padding: .75rem; }
        .drop.over { border-color: var(--focus); background: #eaf2fd; }
        .digest { font-family: ui-monospace, monospace; font-size: .85rem; word-break: break-all; margin: .25rem 0 0; }
        button, #permalink { font: inherit; padding: .55rem 1.1rem; border-radius: 4px; border: 2px solid #12324f;
          background: #fff; color: #12324f; cursor: pointer; text-decoration: none; display: inline-block; }
        button.primary { background: #12324f; color: #fff; }
        .bar button { border-color: #fff; background: transparent; color: #fff; padding: .35rem .8rem; }
        button:disabled { opacity: .6; cursor: progress; }
        :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
        .buttons { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
        .error { color: var(--bad); font-weight: 600; margin: .5rem 0 0; }
        .error:empty { display: none; }
        .verdict { display: flex; align-items: center; gap: 1rem; padding: 1rem 1.25rem; border-radius: 6px;
          color: #fff; background: var(--unknown); }
        .verdict .icon { font-size: 3rem; line-height: 1; font-weight: 700; }
        .verdict .word { font-size: 2.2rem; font-weight: 800; margin: 0; line-height: 1.2; }
        .verdict .sub { margin: .25rem 0 0; font-size: 1rem; }
        .verdict[data-verdict=authentic] { background: var(--good); }
        .verdict[data-verdict=revoked], .verdict[data-verdict=cancelled], .verdict[data-verdict=mismatch],
        .verdict[data-verdict=failed] { background: var(--bad); }
        .verdict[data-verdict=expired] { background: var(--warn); }
        body.failed { background: #f9dede; }
        body.failed #result { border: 4px solid var(--bad); }
        .banner { padding: .6rem .8rem; border-radius: 4px; font-weight: 600; margin: .75rem 0; border: 2px solid; }
        .banner.good { color: var(--good); background: #e6f4ea; }
        .banner.bad { color: var(--bad); background: #fde8ea; }
        .banner.warn { color: var(--warn); background: #fff3c4; }
        .alarm { background: var(--bad); color: #fff; padding: 1rem 1.25rem; font-weight: 600; width: 100%; }
        .alarm[hidden] { display: none; }
        .alarm p { margin: .5rem 0; } .alarm dl { display: grid; grid-template-columns: max-content 1fr;
          gap: .25rem 1rem; margin: .25rem 0 .75rem; } .alarm dd { margin: 0; }
        .alarm pre, .alarm code { background: #fff; color: var(--ink); display: block; overflow-wrap: anywhere; }
        .alarm button { margin-top: .5rem; }
        .cosigner { display: block; }
        .cosigner .stamp { display: inline-block; vertical-align: top; margin-left: .5rem; }
        #policy-witnesses code { overflow-wrap: anywhere; }
        .banner.dev { color: #5a3d00; background: #fff3c4; border-style: dashed; }
        .banner[hidden] { display: none; }
        .stamp { display: inline-block; } .stamp .local, .stamp .utc { display: block; }
        .stamp .utc { color: var(--muted); font-size: .85em; }
        #reason-box { margin: 0 0 .75rem; } #reason-box p { margin: .25rem 0; color: var(--muted); }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .75rem 0; }
        .facts dt { font-weight: 600; color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: .95rem; }
        th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eceae4; }
        .state-authentic { color: var(--good); font-weight: 700; }
        .state-revoked, .state-mismatch, .state-cancelled, .state-failed { color: var(--bad); font-weight: 700; }
        .state-expired { color: var(--warn); font-weight: 700; }
        #checks { list-style: none; padding-left: .5rem; } #checks li.section { font-weight: 700; margin-top: .6rem; }
        #checks li { margin: .2rem 0; } #checks li.bad { color: var(--bad); }
        code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; }
        .wrap { word-break: break-all; }
        pre { white-space: pre-wrap; word-break: break-all; background: #f1f1ee; padding: .5rem; border-radius: 4px; }
        .receipt { border-top: 2px solid var(--line); margin-top: 1rem; }
        footer { text-align: center; color: var(--muted); font-size: .85rem; padding: 1rem; }
        @media (max-width: 480px) {
          .verdict .word { font-size: 1.7rem; } .verdict .icon { font-size: 2.2rem; }
          .facts { grid-template-columns: 1fr; } .facts dd { margin-bottom: .4rem; }
          main { padding: .5rem; }
        }
        @media (max-width: 600px) {
          thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
          table, tbody, tr, td { display: block; width: 100%; }
          tr { border-bottom: 2px solid var(--line); padding: .25rem 0; }
          td { display: grid; grid-template-columns: 6.5rem minmax(0, 1fr); gap: .5rem; border: 0;
            padding: .2rem .25rem; }
          td::before { content: attr(data-label); font-weight: 600; color: var(--muted); }
        }
        @media print {
          body, body.failed { background: #fff; }
          .bar, form, #trust, .noprint, .alarm button, footer, .skip, #env-error, #reason-box { display: none; }
          #result { border: 0; padding: 0; } details { display: block; } details > summary { list-style: none; }
          .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          pre { background: #fff; border: 1px solid #999; }
        }

        """#
}
