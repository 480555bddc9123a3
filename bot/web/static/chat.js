/* The chat page. Bot text is inserted as text nodes (never as HTML); URLs become links.
 * Passwords: only the set-password and login forms read password inputs, and they post only to
 * /api/account/password and /api/login. sendChat() - the only code that posts to /api/chat - takes
 * the text of the message box or a button payload, never a form field. */
(function () {
  "use strict";

  var chat = document.getElementById("chat");
  var list = document.getElementById("messages");
  var composer = document.getElementById("composer");
  var input = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var logoutForm = document.getElementById("logout-form");
  var URL_RE = /https?:\/\/[^\s<>"']+/g;
  var formCount = 0;

  // ---- transcript kept for this tab, so a reload shows the conversation so far (text only, no forms) ----
  var TRANSCRIPT_KEY = "cers_transcript";
  var restoring = false;

  function loadTranscript() {
    try { return JSON.parse(window.sessionStorage.getItem(TRANSCRIPT_KEY) || "[]"); } catch (e) { return []; }
  }

  function remember(kind, text) {
    if (restoring) { return; }
    try {
      var items = loadTranscript();
      items.push({ kind: kind, text: String(text) });
      window.sessionStorage.setItem(TRANSCRIPT_KEY, JSON.stringify(items.slice(-200)));
    } catch (e) { /* storage full or disabled: the chat still works */ }
  }

  function forgetTranscript() {
    try { window.sessionStorage.removeItem(TRANSCRIPT_KEY); } catch (e) { /* ignore */ }
  }

  // ---- rendering ----------------------------------------------------------------------------------
  function appendLinkified(el, text) {
    var last = 0;
    String(text).replace(URL_RE, function (match, offset) {
      var url = match.replace(/[.,;:!?)]+$/, "");
      el.appendChild(document.createTextNode(text.slice(last, offset)));
      var a = document.createElement("a");
      a.href = url;
      a.textContent = url;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      el.appendChild(a);
      last = offset + url.length;
      return match;
    });
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function addItem(kind) {
    var li = document.createElement("li");
    li.className = "msg " + kind;
    list.appendChild(li);
    li.scrollIntoView({ block: "end" });
    return li;
  }

  function showUser(text) {
    var li = addItem("user");
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = "You said: ";
    li.appendChild(label);
    li.appendChild(document.createTextNode(text));
    remember("user", text);
  }

  function showBot(text, keep) {
    var li = addItem("bot");
    appendLinkified(li, text);
    if (keep) { remember("bot", text); }
    return li;
  }

  function showNotice(text, kind) {
    var li = addItem("notice " + (kind || ""));
    li.setAttribute("role", kind === "error" ? "alert" : "status");
    appendLinkified(li, text);
    return li;
  }

  function showButtons(buttons) {
    var li = addItem("bot buttons");
    var group = document.createElement("div");
    group.className = "button-row";
    group.setAttribute("role", "group");
    buttons.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      button.textContent = b.title || b.payload;
      button.addEventListener("click", function () {
        if (busy) { return; }
        group.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
        button.classList.add("chosen");
        sendChat(b.payload, b.title || b.payload, b.sig);
      });
      group.appendChild(button);
    });
    li.appendChild(group);
  }

  function renderReply(reply) {
    if (reply.text) { showBot(reply.text, true); }
    if (reply.image) { var li = showBot(""); appendLinkified(li, reply.image); }
    if (reply.custom) { renderCustom(reply.custom); }
    if (Array.isArray(reply.buttons) && reply.buttons.length) { showButtons(reply.buttons); }
  }

  function renderCustom(custom) {
    if (custom.form === "set_password") { renderSetPasswordForm(custom); }
    else if (custom.form === "login") { renderLoginForm(custom); }
    else if (custom.text) { showBot(custom.text); }
  }

  // ---- talking to the assistant ------------------------------------------------------------------
  var busy = false;

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    chat.setAttribute("aria-busy", value ? "true" : "false");
  }

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  /* The only function that posts to /api/chat. `shownAs`: what to show as the user's message (null: nothing). */
  function sendChat(message, shownAs, sig) {
    if (busy) { return Promise.resolve(); }
    if (shownAs) { showUser(shownAs); }
    setBusy(true);
    var typing = addItem("bot typing");
    typing.textContent = "…";
    typing.setAttribute("aria-label", "The assistant is typing");
    var body = { message: String(message) };
    if (sig) { body.sig = sig; }
    return postJSON("/api/chat", body).then(function (result) {
      typing.remove();
      if (result.status === 200 && Array.isArray(result.data)) {
        if (!result.data.length) { showNotice("The assistant had nothing to say to that. Try rephrasing."); }
        result.data.forEach(renderReply);
      } else {
        var msg = result.data && (result.data.error || (result.data.errors || [])[0]);
        showNotice(msg || "Something went wrong. Try again in a minute.", "error");
      }
    }, function () {
      typing.remove();
      showNotice("Could not reach the server. Check your connection and try again.", "error");
    }).then(function () { setBusy(false); });
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) { return; }
    input.value = "";
    sendChat(text, text);
    input.focus();
  });

  // ---- secure forms (password never goes to /api/chat) ----------------------------------------------
  function field(form, labelText, type, autocomplete) {
    formCount += 1;
    var id = "f" + formCount;
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = labelText;
    var el = document.createElement("input");
    el.id = id;
    el.type = type;
    el.required = true;
    el.autocomplete = autocomplete;
    if (type === "email") { el.inputMode = "email"; }
    form.appendChild(label);
    form.appendChild(el);
    return el;
  }

  function errorBox(form) {
    var box = document.createElement("div");
    box.className = "errors";
    box.setAttribute("role", "alert");
    box.hidden = true;
    form.appendChild(box);
    return {
      show: function (messages) {
        box.textContent = "";
        var ul = document.createElement("ul");
        messages.forEach(function (m) { var li = document.createElement("li"); li.textContent = m; ul.appendChild(li); });
        box.appendChild(ul);
        box.hidden = false;
      },
      hide: function () { box.hidden = true; box.textContent = ""; }
    };
  }

  function renderSetPasswordForm(custom) {
    var li = addItem("bot form-card");
    var form = document.createElement("form");
    form.className = "stack secure-form set-password-form";
    form.noValidate = true;
    var heading = document.createElement("p");
    heading.className = "form-title";
    heading.textContent = "Choose your password. It goes straight to our server, not into the chat.";
    form.appendChild(heading);
    if (Array.isArray(custom.rules) && custom.rules.length) {
      var rules = document.createElement("ul");
      rules.className = "rules";
      custom.rules.forEach(function (r) { var x = document.createElement("li"); x.textContent = r; rules.appendChild(x); });
      form.appendChild(rules);
    }
    var errors = errorBox(form);
    var password = field(form, "Password", "password", "new-password");
    var confirm = field(form, "Type it again", "password", "new-password");
    var submit = document.createElement("button");
    submit.type = "submit";
    submit.textContent = "Save password";
    form.appendChild(submit);
    if (custom.url) {
      var other = document.createElement("p");
      other.className = "muted";
      other.appendChild(document.createTextNode("On another device? Open "));
      var a = document.createElement("a");
      a.href = custom.url; a.textContent = "this secure page"; a.target = "_blank"; a.rel = "noopener noreferrer";
      other.appendChild(a);
      other.appendChild(document.createTextNode("."));
      form.appendChild(other);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      errors.hide();
      if (!password.value) { errors.show(["Enter a password."]); password.focus(); return; }
      if (password.value !== confirm.value) {
        errors.show(["The two passwords don't match. Type the same password in both boxes."]);
        confirm.value = ""; confirm.focus(); return;
      }
      submit.disabled = true;
      postJSON("/api/account/password", { token: custom.token, password: password.value, confirm: confirm.value })
        .then(function (result) {
          if (result.data && result.data.ok) {
            password.value = ""; confirm.value = "";
            li.textContent = "";
            li.className = "msg bot";
            appendLinkified(li, result.data.message || "Check your email for the activation link (look in spam too).");
          } else {
            errors.show((result.data && result.data.errors) || ["Something went wrong. Try again in a minute."]);
            password.value = ""; confirm.value = ""; password.focus();
          }
        }, function () { errors.show(["Could not reach the server. Check your connection and try again."]); })
        .then(function () { submit.disabled = false; });
    });
    li.appendChild(form);
    password.focus();
  }

  function renderLoginForm() {
    var li = addItem("bot form-card");
    var form = document.createElement("form");
    form.className = "stack secure-form login-form";
    form.noValidate = true;
    var heading = document.createElement("p");
    heading.className = "form-title";
    heading.textContent = "Log in. Your password goes straight to our server, not into the chat.";
    form.appendChild(heading);
    var errors = errorBox(form);
    var email = field(form, "Email address", "email", "username");
    var password = field(form, "Password", "password", "current-password");
    var submit = document.createElement("button");
    submit.type = "submit";
    submit.textContent = "Log in";
    form.appendChild(submit);
    var extra = document.createElement("p");
    extra.className = "muted";
    var forgot = document.createElement("a");
    forgot.href = "/account/reset"; forgot.textContent = "Forgot your password?"; forgot.target = "_blank";
    extra.appendChild(forgot);
    form.appendChild(extra);
    var resend = document.createElement("button");
    resend.type = "button";
    resend.className = "secondary";
    resend.textContent = "Send me a new activation link";
    resend.hidden = true;
    resend.addEventListener("click", function () {
      resend.disabled = true;
      postJSON("/api/account/resend", { email: email.value }).then(function (result) {
        errors.show([(result.data && (result.data.message || (result.data.errors || [])[0])) || "Try again in a minute."]);
      }).then(function () { resend.disabled = false; });
    });
    form.appendChild(resend);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      errors.hide();
      if (!email.value.trim() || !password.value) { errors.show(["Enter your email address and your password."]); return; }
      submit.disabled = true;
      postJSON("/api/login", { email: email.value.trim(), password: password.value }).then(function (result) {
        password.value = "";
        if (result.data && result.data.ok) {
          li.textContent = "";
          li.className = "msg notice";
          li.textContent = "You are logged in as " + (result.data.name || email.value) + ".";
          chat.dataset.loggedIn = "true";
          if (logoutForm) { logoutForm.hidden = false; }
          submit.disabled = false;
          return sendChat("/logged_in", null);
        }
        errors.show((result.data && result.data.errors) || ["Something went wrong. Try again in a minute."]);
        resend.hidden = result.status !== 403;
        password.focus();
      }, function () { errors.show(["Could not reach the server. Check your connection and try again."]); })
        .then(function () { submit.disabled = false; });
    });
    li.appendChild(form);
    email.focus();
  }

  // ---- start: nothing is sent until the user acts -------------------------------------------------
  if (logoutForm) { logoutForm.addEventListener("submit", forgetTranscript); }
  var earlier = loadTranscript();
  var name = chat.dataset.userName;
  var loggedIn = chat.dataset.loggedIn === "true";
  if (earlier.length) {
    restoring = true;
    earlier.forEach(function (item) {
      if (item.kind === "user") { showUser(item.text); } else { showBot(item.text); }
    });
    restoring = false;
    showNotice("You can carry on where you left off" + (loggedIn ? "" : ", or start over") + ".");
  } else if (loggedIn) {
    showBot("Welcome back" + (name ? ", " + name : "") + ". What would you like to do?");
  } else {
    showBot("Hi! I help California businesses file their Hazardous Materials Business Plan in CERS. " +
      "Start by signing up or logging in, or look up your facility.");
  }
  if (loggedIn) {
    showButtons([{ title: "Find my facility", payload: "/find_facility" }]);
  } else {
    showButtons([
      { title: "Sign up", payload: "/sign_up" },
      { title: "Log in", payload: "/log_in" },
      { title: "Find my facility", payload: "/find_facility" }
    ]);
  }
})();
