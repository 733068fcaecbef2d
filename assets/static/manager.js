// manager.js: the manager's page, /manager: the hall live, and its
// configuration. It wires the modules that do the work:
//
//	manager-live.js     Live (the default tab): the hall now and today, over
//	                    /ws/manager, with manager-alerts.js (alerts, the
//	                    alarm), manager-charts.js, manager-staffing.js
//	manager-words.js    the page's words in Chinese and English
//	manager-forms.js    a form bound to one object of the API (GET, then PUT back)
//	manager-lists.js    a list of objects with the editor of one
//	manager-config.js   Hall, Services, Tiers, Counters, Staff, Devices
//	manager-media.js    Slides, Voice
//	manager-cards.js    Cards (the customers' file)
//	manager-reports.js  Reports
//
// and the shared ones: staff.js (the login), request.js (the API), lang.js.
//
// On load it asks who is logged in: nobody, or a password to change, goes
// to the login page (which comes back here); a staff member sees that the
// page is for managers only. A tab reads its objects from the hub each
// time it is shown, so a change made elsewhere shows. <body data-view>
// says what shows (loading, denied, work, unreachable); data-tab which tab.

import { setTimeZone, text } from "/assets/i18n.js";
import { request } from "/assets/request.js";
import { currentUser, logout, toLogin } from "/assets/staff.js";
import { L } from "/assets/manager-words.js";
import { countersTab, devicesTab, hallTab, servicesTab, staffTab, tiersTab } from "/assets/manager-config.js";
import { slidesTab, voiceTab } from "/assets/manager-media.js";
import { cardsTab } from "/assets/manager-cards.js";
import { reportsTab } from "/assets/manager-reports.js";
import { liveLang, liveTab, startLive } from "/assets/manager-live.js";

const $ = (id) => document.getElementById(id);

const TABS = {
  live: liveTab(),
  hall: hallTab(),
  services: servicesTab(),
  tiers: tiersTab(),
  counters: countersTab(),
  staff: staffTab(),
  devices: devicesTab(),
  slides: slidesTab(),
  voice: voiceTab(),
  cards: cardsTab(),
  reports: reportsTab(),
};

let current = "";
let showing = 0; // counts tab shows: a test waits for data-shown to change

function view(v) {
  document.body.dataset.view = v;
  for (const id of ["view-loading", "view-denied", "view-work", "view-unreachable"]) $(id).hidden = id !== `view-${v}`;
}

async function showTab(name) {
  if (!TABS[name]) name = "live";
  current = name;
  document.body.dataset.tab = name;
  document.body.dataset.ready = "";
  for (const b of document.querySelectorAll(".mtabs button")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const p of document.querySelectorAll(".mpanel")) p.hidden = p.id !== `panel-${name}`;
  if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
  const n = ++showing;
  await TABS[name].show($(`panel-${name}`));
  if (n === showing) {
    L.apply();
    document.body.dataset.ready = name;
    document.body.dataset.shown = String(n);
  }
}

async function start() {
  L.apply();
  L.toggle($("lang-toggle"), () => {
    const name = $("hall-name").dataset.name;
    if (name) $("hall-name").textContent = text(JSON.parse(name), L.lang);
    liveLang();
    if (document.body.dataset.view === "work") showTab(current);
    else if (document.body.dataset.view === "denied") $("denied-text").textContent = L.t("deniedText", $("who").textContent);
  });
  $("logout").addEventListener("click", logout);
  const s = await currentUser();
  if (s.unreachable) {
    view("unreachable");
    return;
  }
  if (s.user === null || s.user.must_change_password) {
    toLogin();
    return;
  }
  $("who").textContent = s.user.username;
  if (s.user.role !== "manager") {
    $("denied-text").textContent = L.t("deniedText", s.user.username);
    view("denied");
    return;
  }
  const h = await request("GET", "/api/v1/hall");
  if (h.ok) {
    setTimeZone(h.data.time_zone);
    $("hall-name").textContent = text(h.data.name, L.lang);
    $("hall-name").dataset.name = JSON.stringify(h.data.name);
  }
  for (const b of document.querySelectorAll(".mtabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  view("work");
  $("sound-toggle").hidden = false;
  startLive();
  await showTab(location.hash.slice(1));
}

start();
