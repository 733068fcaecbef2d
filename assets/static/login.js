// login.js: the staff login page, /login[?next=/counter].
//
// On load it asks the hub who is logged in (GET /api/v1/session): nobody —
// the login form; a user whose password was generated or set by a manager —
// the form to choose their own first; anyone else — straight on. After the
// login (and the change, if due) the page goes to next, when it is a path on
// this hub, else to the user's home: /counter for staff, /manager for
// managers. The hub's sentences (a wrong password, too many tries, a
// disabled account) are shown as they come, beside the field they name.
//
// <body data-view> says which form shows (loading, login, change, going),
// for the stylesheet and the browser tests.

import { text } from "/assets/i18n.js";
import { pageLang } from "/assets/lang.js";
import { request } from "/assets/request.js";
import { currentUser, homeOf, safeNext } from "/assets/staff.js";

const MIN_PASSWORD = 8; // characters, as the hub checks

const W = {
  title: { zh: "员工登录", en: "Staff login" },
  loginTitle: { zh: "员工登录", en: "Staff login" },
  loginHelp: { zh: "窗口和管理页面使用同一个账号。", en: "One account for the counters and the manager pages." },
  username: { zh: "用户名", en: "Username" },
  password: { zh: "密码", en: "Password" },
  loginGo: { zh: "登录", en: "Log in" },
  loggingIn: { zh: "正在登录…", en: "Logging in…" },
  needUsername: { zh: "请输入用户名。", en: "Type your username." },
  needPassword: { zh: "请输入密码。", en: "Type your password." },
  changeTitle: { zh: "请设置新密码", en: "Choose a new password" },
  changeHelp: {
    zh: (u) => `${u}，您的密码是系统生成或由经理设置的。请先设置自己的密码再继续。`,
    en: (u) => `${u}, your password was generated or set by a manager. Choose your own before you go on.`,
  },
  current: { zh: "当前密码", en: "Current password" },
  newPassword: { zh: "新密码", en: "New password" },
  newRule: { zh: "至少 8 个字符。", en: "At least 8 characters." },
  repeatPassword: { zh: "再次输入新密码", en: "New password again" },
  changeGo: { zh: "保存并继续", en: "Save and go on" },
  saving: { zh: "正在保存…", en: "Saving…" },
  notYou: { zh: "不是本人？退出登录", en: "Not you? Log out" },
  needCurrent: { zh: "请输入当前密码。", en: "Type your current password." },
  tooShort: { zh: (n) => `新密码至少 ${n} 个字符。`, en: (n) => `A new password has at least ${n} characters.` },
  mismatch: { zh: "两次输入的新密码不一致。", en: "The two new passwords differ." },
  sameAsCurrent: { zh: "请设置一个与当前密码不同的新密码。", en: "Choose a password other than the current one." },
  unreachable: {
    zh: "无法连接大厅主机。请检查网络后重试。",
    en: "The hub cannot be reached. Check the network and try again.",
  },
  failed: { zh: "出现问题，请重试。", en: "Something went wrong; try again." },
};

const L = pageLang(W);
const $ = (id) => document.getElementById(id);
const body = document.body;
const next = safeNext(new URLSearchParams(location.search).get("next") || "");

const state = {
  view: "loading",
  user: null, // {username, role, must_change_password}
  typed: "", // the password just typed at the login, for the change form
  hallName: null,
  busy: false,
  // The sentences shown: a form's own and each field's, as [key, ...args]
  // of the page's words, or {raw} for the hub's sentence.
  errors: {},
};

function show(view) {
  state.view = view;
  body.dataset.view = view;
  $("view-loading").hidden = view !== "loading";
  $("login-form").hidden = view !== "login";
  $("change-form").hidden = view !== "change";
}

// --- Sentences beside the fields.

function setError(id, err) {
  if (err) state.errors[id] = err;
  else delete state.errors[id];
}

function clearErrors() {
  state.errors = {};
}

function sentence(err) {
  if (!err) return "";
  if (err.raw !== undefined) return err.raw;
  return L.t(...err);
}

function renderErrors() {
  for (const id of ["username", "password", "login", "current", "new", "repeat", "change"]) {
    const el = $(`${id}-error`);
    const s = sentence(state.errors[id]);
    el.textContent = s;
    el.hidden = s === "";
    const input = $({ new: "new-password", repeat: "repeat-password" }[id] || id);
    if (input instanceof HTMLInputElement) input.setAttribute("aria-invalid", String(s !== ""));
  }
}

// hubError shows the hub's error: beside its field when it names one the
// form has, else under the form.
function hubError(r, form, fields) {
  if (r.unreachable) {
    setError(form, ["unreachable"]);
    return;
  }
  const message = r.error && r.error.message;
  const field = r.error && r.error.field;
  const where = fields[field] || form;
  setError(where, message ? { raw: message } : ["failed"]);
  const input = $(where === "new" ? "new-password" : where);
  if (input instanceof HTMLInputElement) input.focus();
}

function render() {
  document.title = `${L.t("title")} · ${text(state.hallName, L.lang) || "hallq"}`;
  $("hall-name").textContent = text(state.hallName, L.lang) || "hallq";
  $("change-help").textContent = state.user ? L.t("changeHelp", state.user.username) : "";
  $("change-username").value = state.user ? state.user.username : "";
  $("current-field").hidden = state.typed !== "";
  $("login-submit").textContent = L.t(state.busy && state.view === "login" ? "loggingIn" : "loginGo");
  $("change-submit").textContent = L.t(state.busy && state.view === "change" ? "saving" : "changeGo");
  $("login-submit").disabled = state.busy;
  $("change-submit").disabled = state.busy;
  renderErrors();
}

// goOn leaves for the page the user came for.
function goOn(user) {
  show("going");
  location.replace(next || homeOf(user));
}

function toChange(user, typed) {
  state.user = user;
  state.typed = typed;
  clearErrors();
  show("change");
  render();
  ($("current-field").hidden ? $("new-password") : $("current")).focus();
}

function toLogin() {
  state.user = null;
  state.typed = "";
  show("login");
  render();
  ($("username").value ? $("password") : $("username")).focus();
}

// --- The forms.

async function submitLogin(e) {
  e.preventDefault();
  if (state.busy) return;
  const username = $("username").value.trim();
  const password = $("password").value;
  clearErrors();
  if (username === "") setError("username", ["needUsername"]);
  if (password === "") setError("password", ["needPassword"]);
  if (username === "" || password === "") {
    render();
    $(username === "" ? "username" : "password").focus();
    return;
  }
  state.busy = true;
  render();
  const r = await request("POST", "/api/v1/login", { body: { username, password } });
  state.busy = false;
  if (r.ok && r.data && r.data.user) {
    $("password").value = "";
    if (r.data.user.must_change_password) {
      toChange(r.data.user, password);
    } else {
      goOn(r.data.user);
    }
    return;
  }
  hubError(r, "login", { username: "username", password: "password" });
  if (!r.unreachable) {
    $("password").select();
  }
  render();
}

async function submitChange(e) {
  e.preventDefault();
  if (state.busy) return;
  const current = state.typed || $("current").value;
  const pw = $("new-password").value;
  const repeat = $("repeat-password").value;
  clearErrors();
  if (current === "") setError("current", ["needCurrent"]);
  if ([...pw].length < MIN_PASSWORD) setError("new", ["tooShort", MIN_PASSWORD]);
  else if (pw === current) setError("new", ["sameAsCurrent"]);
  else if (repeat !== pw) setError("repeat", ["mismatch"]);
  if (Object.keys(state.errors).length > 0) {
    render();
    const first = ["current", "new", "repeat"].find((f) => state.errors[f]);
    $({ current: "current", new: "new-password", repeat: "repeat-password" }[first]).focus();
    return;
  }
  state.busy = true;
  render();
  const r = await request("POST", "/api/v1/password", { body: { current, new: pw } });
  state.busy = false;
  if (r.ok) {
    state.typed = "";
    goOn(state.user);
    return;
  }
  if (r.status === 401) {
    // The session ended meanwhile: log in again, with the new password unused.
    toLogin();
    setError("login", r.error && r.error.message ? { raw: r.error.message } : ["failed"]);
    render();
    return;
  }
  if (r.error && r.error.field === "current") {
    state.typed = ""; // the one typed at the login was not it after all: ask
  }
  hubError(r, "change", { current: "current", new: "new" });
  render();
}

async function notYou() {
  await request("POST", "/api/v1/logout");
  $("username").value = "";
  $("password").value = "";
  $("new-password").value = "";
  $("repeat-password").value = "";
  $("current").value = "";
  clearErrors();
  toLogin();
}

async function loadHallName() {
  const r = await request("GET", "/api/v1/hall");
  if (r.ok && r.data) {
    state.hallName = r.data.name;
    render();
  }
}

async function start() {
  L.apply();
  L.toggle($("lang-toggle"), render);
  $("login-form").addEventListener("submit", submitLogin);
  $("change-form").addEventListener("submit", submitChange);
  $("change-logout").addEventListener("click", notYou);
  render();
  loadHallName();
  const s = await currentUser();
  if (s.user && s.user.must_change_password) {
    toChange(s.user, "");
  } else if (s.user) {
    goOn(s.user);
  } else {
    toLogin();
    if (s.unreachable) {
      setError("login", ["unreachable"]);
      render();
    }
  }
}

start();
