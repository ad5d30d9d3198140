// Keeps the page current while the bot works on its own (reminders, closes, delayed posts)
// without a reload that would lose what is being typed; asks before buttons that ask to confirm.
"use strict";

const POLL_MS = 1000;

function confirmFirst(event) {
  const asking = event.submitter && event.submitter.dataset.confirm ? event.submitter : event.target;
  const question = asking.dataset ? asking.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
}

function focusModal() {
  const modal = document.getElementById("modal");
  if (!modal) return;
  const first = modal.querySelector("input:not([type=hidden]):not([tabindex='-1']), select, textarea, button:not([tabindex='-1'])");
  if (first) first.focus();
}

function mergeTimeline(current, fresh) {
  const old = new Map([...current.children].map((item) => [item.dataset.key, item]));
  const merged = [...fresh.children].map((item) => {
    const kept = old.get(item.dataset.key);
    return kept && kept.dataset.version === item.dataset.version ? kept : item;
  });
  current.replaceChildren(...merged);
}

function mergeModal(current, fresh) {
  const was = current.querySelector("#modal");
  const now = fresh.querySelector("#modal");
  if ((was && was.dataset.version) === (now && now.dataset.version)) return;
  current.replaceChildren(...fresh.childNodes);
  const open = Boolean(current.querySelector("#modal"));
  for (const behind of document.querySelectorAll("nav, main")) behind.inert = open;
  focusModal();
}

async function refresh() {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  mergeTimeline(document.getElementById("timeline"), fresh.getElementById("timeline"));
  mergeModal(document.getElementById("modal-region"), fresh.getElementById("modal-region"));
  for (const id of ["clock-now", "notice"]) {
    document.getElementById(id).innerHTML = fresh.getElementById(id).innerHTML;
  }
  document.querySelector("nav ul").innerHTML = fresh.querySelector("nav ul").innerHTML;
  document.body.dataset.revision = fresh.body.dataset.revision;
}

async function watch() {
  try {
    const response = await fetch("/playground/revision", { cache: "no-store" });
    if (response.ok && (await response.text()) !== document.body.dataset.revision) {
      await refresh();
    }
  } catch (error) {
    // The playground is restarting (Reset) or stopped: try again at the next tick.
  }
  window.setTimeout(watch, POLL_MS);
}

document.addEventListener("submit", confirmFirst);
document.addEventListener("keydown", (event) => {
  const modal = document.getElementById("modal");
  if (event.key === "Escape" && modal) {
    modal.querySelector("button[formaction='/playground/view/close']").click();
  }
});
focusModal();
window.setTimeout(watch, POLL_MS);
