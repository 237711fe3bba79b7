// The static site's script: a click on a copy button copies its snippet; works offline and from file://.
(function () {
  "use strict";

  function snippetFor(button) {
    var id = button.getAttribute("data-snippet");
    if (id !== null) {
      var code = document.querySelector('code[data-snippet="' + id + '"]');
      if (code) { return code; }
    }
    var container = button.closest("pre") || button.parentElement;
    return container ? container.querySelector("code") : null;
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () {
        return fallbackCopy(text);
      });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function flash(button, ok) {
    var label = button.textContent;
    button.classList.add("copied");
    button.textContent = ok ? "Copied" : "Press Ctrl+C";
    window.setTimeout(function () {
      button.classList.remove("copied");
      button.textContent = label;
    }, 1500);
  }

  document.addEventListener("click", function (event) {
    var plain = event.target.closest ? event.target.closest("code.copy-plain") : null;
    if (plain) {
      copyText(plain.textContent).then(function () {
        plain.classList.add("copied");
        window.setTimeout(function () { plain.classList.remove("copied"); }, 1500);
      });
      return;
    }
    var button = event.target.closest ? event.target.closest(".copy-button, button.copy, [data-copy]") : null;
    if (!button) { return; }
    var code = snippetFor(button);
    if (!code) { return; }
    event.preventDefault();
    copyText(code.textContent.replace(/\n$/, "")).then(function (ok) { flash(button, ok); });
  });
}());
