// The learner's page: navigation, terminal tabs over websockets, click-to-run snippets, checks.
"use strict";

(function () {
  const body = document.body;
  const pageCount = Number(body.dataset.pages);
  const token = new URLSearchParams(window.location.search).get("token") || "";
  const statusBox = document.getElementById("status");
  const tabList = document.querySelector(".tabs");
  const tabPanels = document.querySelector(".tab-panels");
  const tabs = new Map();
  let progress = JSON.parse(body.dataset.progress);
  let current = progress.current;

  let sayTimer = null;
  function say(text) {
    statusBox.textContent = "";
    window.clearTimeout(sayTimer);
    window.setTimeout(() => { statusBox.textContent = text; }, 10);
    sayTimer = window.setTimeout(() => { statusBox.textContent = ""; }, 6000);
  }

  async function api(method, path, payload) {
    const options = { method, headers: {}, credentials: "same-origin" };
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    const response = await fetch(path, options);
    const type = response.headers.get("Content-Type") || "";
    const data = type.includes("json") ? await response.json() : { error: await response.text() };
    if (!response.ok) {
      throw new Error(data.error || response.statusText);
    }
    return data;
  }

  // ---- terminals ----------------------------------------------------------------------------
  function socketUrl(n) {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${window.location.host}/ws/${n}?token=${encodeURIComponent(token)}`;
  }

  function makeTab(n, name) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tab";
    button.id = `tab-${n}`;
    button.setAttribute("role", "tab");
    button.setAttribute("aria-controls", `terminal-${n}`);
    button.textContent = name || `Terminal ${n}`;
    button.dataset.terminal = String(n);
    button.addEventListener("click", () => activate(n));
    button.addEventListener("keydown", onTabKey);
    tabList.appendChild(button);
    const panel = document.createElement("div");
    panel.className = "terminal";
    panel.id = `terminal-${n}`;
    panel.dataset.terminal = String(n);
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", button.id);
    tabPanels.appendChild(panel);
    const term = new window.Terminal({
      cursorBlink: true, convertEol: false, fontSize: 14, lineHeight: 1.2, scrollback: 5000, screenReaderMode: true,
      fontFamily: "ui-monospace, 'DejaVu Sans Mono', monospace",
      theme: { background: "#1e1e1e", foreground: "#e8e8e8" },
    });
    const fit = new window.FitAddon.FitAddon();
    term.loadAddon(fit);
    term.open(panel);
    const tab = { n, term, fit, button, panel, socket: null, queue: [], retry: 0, dead: false };
    term.onData((data) => {
      if (tab.dead) {
        tab.dead = false;
        connect(tab);
        return;
      }
      send(tab, ["stdin", data]);
    });
    tabs.set(n, tab);
    connect(tab);
    return tab;
  }

  function connect(tab) {
    const socket = new WebSocket(socketUrl(tab.n));
    tab.socket = socket;
    socket.addEventListener("open", () => {
      tab.retry = 0;
      resize(tab);
      const queued = tab.queue.splice(0);
      queued.forEach((message) => socket.send(message));
    });
    socket.addEventListener("message", (event) => onMessage(tab, JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      if (tab.socket !== socket || tab.dead) {
        return;
      }
      tab.socket = null;
      const delay = Math.min(5000, 250 * 2 ** tab.retry);
      tab.retry += 1;
      window.setTimeout(() => connect(tab), delay);
    });
  }

  function send(tab, message) {
    const text = JSON.stringify(message);
    if (tab.socket && tab.socket.readyState === WebSocket.OPEN) {
      tab.socket.send(text);
    } else {
      tab.queue.push(text);
    }
  }

  function onMessage(tab, message) {
    const [kind, data] = message;
    if (kind === "setup") {
      tab.term.reset();  // the server replays the recent screen right after this
    } else if (kind === "stdout") {
      tab.term.write(data);
    } else if (kind === "disconnect") {
      tab.dead = true;
      tab.term.write("\r\n[the shell has exited: press a key for a new one]\r\n");
    } else if (kind === "snippet") {
      const target = tabs.get(data.terminal) || makeTab(data.terminal);
      activate(target.n, false);
    } else if (kind === "error") {
      say(`Could not run that: ${data}`);
    }
  }

  function resize(tab) {
    if (tab.panel.hidden) {
      return;
    }
    try {
      tab.fit.fit();
    } catch (error) {
      return;
    }
    send(tab, ["set_size", tab.term.rows, tab.term.cols]);
  }

  function activate(n, focus = true) {
    tabs.forEach((tab) => {
      const on = tab.n === n;
      tab.panel.hidden = !on;
      tab.button.setAttribute("aria-selected", on ? "true" : "false");
      tab.button.tabIndex = on ? 0 : -1;
    });
    const tab = tabs.get(n);
    resize(tab);
    if (focus) {
      tab.term.focus();
    }
  }

  function onTabKey(event) {
    const order = Array.from(tabs.keys()).sort((a, b) => a - b);
    const at = order.indexOf(Number(event.currentTarget.dataset.terminal));
    let next = null;
    if (event.key === "ArrowRight") next = order[(at + 1) % order.length];
    if (event.key === "ArrowLeft") next = order[(at - 1 + order.length) % order.length];
    if (next !== null) {
      event.preventDefault();
      activate(next, false);
      tabs.get(next).button.focus();
    }
  }

  // ---- snippets --------------------------------------------------------------------------------
  function snippetText(element) {
    return element.textContent.replace(/\n$/, "");
  }

  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    area.remove();
    return ok;
  }

  async function copyText(text, what) {
    let ok = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        ok = true;
      } catch (error) {
        ok = fallbackCopy(text);
      }
    } else {
      ok = fallbackCopy(text);
    }
    say(ok ? `Copied ${what} to the clipboard` : "Could not copy: select the text and press Ctrl+C");
  }

  function checkQuiz(form) {
    const kind = form.dataset.kind;
    let right;
    if (kind === "exact" || kind === "contains") {
      const input = form.querySelector(".quiz-answer");
      const given = input.value.trim().toLowerCase();
      const answers = Array.from(form.querySelectorAll(".quiz-answer")).map((i) => i.dataset.answer.toLowerCase());
      right = answers.some((answer) => (kind === "exact" ? given === answer : given.includes(answer)));
    } else {
      right = Array.from(form.querySelectorAll("input")).every(
        (input) => input.checked === (input.dataset.correct === "true"));
    }
    let result = form.querySelector(".quiz-result");
    if (!result) {
      result = document.createElement("p");
      result.className = "quiz-result";
      result.setAttribute("role", "status");
      form.appendChild(result);
    }
    result.className = `quiz-result ${right ? "passed" : "failed"}`;
    result.textContent = right ? "Correct." : "Not quite: try again.";
  }

  async function openFile(path) {
    const viewer = document.querySelector(".file-viewer");
    try {
      const data = await api("GET", `/api/file?path=${encodeURIComponent(path)}`);
      viewer.querySelector(".file-name").textContent = data.path;
      viewer.querySelector(".file-body").textContent = data.content;
      viewer.hidden = false;
      viewer.querySelector(".file-body").focus();
    } catch (error) {
      say(`Could not open ${path}: ${error.message}`);
    }
  }

  function runSnippet(element) {
    const page = Number(element.closest(".page").dataset.page);
    const classes = element.classList;
    if (classes.contains("execute") || classes.contains("exec")) {
      send(tabs.get(1), ["snippet", page, Number(element.dataset.snippet)]);
      element.classList.add("clicked");
    } else if (classes.contains("open")) {
      openFile(snippetText(element));
    } else if (classes.contains("copy") || element.dataset.copy !== undefined) {
      copyText(snippetText(element), "the snippet");
    }
  }

  async function editorBlock(pre) {
    const target = pre.dataset.target || "replace";
    const text = pre.textContent;
    if (target === "clipboard") {
      copyText(text, "the block");
      return;
    }
    try {
      const result = await api("POST", "/api/editor", {
        filename: pre.dataset.filename, target, marker: pre.dataset.marker || null, text,
      });
      say(`Wrote ${result.path} in your sandbox`);
    } catch (error) {
      say(`Could not write ${pre.dataset.filename}: ${error.message}`);
    }
  }

  function decorate() {
    document.querySelectorAll(".page code[data-snippet]")
      .forEach((element) => {
        if (element.classList.contains("nocopy")) return;
        element.tabIndex = 0;
        element.setAttribute("role", "button");
        const verb = element.classList.contains("open") ? "Open" :
          (element.classList.contains("execute") || element.classList.contains("exec")) ? "Run" : "Copy";
        element.title = verb === "Run" ? "Click to run in the terminal" : `Click to ${verb.toLowerCase()}`;
        element.classList.add("snippet");
      });
    document.querySelectorAll(".page a.port-link").forEach((link) => {
      link.target = "_blank";
      link.rel = "noopener";
    });
  }

  document.addEventListener("click", (event) => {
    const inPage = event.target.closest(".page");
    if (!inPage) return;
    const editorButton = event.target.closest(".editor-block .editor-button");
    if (editorButton) {
      editorBlock(editorButton.closest(".editor-block").querySelector("pre.file"));
      return;
    }
    const plain = event.target.closest("code.copy-plain");
    if (plain) {
      copyText(plain.textContent, "the code");
      return;
    }
    const copyButton = event.target.closest(".copy-button");
    if (copyButton) {
      const holder = copyButton.closest(".snippet, .code-block, .editor-block") || copyButton.parentElement;
      const code = holder.querySelector("code");
      if (code) copyText(snippetText(code), "the snippet");
      return;
    }
    const element = event.target.closest("code.snippet");
    if (element) runSnippet(element);
  });
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form.quiz");
    if (form) {
      event.preventDefault();
      checkQuiz(form);
    }
  });
  document.addEventListener("keydown", (event) => {
    const element = event.target.closest && event.target.closest(".page code.snippet");
    if (element && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      runSnippet(element);
      return;
    }
    const plain = event.target.closest && event.target.closest(".page code.copy-plain");
    if (plain && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      copyText(plain.textContent, "the code");
    }
  });

  // ---- pages and checks ------------------------------------------------------------------------
  function markVerified() {
    document.querySelectorAll(".page-link").forEach((link) => {
      link.toggleAttribute("data-verified", progress.verified.includes(Number(link.dataset.goto)));
    });
  }

  function show(index, focus = true) {
    if (index < 0 || index >= pageCount) return;
    current = index;
    document.querySelectorAll(".page").forEach((page) => {
      page.hidden = Number(page.dataset.page) !== index;
    });
    document.querySelectorAll(".page-link").forEach((link) => {
      if (Number(link.dataset.goto) === index) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    });
    document.getElementById("progress").value = index + 1;
    document.getElementById("page-number").textContent = String(index + 1);
    document.getElementById("prev").disabled = index === 0;
    document.getElementById("next").disabled = index === pageCount - 1;
    if (focus) document.getElementById(`page-title-${index}`).focus();
    api("POST", "/api/page", { page: index }).then((data) => {
      progress = data;
      markVerified();
    }).catch((error) => say(`Could not save your progress: ${error.message}`));
  }

  async function check(button) {
    const page = Number(button.dataset.check);
    const result = button.parentElement.querySelector(".check-result");
    button.disabled = true;
    result.className = "check-result running";
    result.textContent = "Checking…";
    try {
      const data = await api("POST", "/api/verify", { page });
      progress = data.progress;
      markVerified();
      result.className = `check-result ${data.ok ? "passed" : "failed"}`;
      result.textContent = data.ok ? "Passed: well done." :
        `Not yet (exit ${data.exit_code}${data.timed_out ? ", timed out" : ""}). You can still move on.`;
      if (!data.ok && data.output.trim()) {
        const output = document.createElement("pre");
        output.textContent = data.output.trim();
        result.appendChild(output);
      }
    } catch (error) {
      result.className = "check-result failed";
      result.textContent = `The check could not run: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  }

  function start() {
    document.getElementById("prev").addEventListener("click", () => show(current - 1));
    document.getElementById("next").addEventListener("click", () => show(current + 1));
    document.querySelectorAll(".page-link").forEach((link) => {
      link.addEventListener("click", () => show(Number(link.dataset.goto)));
    });
    document.querySelectorAll(".check-button").forEach((button) => {
      button.addEventListener("click", () => check(button));
    });
    document.querySelector(".file-close").addEventListener("click", () => {
      document.querySelector(".file-viewer").hidden = true;
    });
    decorate();
    const names = JSON.parse(body.dataset.terminals || "[]");
    makeTab(1);
    names.forEach((name, i) => makeTab(i + 2, name));
    activate(1, false);
    window.addEventListener("resize", () => tabs.forEach((tab) => resize(tab)));
    show(current, false);
    markVerified();
    body.dataset.ready = "true";
  }

  start();
}());
