// Khabar: autocomplete for the search box. The page works without it; this only adds
// suggestions as the reader types (ARIA combobox: arrows move, Enter picks, Escape closes).
(function () {
  "use strict";
  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) return;
  const form = input.form;
  let items = [];
  let active = -1;
  let timer = null;
  let asked = "";

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    items.forEach(function (el, i) {
      el.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function choose(el) {
    if (el.dataset.id) {
      window.location.href = "/article/" + el.dataset.id.split("/").map(encodeURIComponent).join("/") +
        "?q=" + encodeURIComponent(input.value);
    } else {
      input.value = el.dataset.text;
      close();
      form.submit();
    }
  }

  function render(suggestions) {
    list.innerHTML = "";
    items = suggestions.map(function (s, i) {
      const li = document.createElement("li");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.className = "suggestion-" + s.kind;
      li.dataset.text = s.text;
      if (s.id) li.dataset.id = s.id;
      li.textContent = s.text;  // text, never HTML
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
      list.appendChild(li);
      return li;
    });
    active = -1;
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }

  function ask() {
    const q = input.value;
    if (!q.trim()) { close(); return; }
    asked = q;
    fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q))
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value === asked) render(data.suggestions || []); })
      .catch(close);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 80);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" && items.length) {
      e.preventDefault();
      highlight((active + 1) % items.length);
    } else if (e.key === "ArrowUp" && items.length) {
      e.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      choose(items[active]);
    } else if (e.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
