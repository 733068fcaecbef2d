// staff.js: the staff login as the staff pages (/login, /counter, /manager)
// see it. GET /api/v1/session says who is logged in (401: nobody), also
// while the user must first change a password a manager set; every other
// staff call answers 403 password_change_required until then. The login
// page takes the page to go back to as ?next=, a path on this hub only.
//
//	import { currentUser, toLogin } from "/assets/staff.js";
//
//	const s = await currentUser();
//	if (s.user === null && !s.unreachable) toLogin(); // back here after the login
//	else if (s.user && s.user.must_change_password) toLogin();

import { request } from "/assets/request.js";

// currentUser asks the hub who is logged in: {user} with user null when
// nobody is, or {unreachable: true} when the hub did not answer.
export async function currentUser() {
  const r = await request("GET", "/api/v1/session");
  if (r.ok && r.data && r.data.user) return { user: r.data.user, unreachable: false };
  if (r.status === 401) return { user: null, unreachable: false };
  return { user: null, unreachable: true, error: r.error };
}

// needsLogin reports whether a reply means that this page cannot go on
// without the login page: the session ended (401), or its password must be
// changed first.
export function needsLogin(reply) {
  return reply.status === 401 || (reply.error && reply.error.code === "password_change_required");
}

// loginURL is the login page's address, coming back to next (default: this
// page) afterwards.
export function loginURL(next = location.pathname + location.search) {
  return `/login?next=${encodeURIComponent(next)}`;
}

// toLogin goes to the login page, which comes back to next afterwards.
export function toLogin(next) {
  location.replace(loginURL(next));
}

// safeNext returns raw if it is a path on this hub ("/counter?x=1"), else
// "": a login page must not send anyone to another site.
export function safeNext(raw) {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "";
  try {
    const u = new URL(raw, location.origin);
    if (u.origin !== location.origin || u.pathname.startsWith("/login")) return "";
    return u.pathname + u.search + u.hash;
  } catch {
    return "";
  }
}

// homeOf is where a user goes after logging in without a next page.
export function homeOf(user) {
  return user && user.role === "manager" ? "/manager" : "/counter";
}

// logout ends the session on the hub; the page goes to the login page
// afterwards, whatever the hub answered.
export async function logout() {
  await request("POST", "/api/v1/logout");
  location.replace("/login");
}
