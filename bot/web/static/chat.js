/* The chat page. Bot text is inserted as text nodes (never as HTML); URLs become links.
 * Passwords: only the set-password and login forms read password inputs, and they post only to
 * /api/account/password and /api/login. sendChat() - the only code that posts to /api/chat - takes
 * the text of the message box or a button payload, never a form field.
 * Inventory upload: the chat's upload widget and the plain page /inventory/upload share wireUploadForm(),
 * which posts the chosen file to /api/inventory/upload (never through the chat). */
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
  // The transcript belongs to one conversation (the server's marker): after another login in this browser the
  // conversation is new, and the last person's transcript is not shown.
  var TRANSCRIPT_KEY = "cers_transcript";
  var conversation = (chat && chat.dataset.conversation) || "";
  var restoring = false;

  function loadTranscript() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(TRANSCRIPT_KEY) || "null");
      if (saved && saved.conversation === conversation && Array.isArray(saved.items)) { return saved.items; }
    } catch (e) { /* unreadable: start afresh */ }
    return [];
  }

  function remember(kind, text, card) {
    if (restoring) { return; }
    try {
      var items = loadTranscript();
      var item = { kind: kind, text: String(text) };
      if (card) { item.card = card; }
      items.push(item);
      window.sessionStorage.setItem(TRANSCRIPT_KEY,
        JSON.stringify({ conversation: conversation, items: items.slice(-200) }));
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
    else if (custom.form === "upload_inventory") { renderUploadWidget(custom); }
    else if (custom.form === "upload_document") { renderDocumentWidget(custom); }
    else if (custom.form === "upload_sds") { renderSdsWidget(custom); }
    else if (custom.card === "inventory_item") {
      if (custom.text) { showBot(custom.text, true); }
      renderCard(custom);
    }
    else if (custom.text) { showBot(custom.text); }
  }

  // ---- summary card: {"card": "inventory_item", "fields": {label: value}} as a small table ----------------
  function cardValue(value) {
    if (value === null || value === undefined || value === "") { return "—"; }
    if (value === true) { return "Yes"; }
    if (value === false) { return "No"; }
    if (Array.isArray(value)) { return value.length ? value.map(cardValue).join(", ") : "—"; }
    if (typeof value === "object") { return JSON.stringify(value); }
    return String(value);
  }

  function renderCard(custom) {
    var fields = custom.fields;
    if (!fields || typeof fields !== "object" || Array.isArray(fields)) { return; }
    // Under the message text the bot sent just before it; a bubble of its own otherwise.
    var last = list.lastElementChild;
    var host = last && last.className === "msg bot" && !last.querySelector("table") ? last : addItem("bot");
    var table = document.createElement("table");
    table.className = "summary-card";
    if (custom.title) {
      var caption = document.createElement("caption");
      caption.textContent = String(custom.title);
      table.appendChild(caption);
    }
    var body = document.createElement("tbody");
    Object.keys(fields).forEach(function (key) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = key;
      var td = document.createElement("td");
      td.textContent = cardValue(fields[key]);
      tr.appendChild(th);
      tr.appendChild(td);
      body.appendChild(tr);
    });
    table.appendChild(body);
    host.appendChild(table);
    host.scrollIntoView({ block: "end" });
    remember("card", "", { card: "inventory_item", title: custom.title || null, fields: fields });
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

  if (composer) {
    composer.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || busy) { return; }
      input.value = "";
      sendChat(text, text);
      input.focus();
    });
  }

  /* Send `text` as the user's message as soon as the assistant is not busy answering another one. */
  function sendWhenIdle(text) {
    if (busy) { window.setTimeout(function () { sendWhenIdle(text); }, 250); return; }
    sendChat(text, text);
  }

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
          // The login started a new conversation on the server: keep the new one's transcript from here on.
          forgetTranscript();
          if (result.data.conversation) { conversation = result.data.conversation; }
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


  // ---- inventory upload: the chat widget and the plain page share wireUploadForm() --------------------------
  var UPLOADED_MESSAGE = "I uploaded my inventory file";  // sent to the assistant after a stored upload
  var DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
  var TEMPLATE_URL = "/inventory/template.xlsx";  // the empty CERS HMI template (headers and code lists)

  function textEl(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    return el;
  }

  function postUpload(facility, file, mode, validOnly) {
    var data = new FormData();
    data.append("facility", facility);
    if (mode) { data.append("mode", mode); }
    data.append("valid_rows_only", validOnly ? "1" : "0");
    data.append("file", file, file.name);
    return fetch("/api/inventory/upload?facility=" + encodeURIComponent(facility), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      body: data
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, data: body };
      });
    });
  }

  /* An "Upload result" table: one row a [label, value] pair, "—" for a value the server did not give. */
  function uploadResultTable(rows) {
    var table = textEl("table", "result-table");
    table.appendChild(textEl("caption", "", "Upload result"));
    var body = document.createElement("tbody");
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      var th = textEl("th", "", row[0]);
      th.scope = "row";
      tr.appendChild(th);
      tr.appendChild(textEl("td", "", row[1] === undefined || row[1] === null ? "—" : row[1]));
      body.appendChild(tr);
    });
    table.appendChild(body);
    return table;
  }

  function resultTable(data) {
    return uploadResultTable([["Materials imported", data.imported], ["Rows left out (errors)", data.rejected_rows],
      ["Empty rows skipped", data.skipped_blank], ["Mode", data.mode === "append" ? "Append" : "Replace"],
      ["Materials in the inventory now", data.total]]);
  }

  function errorTable(data, caption) {
    var wrap = textEl("div", "error-table-wrap");
    var table = textEl("table", "error-table");
    table.appendChild(textEl("caption", "", caption));
    var head = document.createElement("thead");
    var hr = document.createElement("tr");
    ["Row", "Column", "Problem"].forEach(function (h) { var th = textEl("th", "", h); th.scope = "col"; hr.appendChild(th); });
    head.appendChild(hr);
    table.appendChild(head);
    var body = document.createElement("tbody");
    (data.errors || []).forEach(function (e) {
      var tr = document.createElement("tr");
      if (typeof e === "string") { e = { row: "", column: "", reason: e }; }
      tr.appendChild(textEl("td", "", e.row === null || e.row === undefined ? "" : e.row));
      var column = textEl("td", "");
      // Template headings are long CamelCase words: let them break between the words on narrow screens.
      String(e.column || "(whole row)").split(/(?=[A-Z][a-z])/).forEach(function (part, i) {
        if (i) { column.appendChild(document.createElement("wbr")); }
        column.appendChild(document.createTextNode(part));
      });
      tr.appendChild(column);
      tr.appendChild(textEl("td", "", e.reason));
      body.appendChild(tr);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    var more = (data.errors_total || 0) - (data.errors || []).length;
    if (more > 0) { wrap.appendChild(textEl("p", "muted", "… and " + more + " more.")); }
    return wrap;
  }

  function showUploadProblem(box, message) {
    box.textContent = "";
    var div = textEl("div", "errors");
    div.setAttribute("role", "alert");
    div.appendChild(textEl("p", "", message));
    box.appendChild(div);
  }

  function problemText(result) {
    var data = result.data || {};
    if (data.message) { return data.message; }
    var first = (data.errors || [])[0];
    if (typeof first === "string") { return first; }
    if (data.error) { return data.error; }
    return "Something went wrong. Try again in a minute.";
  }

  /* Give `form` (the page's form, or the chat widget's) its behaviour. options: facility, existing,
   * maxBytes, once (disable after a stored upload), onStored(data). */
  function wireUploadForm(form, options) {
    var fileInput = form.querySelector('input[type="file"]');
    var modeBox = form.querySelector(".mode-choice");
    var legend = modeBox ? modeBox.querySelector("legend") : null;
    var validBox = form.querySelector('input[name="valid_rows_only"]');
    var submit = form.querySelector(".upload-button");
    var box = form.querySelector(".upload-result");
    var maxBytes = options.maxBytes || DEFAULT_MAX_BYTES;
    var done = false;
    form.noValidate = true;

    function chosenMode() {
      var checked = form.querySelector('input[name="mode"]:checked');
      return checked ? checked.value : "";
    }

    function askMode(existing, message) {
      if (!modeBox) { return; }
      modeBox.hidden = false;
      if (legend && existing) {
        legend.textContent = "Your inventory already has " + existing + " material" + (existing === 1 ? "" : "s") +
          ". What should the file do?";
      }
      if (message) { showUploadProblem(box, message); }
      var first = modeBox.querySelector('input[name="mode"]');
      if (first) { first.focus(); }
    }

    function send(validOnly) {
      var file = fileInput.files && fileInput.files[0];
      if (!file) { showUploadProblem(box, "Choose the inventory file (.xlsx) to upload."); fileInput.focus(); return; }
      if (file.size > maxBytes) {
        showUploadProblem(box, "The file is " + (file.size / 1048576).toFixed(0) + " MB; I accept inventory files up to " +
          Math.round(maxBytes / 1048576) + " MB. Please check you picked the right file.");
        return;
      }
      if (modeBox && !modeBox.hidden && !chosenMode()) { askMode(0, "Choose Replace or Append first."); return; }
      submit.disabled = true;
      box.textContent = "";
      var status = textEl("p", "muted", "Uploading and checking “" + file.name + "”…");
      status.setAttribute("role", "status");
      box.appendChild(status);
      postUpload(options.facility, file, chosenMode(), validOnly).then(function (result) {
        var data = result.data || {};
        box.textContent = "";
        if (result.status === 200 && data.ok) {
          var ok = textEl("div", "upload-ok");
          ok.setAttribute("role", "status");
          ok.appendChild(textEl("p", "", data.summary));
          ok.appendChild(resultTable(data));
          box.appendChild(ok);
          if (data.errors && data.errors.length) { box.appendChild(errorTable(data, "Rows left out")); }
          if (options.once) {
            done = true;
            form.querySelectorAll("input, button").forEach(function (x) { x.disabled = true; });
          } else {
            fileInput.value = "";
            if (validBox) { validBox.checked = false; }
            form.querySelectorAll('input[name="mode"]').forEach(function (x) { x.checked = false; });
            if (data.total && modeBox) {
              modeBox.hidden = false;
              if (legend) { legend.textContent = "Your inventory has " + data.total + " material" + (data.total === 1 ? "" : "s") + ". What should the next file do?"; }
            }
          }
          if (options.onStored) { options.onStored(data); }
        } else if (result.status === 409 && data.need_mode) {
          askMode(data.existing, data.message);
        } else if (result.status === 422) {
          var problem = textEl("div", "errors");
          problem.setAttribute("role", "alert");
          problem.appendChild(textEl("p", "", data.message || "Nothing was imported: some rows have errors."));
          if (data.hint) { problem.appendChild(textEl("p", "", data.hint)); }
          box.appendChild(problem);
          box.appendChild(errorTable(data, "Rows with errors"));
          if (data.can_import_valid_rows) {
            var again = textEl("button", "secondary import-valid", "Import only the valid rows");
            again.type = "button";
            again.addEventListener("click", function () {
              if (validBox) { validBox.checked = true; }
              send(true);
            });
            box.appendChild(again);
          }
        } else {
          showUploadProblem(box, problemText(result));
          if (result.status === 401) { chatLoggedOut(); }
        }
      }, function () {
        showUploadProblem(box, "The file could not be sent: the connection failed. Check your connection and try again.");
      }).then(function () { if (!done) { submit.disabled = false; } });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!done) { send(validBox ? validBox.checked : false); }
    });
  }

  function chatLoggedOut() {
    if (chat) { chat.dataset.loggedIn = "false"; }
  }

  /* The chat's upload widget: {"form": "upload_inventory", "facility": "<CERS ID>", "existing": N}. */
  function renderUploadWidget(custom) {
    var li = addItem("bot form-card");
    var form = document.createElement("form");
    form.className = "stack inventory-upload-form";
    form.appendChild(textEl("p", "form-title",
      "Upload your inventory: the CERS inventory template as an Excel file (.xlsx), up to 20 MB and " +
      "10,000 materials. It goes straight to our server, not into the chat."));
    var templateLine = textEl("p", "muted template-link");
    var templateLink = textEl("a", "", "Download the empty template");
    templateLink.href = TEMPLATE_URL;
    templateLink.setAttribute("download", "");
    templateLine.appendChild(templateLink);
    templateLine.appendChild(document.createTextNode(" (the column headers and the code lists)."));
    form.appendChild(templateLine);
    var file = fileField(form, "Inventory file (.xlsx)", ".xlsx");
    var existing = Number(custom.existing) || 0;
    var modeBox = textEl("fieldset", "mode-choice");
    modeBox.appendChild(textEl("legend", "", existing ? "Your inventory already has " + existing + " material" +
      (existing === 1 ? "" : "s") + ". What should the file do?" : "What should the file do?"));
    [["replace", "Replace the current inventory"], ["append", "Append: add the file's materials to it"]].forEach(function (m) {
      var choice = textEl("label", "choice-label");
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "mode";
      radio.value = m[0];
      choice.appendChild(radio);
      choice.appendChild(document.createTextNode(" " + m[1]));
      modeBox.appendChild(choice);
    });
    modeBox.hidden = existing <= 0;
    form.appendChild(modeBox);
    var submit = textEl("button", "upload-button", "Upload");
    submit.type = "submit";
    form.appendChild(submit);
    var box = textEl("div", "upload-result");
    box.setAttribute("aria-live", "polite");
    form.appendChild(box);
    li.appendChild(form);
    wireUploadForm(form, {
      facility: String(custom.facility || ""),
      existing: existing,
      once: true,
      onStored: function (data) {
        if (data.summary) { remember("bot", data.summary); }
        sendWhenIdle(UPLOADED_MESSAGE);
      }
    });
  }

  // ---- documents: the chat's PDF upload widget -------------------------------------------------------
  /* {"form": "upload_document", "facility": "<CERS ID>", "element", "label", "max_mb"}: posts the PDF to
   * /api/documents/upload (never through the chat), shows what the server says (stored, pages, advice), then
   * tells the assistant with the element's sentence, as the inventory widget does. */
  var DOCUMENT_UPLOADED = {
    site_map: "I uploaded my site map",
    emergency_response_plan: "I uploaded my emergency response plan",
    employee_training_plan: "I uploaded my training plan"
  };

  function documentTable(data) {
    var doc = data.document || {};
    var advice = data.advice || {};
    var missing = Array.isArray(advice.missing) ? advice.missing : [];
    return uploadResultTable([["Document", data.label], ["File", doc.filename], ["Pages", doc.pages],
      ["Size", doc.size_bytes ? (doc.size_bytes >= 1048576 ? (doc.size_bytes / 1048576).toFixed(1) + " MB" :
        Math.max(1, Math.round(doc.size_bytes / 1024)) + " KB") : null],
      ["Not found in its text", advice.has_text === false ? "no text to check (a scan or a drawing)" :
        (missing.length ? missing.join("; ") : "nothing: everything was found")]]);
  }

  /* A labelled file input (name "file") added to `form`, not required: the widget says itself what is missing. */
  function fileField(form, labelText, accept) {
    var file = field(form, labelText, "file", "off");
    file.required = false;
    file.name = "file";
    file.accept = accept;
    return file;
  }

  /* A PDF upload form in the chat, shared by the documents and the Safety Data Sheet widgets. options: title,
   * fileLabel, missing (said when no file is chosen), maxMb, url, fields ({name: value} sent with the file),
   * className, onStored(data, okBox) after a 200 {ok: true}. Shows the server's message for any refusal. */
  function renderPdfWidget(options) {
    var li = addItem("bot form-card");
    var form = document.createElement("form");
    form.className = "stack " + options.className;
    form.noValidate = true;
    var maxMb = options.maxMb;
    form.appendChild(textEl("p", "form-title", options.title));
    var file = fileField(form, options.fileLabel, ".pdf,application/pdf");
    var submit = textEl("button", "upload-button", "Upload");
    submit.type = "submit";
    form.appendChild(submit);
    var box = textEl("div", "upload-result");
    box.setAttribute("aria-live", "polite");
    form.appendChild(box);
    li.appendChild(form);
    var done = false;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (done) { return; }
      var chosen = file.files && file.files[0];
      if (!chosen) { showUploadProblem(box, options.missing); file.focus(); return; }
      if (chosen.size > maxMb * 1048576) {
        showUploadProblem(box, "The file is " + (chosen.size / 1048576).toFixed(0) + " MB; CERS takes PDFs up to " +
          maxMb + " MB. Save it smaller (fewer pages, a lower scan resolution) and upload it again.");
        return;
      }
      submit.disabled = true;
      box.textContent = "";
      var status = textEl("p", "muted", "Uploading and checking “" + chosen.name + "”…");
      status.setAttribute("role", "status");
      box.appendChild(status);
      var body = new FormData();
      Object.keys(options.fields || {}).forEach(function (key) { body.append(key, String(options.fields[key])); });
      body.append("file", chosen, chosen.name);
      fetch(options.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        body: body
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { status: response.status, data: data };
        });
      }).then(function (result) {
        var data = result.data || {};
        box.textContent = "";
        if (result.status === 200 && data.ok) {
          var ok = textEl("div", "upload-ok");
          ok.setAttribute("role", "status");
          box.appendChild(ok);
          done = true;
          form.querySelectorAll("input, button").forEach(function (x) { x.disabled = true; });
          options.onStored(data, ok);
        } else {
          showUploadProblem(box, problemText(result));
          if (result.status === 401) { chatLoggedOut(); }
        }
      }, function () {
        showUploadProblem(box, "The file could not be sent: the connection failed. Check your connection and try again.");
      }).then(function () { if (!done) { submit.disabled = false; } });
    });
  }

  function renderDocumentWidget(custom) {
    var label = String(custom.label || "document");
    var maxMb = Number(custom.max_mb) || 25;
    renderPdfWidget({
      className: "document-upload-form",
      title: "Upload your " + label + ": a PDF, up to " + maxMb + " MB. It goes straight to our server, not into the chat.",
      fileLabel: label + " (PDF)",
      missing: "Choose the PDF of your " + label + " to upload.",
      maxMb: maxMb,
      url: "/api/documents/upload?facility=" + encodeURIComponent(String(custom.facility || "")),
      fields: { element: String(custom.element || "") },
      onStored: function (data, ok) {
        String(data.message || "").split("\n").forEach(function (line) { ok.appendChild(textEl("p", "", line)); });
        ok.appendChild(documentTable(data));
        if (data.message) { remember("bot", data.message); }
        sendWhenIdle(DOCUMENT_UPLOADED[custom.element] || "I uploaded my site map");
      }
    });
  }

  // ---- a new material's Safety Data Sheet: {"form": "upload_sds", "facility": "<CERS ID>", "material"} --------
  /* Posts the PDF to /api/inventory/sds (never through the chat); the server reads it and keeps the reading for
   * the open material, then the assistant is told with SDS_UPLOADED and shows what it filled, to be checked. */
  var SDS_UPLOADED = "I uploaded the Safety Data Sheet";

  function renderSdsWidget(custom) {
    var material = String(custom.material || "the material");
    var maxMb = Number(custom.max_mb) || 25;
    renderPdfWidget({
      className: "sds-upload-form",
      title: "Upload the Safety Data Sheet of " + material + " (a PDF, up to " + maxMb + " MB): I'll read its name, " +
        "ingredients, physical state and hazards for you to check.",
      fileLabel: "Safety Data Sheet (PDF)",
      missing: "Choose the Safety Data Sheet (PDF) to upload.",
      maxMb: maxMb,
      url: "/api/inventory/sds?facility=" + encodeURIComponent(String(custom.facility || "")),
      fields: {},
      onStored: function (data, ok) {
        if (data.message) { ok.appendChild(textEl("p", "", data.message)); remember("bot", data.message); }
        sendWhenIdle(data.notice || SDS_UPLOADED);
      }
    });
  }

  // ---- start: nothing is sent until the user acts -------------------------------------------------
  var printButton = document.getElementById("print-checklist");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
  if (logoutForm) { logoutForm.addEventListener("submit", forgetTranscript); }
  var uploadPageForm = document.getElementById("inventory-upload-form");
  if (uploadPageForm) {
    wireUploadForm(uploadPageForm, {
      facility: uploadPageForm.dataset.facility,
      existing: Number(uploadPageForm.dataset.existing) || 0,
      maxBytes: Number(uploadPageForm.dataset.maxBytes) || DEFAULT_MAX_BYTES
    });
  }
  if (!chat) { return; }  // the plain upload page has no chat
  var earlier = loadTranscript();
  var name = chat.dataset.userName;
  var loggedIn = chat.dataset.loggedIn === "true";
  if (earlier.length) {
    restoring = true;
    earlier.forEach(function (item) {
      if (item.kind === "user") { showUser(item.text); }
      else if (item.kind === "card") { if (item.card) { renderCard(item.card); } }
      else { showBot(item.text); }
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
