// timers.js: a page's timers, one per purpose: setting one again replaces
// it, so that a screen's countdown or a long press never fires twice.
//
//	import { cancel, later, longPress, sleep } from "/assets/timers.js";
//
//	later("idle", 30000, goHome);   // replaces any "idle" timer
//	cancel("idle");
//	longPress(bar, 3000, openSetup); // a press held that long on bar
//	await sleep(1000);

const timers = {};

// later runs fn after ms, in place of the timer of that name, if any.
export function later(name, ms, fn) {
  clearTimeout(timers[name]);
  timers[name] = setTimeout(() => {
    delete timers[name];
    fn();
  }, ms);
}

// cancel stops the timer of that name, if any.
export function cancel(name) {
  clearTimeout(timers[name]);
  delete timers[name];
}

// sleep resolves after ms.
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// longPress runs fn when target is pressed (a touch, or the main mouse
// button) and held for ms.
export function longPress(target, ms, fn) {
  const start = (e) => {
    if (e.button !== undefined && e.button !== 0) return;
    later("press", ms, fn);
  };
  const stop = () => cancel("press");
  target.addEventListener("pointerdown", start);
  for (const type of ["pointerup", "pointercancel", "pointerleave"]) target.addEventListener(type, stop);
}
